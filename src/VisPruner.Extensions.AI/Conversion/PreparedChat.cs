using VisPruner.Engine.Generation;

namespace VisPruner.Extensions.AI.Conversion;

/// <summary>A chat request translated for the engine, with what the reply parser needs to know about it.</summary>
/// <param name="Request">The engine request.</param>
/// <param name="ToolsOffered">Whether tools were rendered into the prompt, so the reply may hold calls.</param>
/// <param name="SingleToolCall">Whether only the first call of a reply is kept.</param>
internal sealed record PreparedChat(GenerationRequest Request, bool ToolsOffered, bool SingleToolCall);
