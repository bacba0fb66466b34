using System.Globalization;

namespace VisPruner.Engine.ChatTemplates;

/// <summary>
/// Phi-3 / Phi-3.5-vision: <c>&lt;|system|&gt;\n...&lt;|end|&gt;\n&lt;|user|&gt;\n&lt;|image_1|&gt;\n...&lt;|end|&gt;\n&lt;|assistant|&gt;\n</c>.
/// </summary>
/// <remarks>
/// The family has no tool tokens, so tool use is prompt-based: the schemas and the reply format are
/// described in the system turn, calls are <c>&lt;tool_call&gt;{json}&lt;/tool_call&gt;</c> blocks in
/// assistant text, and results go back in a user turn as <c>&lt;tool_response&gt;</c> blocks.
/// </remarks>
internal sealed class Phi3VisionChatTemplate : IChatTemplate
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
    public string ToolCallArgumentsName => "arguments";

    /// <inheritdoc />
    public AssistantReply ParseReply(string generatedText) => ToolCallBlockParser.Parse(generatedText, ToolCallOpen, ToolCallClose);

    /// <inheritdoc />
    public RenderedPrompt Render(IReadOnlyList<ChatTurn> turns, ChatTemplateOptions? options = null)
    {
        TurnValidation.Validate(turns);
        options ??= new ChatTemplateOptions();
        var prompt = new PromptBuilder();
        var toolsPending = options.Tools.Count > 0;
        if (toolsPending && (turns.Count == 0 || turns[0].Role != TurnRole.System))
        {
            prompt.Markup("<|system|>\n").Content(ToolJson.ToolsSection(options.Tools)).Markup("<|end|>\n");
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
                        prompt.Markup("<|system|>\n").Content(system).Markup("<|end|>\n");
                    }

                    break;
                case TurnRole.User:
                    prompt.Markup("<|user|>\n");
                    foreach (var content in turn.Parts)
                    {
                        if (content is ImagePart)
                        {
                            prompt.Image(ImageMarker).Content("\n");
                        }
                        else
                        {
                            prompt.Content(((TextPart)content).Text);
                        }
                    }

                    prompt.Markup("<|end|>\n");
                    break;
                case TurnRole.Assistant:
                    prompt.Markup("<|assistant|>\n").Content(turn.Text);
                    foreach (var call in turn.Parts.OfType<ToolCallPart>())
                    {
                        prompt.Content(prompt.EndsWith('\n') ? "" : "\n").Content("<tool_call>\n").Content(ToolJson.Call(call)).Content("\n</tool_call>");
                    }

                    prompt.Markup("<|end|>\n");
                    break;
                case TurnRole.Tool:
                    // Consecutive results share one user turn.
                    if (i > 0 && turns[i - 1].Role == TurnRole.Tool)
                    {
                        prompt.Content("\n");
                    }
                    else
                    {
                        prompt.Markup("<|user|>\n");
                    }

                    prompt.Content("<tool_response>\n").Content(TurnValidation.ToolTurnText(turn)).Content("\n</tool_response>");
                    if (i == turns.Count - 1 || turns[i + 1].Role != TurnRole.Tool)
                    {
                        prompt.Markup("<|end|>\n");
                    }

                    break;
            }
        }

        prompt.Markup(options.AddGenerationPrompt ? "<|assistant|>\n" : "<|endoftext|>");
        return prompt.Build();
    }
}
