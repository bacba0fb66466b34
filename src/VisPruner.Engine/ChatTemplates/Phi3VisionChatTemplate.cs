using System.Globalization;
using System.Text;

namespace VisPruner.Engine.ChatTemplates;

/// <summary>
/// Phi-3 / Phi-3.5-vision: <c>&lt;|system|&gt;\n...&lt;|end|&gt;\n&lt;|user|&gt;\n&lt;|image_1|&gt;\n...&lt;|end|&gt;\n&lt;|assistant|&gt;\n</c>.
/// </summary>
/// <remarks>
/// The family has no tool tokens, so tool use is prompt-based: the schemas and the reply format are
/// described in the system turn, calls are <c>&lt;tool_call&gt;{json}&lt;/tool_call&gt;</c> blocks in
/// assistant text, and results go back in a user turn as <c>&lt;tool_response&gt;</c> blocks.
/// </remarks>
public sealed class Phi3VisionChatTemplate : IChatTemplate
{
    /// <inheritdoc />
    public string ModelType => "phi3v";

    /// <inheritdoc />
    public string ImageMarker(int imageNumber)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(imageNumber, 1);
        return string.Create(CultureInfo.InvariantCulture, $"<|image_{imageNumber}|>");
    }

    /// <inheritdoc />
    public string ToolCallOpen => "<tool_call>";

    /// <inheritdoc />
    public string ToolCallClose => "</tool_call>";

    /// <inheritdoc />
    public AssistantReply ParseReply(string generatedText) => ToolCallBlockParser.Parse(generatedText, ToolCallOpen, ToolCallClose);

    /// <inheritdoc />
    public string Render(IReadOnlyList<ChatTurn> turns, ChatTemplateOptions? options = null)
    {
        TurnValidation.Validate(turns);
        options ??= new ChatTemplateOptions();
        var prompt = new StringBuilder();
        var images = 0;
        var toolsPending = options.Tools.Count > 0;
        if (toolsPending && (turns.Count == 0 || turns[0].Role != TurnRole.System))
        {
            prompt.Append("<|system|>\n").Append(ToolJson.ToolsSection(options.Tools)).Append("<|end|>\n");
            toolsPending = false;
        }

        for (var i = 0; i < turns.Count; i++)
        {
            var turn = turns[i];
            switch (turn.Role)
            {
                case TurnRole.System:
                    var system = turn.Text;
                    if (toolsPending)
                    {
                        system += "\n\n" + ToolJson.ToolsSection(options.Tools);
                        toolsPending = false;
                    }

                    // The published template drops empty system turns.
                    if (system.Length > 0)
                    {
                        prompt.Append("<|system|>\n").Append(system).Append("<|end|>\n");
                    }

                    break;
                case TurnRole.User:
                    prompt.Append("<|user|>\n");
                    foreach (var content in turn.Parts)
                    {
                        prompt.Append(content is ImagePart ? ImageMarker(++images) + "\n" : ((TextPart)content).Text);
                    }

                    prompt.Append("<|end|>\n");
                    break;
                case TurnRole.Assistant:
                    prompt.Append("<|assistant|>\n").Append(turn.Text);
                    foreach (var call in turn.Parts.OfType<ToolCallPart>())
                    {
                        prompt.Append(prompt[^1] == '\n' ? "" : "\n").Append("<tool_call>\n").Append(ToolJson.Call(call)).Append("\n</tool_call>");
                    }

                    prompt.Append("<|end|>\n");
                    break;
                case TurnRole.Tool:
                    // Consecutive results share one user turn.
                    prompt.Append(i > 0 && turns[i - 1].Role == TurnRole.Tool ? "\n" : "<|user|>\n");
                    prompt.Append("<tool_response>\n").Append(TurnValidation.ToolTurnText(turn)).Append("\n</tool_response>");
                    if (i == turns.Count - 1 || turns[i + 1].Role != TurnRole.Tool)
                    {
                        prompt.Append("<|end|>\n");
                    }

                    break;
            }
        }

        prompt.Append(options.AddGenerationPrompt ? "<|assistant|>\n" : "<|endoftext|>");
        return prompt.ToString();
    }
}
