using Microsoft.Extensions.AI;
using VisPruner.Engine.DemoModels;
using VisPruner.SemanticKernel;

namespace VisPruner.AgentExample;

/// <summary>
/// Without --model the example runs on tiny demo models with random weights. Random
/// weights never decide to call a tool, so the first turn runs on a scripted demo model that writes a tool call: the loop,
/// the tool, and the round trip through the prompt are all real.
/// </summary>
internal static class DemoModels
{
    public const string ScriptedCall = "Let me look that building up.\n<tool_call>\n{\"name\": \"lookup_building\", \"arguments\": {\"kind\": \"house\", \"colour\": \"red\"}}\n</tool_call>";

    public static string RandomFolder() => DemoModelCache.GetOrCreateDemo();

    /// <summary>A demo model that answers exactly this first turn with <see cref="ScriptedCall"/>.</summary>
    public static async Task<string> FirstTurnFolderAsync(IList<ChatMessage> messages, ChatOptions options)
    {
        using VisPrunerChatClient random = await VisPrunerChatClient.LoadAsync(new VisPrunerChatOptions { ModelFolder = RandomFolder() });
        ChatOptions measure = options.Clone();
        measure.MaxOutputTokens = 1;
        int promptLength = (int)(await random.GetResponseAsync(messages, measure)).Usage!.InputTokenCount!.Value;
        int[] tokens = random.Engine.Tokenizer.Encode(ScriptedCall, addSpecialTokens: false, parseSpecialTokens: false);
        return DemoModelCache.GetOrCreate($"agent-demo-qa-1-{promptLength}", new TinyPhi3VisionOptions { Script = new TinyPhi3VisionScript(promptLength, tokens) });
    }
}
