namespace VisPruner.Engine.ChatTemplates;

/// <summary>
/// Qwen2.5-VL: ChatML turns (<c>&lt;|im_start|&gt;role\n...&lt;|im_end|&gt;\n</c>), images as
/// <c>&lt;|vision_start|&gt;&lt;|image_pad|&gt;&lt;|vision_end|&gt;</c>, tools in the system turn inside
/// <c>&lt;tools&gt;</c>, calls as <c>&lt;tool_call&gt;</c> blocks and results as <c>&lt;tool_response&gt;</c> blocks in a user turn.
/// </summary>
internal sealed class Qwen25VisionChatTemplate : IChatTemplate
{
    private const string DefaultSystemPrompt = "You are a helpful assistant.";

    /// <inheritdoc />
    public string ModelType => "qwen2_5_vl";

    /// <inheritdoc />
    /// <remarks>Every image has the same marker; the engine expands its <c>&lt;|image_pad|&gt;</c> to the image's tokens.</remarks>
    public string ImageMarker(int imageNumber)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(imageNumber, 1);
        return "<|vision_start|><|image_pad|><|vision_end|>";
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
    /// <remarks>
    /// <c>&lt;tool_call&gt;</c>, <c>&lt;/tool_call&gt;</c>, <c>&lt;tool_response&gt;</c> and <c>&lt;/tool_response&gt;</c> are
    /// added tokens in this family's tokenizer, so the template writes them as markup.
    /// </remarks>
    public RenderedPrompt Render(IReadOnlyList<ChatTurn> turns, ChatTemplateOptions? options = null)
    {
        TurnValidation.Validate(turns);
        options ??= new ChatTemplateOptions();
        var prompt = new PromptBuilder();
        var firstIsSystem = turns.Count > 0 && turns[0].Role == TurnRole.System;
        prompt.Markup("<|im_start|>system\n").Content(firstIsSystem ? turns[0].Text : DefaultSystemPrompt);
        if (options.Tools.Count > 0)
        {
            prompt.Content("\n\n" + ToolJson.ToolsSection(options.Tools));
        }

        prompt.Markup("<|im_end|>\n");
        for (var i = firstIsSystem ? 1 : 0; i < turns.Count; i++)
        {
            var turn = turns[i];
            switch (turn.Role)
            {
                case TurnRole.System:
                    prompt.Markup("<|im_start|>system\n").Content(turn.Text).Markup("<|im_end|>\n");
                    break;
                case TurnRole.User:
                    prompt.Markup("<|im_start|>user\n");
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

                    prompt.Markup("<|im_end|>\n");
                    break;
                case TurnRole.Assistant:
                    var calls = turn.Parts.OfType<ToolCallPart>().ToList();
                    if (calls.Count == 0)
                    {
                        prompt.Markup("<|im_start|>assistant\n").Content(turn.Text).Markup("<|im_end|>\n");
                        break;
                    }

                    prompt.Markup("<|im_start|>assistant");
                    if (turn.Text.Length > 0)
                    {
                        prompt.Content("\n" + turn.Text);
                    }

                    foreach (var call in calls)
                    {
                        prompt.Content("\n").Markup("<tool_call>").Content("\n" + ToolJson.Call(call) + "\n").Markup("</tool_call>");
                    }

                    prompt.Markup("<|im_end|>\n");
                    break;
                case TurnRole.Tool:
                    if (i == 0 || turns[i - 1].Role != TurnRole.Tool)
                    {
                        prompt.Markup("<|im_start|>user");
                    }

                    prompt.Content("\n").Markup("<tool_response>").Content("\n" + TurnValidation.ToolTurnText(turn) + "\n").Markup("</tool_response>");
                    if (i == turns.Count - 1 || turns[i + 1].Role != TurnRole.Tool)
                    {
                        prompt.Markup("<|im_end|>\n");
                    }

                    break;
            }
        }

        if (options.AddGenerationPrompt)
        {
            prompt.Markup("<|im_start|>assistant\n");
        }

        return prompt.Build();
    }
}
