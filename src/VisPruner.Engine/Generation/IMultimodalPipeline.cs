using VisPruner.Engine.Pruning;

namespace VisPruner.Engine.Generation;

/// <summary>
/// What a model family contributes to generation: turning a request (chat and images) into decoder input.
/// ONNX Runtime GenAI's generator and the generation loop are shared by all families.
/// </summary>
internal interface IMultimodalPipeline : IDisposable
{
    /// <summary>Renders the chat, encodes its images and assembles the prompt, checking it fits <paramref name="contextLength"/>.</summary>
    Task<PreparedPrompt> PrepareAsync(GenerationRequest request, int contextLength, CancellationToken cancellationToken);

    /// <summary>Encodes one image and returns the rows <paramref name="pruning"/> keeps (null: the engine's default).</summary>
    Task<VisualTokenSelection> SelectAsync(ImageInput image, VisualTokenPruningOptions? pruning, CancellationToken cancellationToken);
}
