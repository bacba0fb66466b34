using Microsoft.Extensions.Options;
using VisPruner.CopilotServer.Protocol;
using VisPruner.Extensions.AI;

namespace VisPruner.CopilotServer.Hosting;

/// <summary>
/// The models the server serves, by name, each a keyed <see cref="VisPrunerChatClient"/> with its own folder, engine and
/// defaults. The first (<c>Copilot:DefaultModel</c>, else the first by name) is the default for requests that name none.
/// </summary>
internal sealed class ModelCatalog(IServiceProvider services, IReadOnlyList<string> names)
{
    public IReadOnlyList<string> Names { get; } = names;

    /// <summary>Loads every model now, so the first request does not wait and a bad folder stops the server at startup.</summary>
    public void LoadAll()
    {
        foreach (string name in Names)
        {
            _ = services.GetRequiredKeyedService<VisPrunerChatClient>(name);
        }
    }

    /// <summary>The name a request's <c>model</c> field resolves to.</summary>
    /// <exception cref="RequestError">404 when no model has that name.</exception>
    public string Resolve(string? model) =>
        model is null || model.Length == 0 ? Names[0]
        : Names.Contains(model) ? model
        : throw new RequestError(StatusCodes.Status404NotFound, $"The model '{model}' does not exist; this server has {string.Join(", ", Names)}.", "model", "model_not_found");

    public VisPrunerChatClient Client(string name) => services.GetRequiredKeyedService<VisPrunerChatClient>(name);

    public VisPrunerChatClientOptions Settings(string name) => services.GetRequiredService<IOptionsMonitor<VisPrunerChatClientOptions>>().Get(name);

    /// <summary>Whether a request naming <paramref name="model"/> may carry <c>http(s)</c> image URLs; false for an unknown model (refused later).</summary>
    public bool AllowsRemoteImages(string? model) =>
        (model is null || model.Length == 0 || Names.Contains(model)) && Settings(Resolve(model)).AllowRemoteImageUris;
}
