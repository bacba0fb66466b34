using System.Globalization;

namespace VisPruner.Engine.ChatTemplates;

/// <summary>
/// Phi-4-multimodal: turns without newlines (<c>&lt;|user|&gt;&lt;|image_1|&gt;...&lt;|end|&gt;&lt;|assistant|&gt;</c>),
/// tool schemas in the system turn as <c>&lt;|tool|&gt;[json]&lt;|/tool|&gt;</c>, calls as
/// <c>&lt;|tool_call|&gt;[json]&lt;|/tool_call|&gt;</c> and results as <c>&lt;|tool_response|&gt;...&lt;|end|&gt;</c>.
/// The tool tags are tokens of Phi-4's vocabulary (200023 to 200027), which the model writes as such.
/// </summary>
internal sealed class Phi4MultimodalChatTemplate : IChatTemplate
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
    public string ToolCallArgumentsName => "arguments";

    /// <inheritdoc />
    public ToolCallTokens? ToolCallTokens { get; } = new(200025, 200026);

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
            AppendSystem(prompt, string.Empty, options.Tools);
            toolsPending = false;
        }

        foreach (var turn in turns)
        {
            switch (turn.Role)
            {
                case TurnRole.System:
                    AppendSystem(prompt, turn.Text, toolsPending ? options.Tools : []);
                    toolsPending = false;
                    break;
                case TurnRole.User:
                    prompt.Markup("<|user|>");
                    foreach (var content in turn.Parts)
                    {
                        if (content is ImagePart)
                        {
                            prompt.Image(ImageMarker);
                        }
                        else
                        {
                            prompt.Content(((TextPart)content).Text);
                        }
                    }

                    prompt.Markup("<|end|>");
                    break;
                case TurnRole.Assistant:
                    prompt.Markup("<|assistant|>").Content(turn.Text);
                    var calls = turn.Parts.OfType<ToolCallPart>().ToList();
                    if (calls.Count > 0)
                    {
                        prompt.Markup("<|tool_call|>").Content("[" + string.Join(", ", calls.Select(c => ToolJson.Call(c))) + "]").Markup("<|/tool_call|>");
                    }

                    prompt.Markup("<|end|>");
                    break;
                case TurnRole.Tool:
                    prompt.Markup("<|tool_response|>").Content(TurnValidation.ToolTurnText(turn)).Markup("<|end|>");
                    break;
            }
        }

        prompt.Markup(options.AddGenerationPrompt ? "<|assistant|>" : "<|endoftext|>");
        return prompt.Build();
    }

    private static void AppendSystem(PromptBuilder prompt, string text, IReadOnlyList<ToolDefinition> tools)
    {
        prompt.Markup("<|system|>").Content(text);
        if (tools.Count > 0)
        {
            prompt.Markup("<|tool|>").Content(ToolJson.FunctionList(tools)).Markup("<|/tool|>");
        }

        prompt.Markup("<|end|>");
    }
}
