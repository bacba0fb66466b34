namespace VisPruner.Engine.ChatTemplates;

/// <summary>
/// Gemma 3: <c>&lt;bos&gt;</c>, then <c>&lt;start_of_turn&gt;{user|model}\n{content}&lt;end_of_turn&gt;\n</c> per turn, the
/// system text plus <c>"\n\n"</c> opening the first user turn, images as <c>&lt;start_of_image&gt;</c>, each text part
/// trimmed, turns alternating between user and model from a user turn, and <c>&lt;start_of_turn&gt;model\n</c> as the
/// generation prompt. Only the special tokens are markup: role names and newlines are plain text, so the text around an
/// image is tokenized in one run with the newlines the processor writes around its soft tokens, as ONNX Runtime GenAI's
/// processor tokenizes its expanded prompt.
/// </summary>
/// <remarks>
/// Gemma 3 has no tool syntax; tool use is a prompt convention, Google's JSON one for Gemma 3 function calling. The
/// functions' schemas and the reply format open the first user turn, after the system text. A call is the JSON object
/// <c>{"name": ..., "parameters": {...}}</c> in a fenced block, <c>```tool_call</c> newline, JSON, newline, <c>```</c>, one
/// block per call. Results go back in a user turn as <c>```tool_output</c> blocks, one per result.
/// </remarks>
internal sealed class Gemma3ChatTemplate : IChatTemplate
{
    private const string ToolsInstructions =
        "You have access to functions. If you decide to invoke any of the function(s), you MUST put it in the format of\n" +
        "```tool_call\n{\"name\": function name, \"parameters\": dictionary of argument name and its value}\n```\n" +
        "You SHOULD NOT include any other text in the response if you call a function\n";

    /// <inheritdoc />
    public string ModelType => "gemma3";

    /// <inheritdoc />
    public string ToolCallOpen => "```tool_call";

    /// <inheritdoc />
    public string ToolCallClose => "```";

    /// <inheritdoc />
    public string ToolCallArgumentsName => "parameters";

    /// <inheritdoc />
    /// <remarks>Every image has the same marker; the engine puts the image's soft tokens after it.</remarks>
    public string ImageMarker(int imageNumber)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(imageNumber, 1);
        return "<start_of_image>";
    }

    /// <inheritdoc />
    public AssistantReply ParseReply(string generatedText) => ToolCallBlockParser.Parse(generatedText, ToolCallOpen, ToolCallClose);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">
    /// The turns do not alternate between user (tool results count as a user turn) and assistant from a user turn, a system
    /// turn follows another kind of turn, or system text or tools have no user turn to open.
    /// </exception>
    public RenderedPrompt Render(IReadOnlyList<ChatTurn> turns, ChatTemplateOptions? options = null)
    {
        TurnValidation.Validate(turns);
        options ??= new ChatTemplateOptions();
        var prompt = new PromptBuilder();
        prompt.Markup("<bos>");

        // Leading system turns (Gemma's template takes one) open the first user turn, as do the tools.
        int first = 0;
        var opening = new System.Text.StringBuilder();
        for (; first < turns.Count && turns[first].Role == TurnRole.System; first++)
        {
            opening.Append(first == 0 ? string.Empty : "\n\n").Append(turns[first].Text);
        }

        if (first > 0)
        {
            opening.Append("\n\n");
        }

        if (options.Tools.Count > 0)
        {
            opening.Append(ToolsInstructions).Append(ToolJson.FunctionList(options.Tools)).Append("\n\n");
        }

        int position = 0;
        for (int i = first; i < turns.Count; i++)
        {
            ChatTurn turn = turns[i];
            bool continuesResults = turn.Role == TurnRole.Tool && i > first && turns[i - 1].Role == TurnRole.Tool;
            if (!continuesResults)
            {
                if (AlternationProblem(turn, i, position++) is { } problem)
                {
                    throw new ArgumentException(problem, nameof(turns));
                }

                prompt.Markup("<start_of_turn>").Content(turn.Role == TurnRole.Assistant ? "model\n" : "user\n");
                if (position == 1)
                {
                    prompt.Content(opening.ToString());
                }
            }

            switch (turn.Role)
            {
                case TurnRole.User:
                    foreach (ChatPart part in turn.Parts)
                    {
                        if (part is ImagePart)
                        {
                            prompt.Image(ImageMarker);
                        }
                        else
                        {
                            prompt.Content(((TextPart)part).Text.Trim());
                        }
                    }

                    break;
                case TurnRole.Assistant:
                    AppendAssistant(prompt, turn);
                    break;
                case TurnRole.Tool:
                    prompt.Content((continuesResults ? "\n" : string.Empty) + "```tool_output\n" + TurnValidation.ToolTurnText(turn).Trim() + "\n```");
                    if (i + 1 < turns.Count && turns[i + 1].Role == TurnRole.Tool)
                    {
                        continue;
                    }

                    break;
            }

            prompt.Markup("<end_of_turn>").Content("\n");
        }

        if (position == 0 && opening.Length > 0)
        {
            throw new ArgumentException("Gemma 3 puts the system text and the tools in the first user turn, and the conversation has none.", nameof(turns));
        }

        if (options.AddGenerationPrompt)
        {
            prompt.Markup("<start_of_turn>").Content("model\n");
        }

        return prompt.Build();
    }

    // Gemma's template raises an error on what this refuses.
    private static string? AlternationProblem(ChatTurn turn, int index, int position) =>
        turn.Role == TurnRole.System ? $"Turn {index} is a system turn after the conversation started; Gemma 3 takes system text only at its start."
        : (turn.Role != TurnRole.Assistant) != (position % 2 == 0)
            ? $"Turn {index} ({turn.Role}): Gemma 3's turns must alternate between user and assistant, starting with user (tool results count as a user turn)."
            : null;

    private void AppendAssistant(PromptBuilder prompt, ChatTurn turn)
    {
        bool written = false;
        foreach (ChatPart part in turn.Parts)
        {
            string text = part switch
            {
                TextPart t => t.Text.Trim(),
                ToolCallPart call => (written ? "\n" : string.Empty) + ToolCallOpen + "\n" + ToolJson.Call(call, ToolCallArgumentsName) + "\n" + ToolCallClose,
                _ => string.Empty,
            };
            prompt.Content(text);
            written |= text.Length > 0;
        }
    }
}
