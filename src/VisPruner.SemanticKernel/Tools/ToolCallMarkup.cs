namespace VisPruner.SemanticKernel.Tools;

/// <summary>The delimiters a model family writes around tool calls in its replies.</summary>
/// <param name="Open">The text that opens a call block.</param>
/// <param name="Close">The text that closes it.</param>
internal sealed record ToolCallMarkup(string Open, string Close)
{
    /// <summary>Gets the markup of a <c>model.type</c>, matching the family's chat template.</summary>
    public static ToolCallMarkup ForModelType(string modelType) => modelType switch
    {
        "phi4mm" => new("<|tool_call|>", "<|/tool_call|>"),

        // phi3v is prompted with the same <tool_call> blocks Qwen was trained on.
        _ => new("<tool_call>", "</tool_call>"),
    };
}
