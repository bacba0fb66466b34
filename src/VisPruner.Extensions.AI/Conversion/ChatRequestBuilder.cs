using System.Text.Json;
using Microsoft.Extensions.AI;
using VisPruner.Engine.Generation;
using VisPruner.Extensions.AI.Tools;
using VisPruner.Engine.ChatTemplates;

namespace VisPruner.Extensions.AI.Conversion;

/// <summary>Translates Microsoft.Extensions.AI messages and options into an engine request. The inputs are never modified.</summary>
internal static class ChatRequestBuilder
{
    // Results and arguments are prompt text: indentation would only cost tokens.
    private static readonly JsonSerializerOptions CompactJson = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    public static async ValueTask<PreparedChat> BuildAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options, VisPrunerChatClientOptions settings, IChatClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (options?.ConversationId is not null)
        {
            throw new NotSupportedException("VisPrunerChatClient is stateless and keeps no conversations: leave ChatOptions.ConversationId null and send the whole history.");
        }

        ToolPrompt tools = ToolPrompt.From(options);
        var turns = new List<ChatTurn>();
        var images = new List<ImageInput>();
        ImageDetail? detail = null;

        var leadingSystem = new List<string>();
        AddIfText(leadingSystem, options?.Instructions);
        bool leading = true;
        int index = 0;
        foreach (ChatMessage message in messages)
        {
            if (message is null)
            {
                throw new ArgumentException($"Message {index} is null.", nameof(messages));
            }

            if (leading && message.Role == ChatRole.System)
            {
                AddIfText(leadingSystem, SystemText(message, index));
                index++;
                continue;
            }

            leading = false;
            if (message.Role == ChatRole.System)
            {
                turns.Add(new ChatTurn(TurnRole.System, SystemText(message, index)));
            }
            else if (message.Role == ChatRole.User)
            {
                var parts = new List<ChatPart>();
                foreach (AIContent content in message.Contents)
                {
                    if (ImageSources.IsImage(content))
                    {
                        images.Add(await ImageSources.ReadAsync(content, settings, cancellationToken).ConfigureAwait(false));
                        ImageDetail wanted = ImageDetails.Of(content);
                        detail = detail is null || wanted > detail ? wanted : detail;
                        parts.Add(new ImagePart());
                    }
                    else if (content is FunctionResultContent result)
                    {
                        FlushUser(turns, parts);
                        turns.Add(ToolTurn(result));
                    }
                    else
                    {
                        AddText(parts, content, message.Role, index);
                    }
                }

                FlushUser(turns, parts);
            }
            else if (message.Role == ChatRole.Assistant)
            {
                var parts = new List<ChatPart>();
                foreach (AIContent content in message.Contents)
                {
                    if (content is FunctionCallContent call)
                    {
                        parts.Add(new ToolCallPart(call.CallId, call.Name, ArgumentsJson(call)));
                    }
                    else
                    {
                        AddText(parts, content, message.Role, index);
                    }
                }

                // A message of ignored content only (usage, reasoning) would render as an empty turn.
                if (parts.Count > 0)
                {
                    turns.Add(new ChatTurn(TurnRole.Assistant, parts));
                }
            }
            else if (message.Role == ChatRole.Tool)
            {
                foreach (AIContent content in message.Contents)
                {
                    turns.Add(content switch
                    {
                        FunctionResultContent result => ToolTurn(result),
                        TextContent text => new ChatTurn(TurnRole.Tool, text.Text),
                        _ => throw Unsupported(content, message.Role, index),
                    });
                }
            }
            else
            {
                throw new NotSupportedException($"Message {index} has the role '{message.Role}'; supported roles are system, user, assistant and tool.");
            }

            index++;
        }

        leadingSystem.AddRange(tools.Directives);
        if (leadingSystem.Count > 0)
        {
            turns.Insert(0, new ChatTurn(TurnRole.System, string.Join("\n\n", leadingSystem)));
        }

        GenerationOptions generation = GenerationOptionsMapper.Map(options, settings, detail, client);
        if (generation.Constraint is null && settings.ConstrainReplies && client is VisPrunerChatClient visPruner)
        {
            generation = generation with { Constraint = ReplyGuidance.For(ReplyConstraints.From(options), tools, visPruner.Engine.ChatTemplate, settings.StructuredOutput) };
        }

        var request = new GenerationRequest(turns, images, generation) { Tools = tools.Tools };
        return new PreparedChat(request, tools.Tools.Count > 0, tools.SingleCall);
    }

    private static string SystemText(ChatMessage message, int index)
    {
        foreach (AIContent content in message.Contents)
        {
            if (content is not (TextContent or UsageContent))
            {
                throw Unsupported(content, message.Role, index);
            }
        }

        return message.Text;
    }

    private static void AddText(List<ChatPart> parts, AIContent content, ChatRole role, int index)
    {
        switch (content)
        {
            case TextContent text:
                parts.Add(new TextPart(text.Text));
                break;

            // Figures and the model's own reasoning carry nothing the prompt needs.
            case UsageContent or TextReasoningContent:
                break;
            default:
                throw Unsupported(content, role, index);
        }
    }

    private static void FlushUser(List<ChatTurn> turns, List<ChatPart> parts)
    {
        if (parts.Count > 0)
        {
            turns.Add(new ChatTurn(TurnRole.User, [.. parts]));
            parts.Clear();
        }
    }

    private static ChatTurn ToolTurn(FunctionResultContent result) =>
        new(TurnRole.Tool, [new ToolResultPart(result.CallId, ResultText(result))]);

    private static string ArgumentsJson(FunctionCallContent call) =>
        call.Arguments is null ? "{}" : JsonSerializer.Serialize(call.Arguments, CompactJson.GetTypeInfo(typeof(IDictionary<string, object?>)));

    private static string ResultText(FunctionResultContent result) => result.Result switch
    {
        null when result.Exception is not null => $"Error: {result.Exception.Message}",
        null => "null",
        string text => text,
        JsonElement element => element.GetRawText(),
        object value => JsonSerializer.Serialize(value, CompactJson.GetTypeInfo(value.GetType())),
    };

    private static void AddIfText(List<string> texts, string? text)
    {
        if (!string.IsNullOrWhiteSpace(text))
        {
            texts.Add(text);
        }
    }

    private static NotSupportedException Unsupported(AIContent content, ChatRole role, int index)
    {
        string what = content is DataContent or UriContent
            ? $"{content.GetType().Name} ({(content as DataContent)?.MediaType ?? (content as UriContent)?.MediaType})"
            : content.GetType().Name;
        return new NotSupportedException(
            $"Message {index} ({role}) holds {what}, which VisPrunerChatClient does not support there: user messages take text and images (image/*), assistant messages text and function calls, tool messages function results.");
    }
}
