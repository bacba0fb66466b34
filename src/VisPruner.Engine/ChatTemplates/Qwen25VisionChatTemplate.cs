using System.Text;

namespace VisPruner.Engine.ChatTemplates;

/// <summary>
/// Qwen2.5-VL: ChatML turns (<c>&lt;|im_start|&gt;role\n...&lt;|im_end|&gt;\n</c>), images as
/// <c>&lt;|vision_start|&gt;&lt;|image_pad|&gt;&lt;|vision_end|&gt;</c>, tools in the system turn inside
/// <c>&lt;tools&gt;</c>, calls as <c>&lt;tool_call&gt;</c> blocks and results as <c>&lt;tool_response&gt;</c> blocks in a user turn.
/// </summary>
public sealed class Qwen25VisionChatTemplate : IChatTemplate
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
    public AssistantReply ParseReply(string generatedText) => ToolCallBlockParser.Parse(generatedText, ToolCallOpen, ToolCallClose);

    /// <inheritdoc />
    public string Render(IReadOnlyList<ChatTurn> turns, ChatTemplateOptions? options = null)
    {
        TurnValidation.Validate(turns);
        options ??= new ChatTemplateOptions();
        var prompt = new StringBuilder();
        var firstIsSystem = turns.Count > 0 && turns[0].Role == TurnRole.System;
        prompt.Append("<|im_start|>system\n").Append(firstIsSystem ? turns[0].Text : DefaultSystemPrompt);
        if (options.Tools.Count > 0)
        {
            prompt.Append("\n\n").Append(ToolJson.ToolsSection(options.Tools));
        }

        prompt.Append("<|im_end|>\n");
        var images = 0;
        for (var i = firstIsSystem ? 1 : 0; i < turns.Count; i++)
        {
            var turn = turns[i];
            switch (turn.Role)
            {
                case TurnRole.System:
                    prompt.Append("<|im_start|>system\n").Append(turn.Text).Append("<|im_end|>\n");
                    break;
                case TurnRole.User:
                    prompt.Append("<|im_start|>user\n");
                    foreach (var content in turn.Parts)
                    {
                        prompt.Append(content is ImagePart ? ImageMarker(++images) : ((TextPart)content).Text);
                    }

                    prompt.Append("<|im_end|>\n");
                    break;
                case TurnRole.Assistant:
                    var calls = turn.Parts.OfType<ToolCallPart>().ToList();
                    if (calls.Count == 0)
                    {
                        prompt.Append("<|im_start|>assistant\n").Append(turn.Text).Append("<|im_end|>\n");
                        break;
                    }

                    prompt.Append("<|im_start|>assistant");
                    if (turn.Text.Length > 0)
                    {
                        prompt.Append('\n').Append(turn.Text);
                    }

                    foreach (var call in calls)
                    {
                        prompt.Append("\n<tool_call>\n").Append(ToolJson.Call(call)).Append("\n</tool_call>");
                    }

                    prompt.Append("<|im_end|>\n");
                    break;
                case TurnRole.Tool:
                    if (i == 0 || turns[i - 1].Role != TurnRole.Tool)
                    {
                        prompt.Append("<|im_start|>user");
                    }

                    prompt.Append("\n<tool_response>\n").Append(TurnValidation.ToolTurnText(turn)).Append("\n</tool_response>");
                    if (i == turns.Count - 1 || turns[i + 1].Role != TurnRole.Tool)
                    {
                        prompt.Append("<|im_end|>\n");
                    }

                    break;
            }
        }

        if (options.AddGenerationPrompt)
        {
            prompt.Append("<|im_start|>assistant\n");
        }

        return prompt.ToString();
    }
}
