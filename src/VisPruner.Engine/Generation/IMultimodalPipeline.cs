using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Pruning;

namespace VisPruner.Engine.Generation;

/// <summary>
/// What a model family contributes to generation: turning a request (chat and images) into decoder input.
/// ONNX Runtime GenAI's generator and the generation loop are shared by all families.
/// </summary>
internal interface IMultimodalPipeline : IDisposable
{
    /// <summary>Gets the family's chat template, which renders every prompt this pipeline prepares.</summary>
    IChatTemplate Template { get; }

    /// <summary>
    /// Renders the chat, checks the prompt fits <paramref name="contextLength"/> from the images' headers, then encodes the
    /// images one at a time and assembles the prompt.
    /// </summary>
    Task<PreparedPrompt> PrepareAsync(GenerationRequest request, IReadOnlyList<RequestImage> images, int contextLength, CancellationToken cancellationToken);

    /// <summary>Encodes one image and returns the rows <paramref name="pruning"/> keeps (null: the engine's default).</summary>
    Task<VisualTokenSelection> SelectAsync(RequestImage image, VisualTokenPruningOptions? pruning, CancellationToken cancellationToken);
}
