using System.Security.Cryptography;
using Microsoft.Extensions.AI;
using VisPruner.Engine.Generation;

namespace VisPruner.Extensions.AI.Chat;

/// <summary>What every update of one response shares: ids, role, model and creation time.</summary>
internal sealed class ResponseIdentity(string modelId)
{
    public string ResponseId { get; } = "resp_" + RandomNumberGenerator.GetHexString(16, lowercase: true);

    public string MessageId { get; } = "msg_" + RandomNumberGenerator.GetHexString(16, lowercase: true);

    public DateTimeOffset CreatedAt { get; } = DateTimeOffset.UtcNow;

    public ChatResponseUpdate Update(IList<AIContent> contents, GenerationUpdate raw) => new(ChatRole.Assistant, contents)
    {
        ResponseId = ResponseId,
        MessageId = MessageId,
        ModelId = modelId,
        CreatedAt = CreatedAt,
        RawRepresentation = raw,
    };
}
