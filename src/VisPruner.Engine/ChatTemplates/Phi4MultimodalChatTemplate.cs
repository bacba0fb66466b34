using System.Globalization;
using System.Text;

namespace VisPruner.Engine.ChatTemplates;

/// <summary>
/// Phi-4-multimodal: turns without newlines (<c>&lt;|user|&gt;&lt;|image_1|&gt;...&lt;|end|&gt;&lt;|assistant|&gt;</c>),
/// tool schemas in the system turn as <c>&lt;|tool|&gt;[json]&lt;|/tool|&gt;</c>, calls as
/// <c>&lt;|tool_call|&gt;[json]&lt;|/tool_call|&gt;</c> and results as <c>&lt;|tool_response|&gt;...&lt;|end|&gt;</c>.
/// </summary>
public sealed class Phi4MultimodalChatTemplate : IChatTemplate
{
    /// <inheritdoc />
    public string ModelType => "phi4mm";

    /// <inheritdoc />
    public string ImageMarker(int imageNumber)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(imageNumber, 1);
        return string.Create(CultureInfo.InvariantCulture, $"<|image_{imageNumber}|>");
    }

    /// <inheritdoc />
    public string ToolCallOpen => "<|tool_call|>";

    /// <inheritdoc />
    public string ToolCallClose => "<|/tool_call|>";

    /// <inheritdoc />
    public AssistantReply ParseReply(string generatedText) => ToolCallBlockParser.Parse(generatedText, ToolCallOpen, ToolCallClose);

    /// <inheritdoc />
    public string Render(IReadOnlyList<ChatTurn> turns, ChatTemplateOptions? options = null)
    {
        TurnValidation.Validate(turns);
        options ??= new ChatTemplateOptions();
        var prompt = new StringBuilder();
        var toolsPending = options.Tools.Count > 0;
        if (toolsPending && (turns.Count == 0 || turns[0].Role != TurnRole.System))
        {
            AppendSystem(prompt, string.Empty, options.Tools);
            toolsPending = false;
        }

        var images = 0;
        foreach (var turn in turns)
        {
            switch (turn.Role)
            {
                case TurnRole.System:
                    AppendSystem(prompt, turn.Text, toolsPending ? options.Tools : []);
                    toolsPending = false;
                    break;
                case TurnRole.User:
                    prompt.Append("<|user|>");
                    foreach (var content in turn.Parts)
                    {
                        prompt.Append(content is ImagePart ? ImageMarker(++images) : ((TextPart)content).Text);
                    }

                    prompt.Append("<|end|>");
                    break;
                case TurnRole.Assistant:
                    prompt.Append("<|assistant|>").Append(turn.Text);
                    var calls = turn.Parts.OfType<ToolCallPart>().ToList();
                    if (calls.Count > 0)
                    {
                        prompt.Append("<|tool_call|>[").AppendJoin(", ", calls.Select(ToolJson.Call)).Append("]<|/tool_call|>");
                    }

                    prompt.Append("<|end|>");
                    break;
                case TurnRole.Tool:
                    prompt.Append("<|tool_response|>").Append(TurnValidation.ToolTurnText(turn)).Append("<|end|>");
                    break;
            }
        }

        prompt.Append(options.AddGenerationPrompt ? "<|assistant|>" : "<|endoftext|>");
        return prompt.ToString();
    }

    private static void AppendSystem(StringBuilder prompt, string text, IReadOnlyList<ToolDefinition> tools)
    {
        prompt.Append("<|system|>").Append(text);
        if (tools.Count > 0)
        {
            prompt.Append("<|tool|>").Append(ToolJson.FunctionList(tools)).Append("<|/tool|>");
        }

        prompt.Append("<|end|>");
    }
}
