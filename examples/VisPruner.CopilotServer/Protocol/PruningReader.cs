using System.Text.Json;
using Microsoft.Extensions.AI;
using VisPruner.Extensions.AI;

namespace VisPruner.CopilotServer.Protocol;

/// <summary>
/// Reads the request's <c>vispruner</c> extension object into the connector's per-request pruning properties:
/// <c>{"tokens_per_image": 64, "token_fraction": 0.25, "important_ratio": 0.5, "selector": "VisPruner", "repetition_penalty": 1.1}</c>.
/// </summary>
internal static class PruningReader
{
    private static readonly Dictionary<string, (string Key, Func<JsonElement, string, object> Read)> Settings = new()
    {
        ["tokens_per_image"] = (VisPrunerPropertyNames.TokensPerImage, (value, path) => checked((int)JsonFields.Integer(value, path, min: 1, max: int.MaxValue))),
        ["token_fraction"] = (VisPrunerPropertyNames.TokenFraction, (value, path) => JsonFields.Number(value, path, 0, 1, minExclusive: true)),
        ["important_ratio"] = (VisPrunerPropertyNames.ImportantRatio, (value, path) => JsonFields.Number(value, path, 0, 1)),
        ["repetition_penalty"] = (VisPrunerPropertyNames.RepetitionPenalty, (value, path) => JsonFields.Number(value, path, 0, 100, minExclusive: true)),
        ["selector"] = (VisPrunerPropertyNames.Selector, (value, path) => JsonFields.String(value, path)),
    };

    /// <summary>Adds the settings of <paramref name="extension"/> (the <c>vispruner</c> field) to <paramref name="options"/>.</summary>
    public static void Read(JsonElement extension, ChatOptions options)
    {
        JsonFields.Object(extension, "vispruner");
        foreach (JsonProperty setting in extension.EnumerateObject())
        {
            string path = "vispruner." + setting.Name;
            if (!Settings.TryGetValue(setting.Name, out var known))
            {
                throw RequestError.Invalid(path, $"'{path}' is not a VisPruner setting; use {string.Join(", ", Settings.Keys)}.");
            }

            if (setting.Value.ValueKind != JsonValueKind.Null)
            {
                (options.AdditionalProperties ??= [])[known.Key] = known.Read(setting.Value, path);
            }
        }
    }
}
