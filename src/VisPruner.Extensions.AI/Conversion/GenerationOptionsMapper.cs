using Microsoft.Extensions.AI;
using VisPruner.Engine.Generation;
using VisPruner.Engine.Pruning;

namespace VisPruner.Extensions.AI.Conversion;

/// <summary>
/// Maps <see cref="ChatOptions"/> onto the engine's <see cref="GenerationOptions"/>. A <see cref="GenerationOptions"/>
/// returned by <see cref="ChatOptions.RawRepresentationFactory"/> is the starting point, and what it sets wins.
/// </summary>
internal static class GenerationOptionsMapper
{
    public static GenerationOptions Map(ChatOptions? options, VisPrunerChatClientOptions settings, ImageDetail? detail, IChatClient client)
    {
        GenerationOptions raw = options?.RawRepresentationFactory?.Invoke(client) as GenerationOptions ?? new GenerationOptions();
        if (options is null)
        {
            return raw with
            {
                MaxNewTokens = raw.MaxNewTokens ?? settings.DefaultMaxOutputTokens,
                Pruning = raw.Pruning ?? PruningFor(detail, null, settings),
            };
        }

        AdditionalPropertiesDictionary? extra = options.AdditionalProperties;
        return raw with
        {
            MaxNewTokens = raw.MaxNewTokens ?? options.MaxOutputTokens ?? settings.DefaultMaxOutputTokens,
            Temperature = raw.Temperature ?? options.Temperature,
            TopP = raw.TopP ?? options.TopP,
            TopK = raw.TopK ?? options.TopK,
            Seed = raw.Seed ?? FoldSeed(options.Seed),
            RepetitionPenalty = raw.RepetitionPenalty ?? Read(extra, VisPrunerPropertyNames.RepetitionPenalty, PropertyValues.ToDouble),
            StopSequences = raw.StopSequences.Count > 0 || options.StopSequences is not { Count: > 0 } ? raw.StopSequences : [.. options.StopSequences],
            Pruning = raw.Pruning ?? PruningFor(detail, extra, settings),
        };
    }

    /// <summary>
    /// The request's pruning: the engine default, narrowed or widened by the images' detail, then overridden by the
    /// VisPruner additional properties. Null when nothing differs from the engine default.
    /// </summary>
    private static VisualTokenPruningOptions? PruningFor(ImageDetail? detail, AdditionalPropertiesDictionary? extra, VisPrunerChatClientOptions settings)
    {
        VisualTokenPruningOptions engineDefault = settings.Engine.Pruning;
        VisualTokenPruningOptions pruning = detail switch
        {
            ImageDetail.Low => engineDefault.Selector == VisualTokenSelectorKind.None
                ? new VisualTokenPruningOptions { TokensPerImage = settings.LowDetailTokensPerImage }
                : engineDefault with { TokensPerImage = settings.LowDetailTokensPerImage },
            ImageDetail.High => VisualTokenPruningOptions.Disabled,
            _ => engineDefault,
        };

        int? tokens = Read(extra, VisPrunerPropertyNames.TokensPerImage, PropertyValues.ToInt32);
        double? fraction = Read(extra, VisPrunerPropertyNames.TokenFraction, PropertyValues.ToDouble);
        double? ratio = Read(extra, VisPrunerPropertyNames.ImportantRatio, PropertyValues.ToDouble);
        VisualTokenSelectorKind? selector = ReadSelector(extra);
        if (tokens is not null || fraction is not null || ratio is not null || selector is not null)
        {
            // An explicit budget turns pruning on even where the image's detail or the engine default had it off.
            VisualTokenSelectorKind chosen = selector
                ?? (pruning.Selector == VisualTokenSelectorKind.None ? VisualTokenSelectorKind.VisPruner : pruning.Selector);
            pruning = pruning with
            {
                Selector = chosen,
                TokensPerImage = fraction is not null && tokens is null ? null : tokens ?? pruning.TokensPerImage,
                TokenFraction = fraction ?? pruning.TokenFraction,
                ImportantRatio = ratio ?? pruning.ImportantRatio,
            };
        }

        if (ReferenceEquals(pruning, engineDefault))
        {
            return null;
        }

        try
        {
            pruning.Validate();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new ArgumentException($"The request's visual-token pruning is invalid: {ex.Message}", ex);
        }

        return pruning;
    }

    private static VisualTokenSelectorKind? ReadSelector(AdditionalPropertiesDictionary? extra)
    {
        if (extra is null || !extra.TryGetValue(VisPrunerPropertyNames.Selector, out object? value) || value is null)
        {
            return null;
        }

        if (value is VisualTokenSelectorKind kind)
        {
            return kind;
        }

        string text = PropertyValues.ToText(value, VisPrunerPropertyNames.Selector);
        return Enum.TryParse(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out VisualTokenSelectorKind parsed) && !int.TryParse(text, out _)
            ? parsed
            : throw new ArgumentException(
                $"The additional property '{VisPrunerPropertyNames.Selector}' is '{text}'; use one of {string.Join(", ", Enum.GetNames<VisualTokenSelectorKind>())}.");
    }

    private static T? Read<T>(AdditionalPropertiesDictionary? extra, string key, Func<object, string, T> convert)
        where T : struct =>
        extra is not null && extra.TryGetValue(key, out object? value) && value is not null ? convert(value, key) : null;

    // The engine's seed is 32-bit; fold a 64-bit seed so distinct seeds stay (almost always) distinct.
    private static int? FoldSeed(long? seed) => seed is long value ? unchecked((int)(value ^ (value >>> 32))) : null;
}
