using VisPruner.DemoModels;
using VisPruner.Extensions.AI;

namespace VisPruner.Examples;

/// <summary>
/// Without --model the examples run on a tiny demo model. Random weights never decide to call a tool, so its decoder is
/// scripted: after the question it writes a call of the lookup, after the call's result an answer. The tool, the
/// framework's invocation loop and the round trip through the prompt are all real. A scripted reply starts where a
/// prompt ends, and the second prompt's length depends on how the framework renders the call and its result, so two
/// quiet runs of the example learn the lengths first (the folders are cached).
/// </summary>
internal static class DemoScript
{
    public const string Answer = "It is a red detached house. A buyer should check the roof, the damp course and the heating.";

    /// <summary>A demo model folder for the example's conversation.</summary>
    /// <param name="function">The name the framework gives the lookup tool.</param>
    /// <param name="run">Runs the example quietly on a model folder and returns the prompt tokens of all its model requests.</param>
    public static async Task<string> FolderAsync(string function, Func<string, Task<long>> run)
    {
        using VisPrunerChatClient random = await VisPrunerChatClient.LoadAsync(new VisPrunerChatClientOptions { ModelFolder = DemoModelCache.GetOrCreateDemo() });
        int[] Encode(string text) => random.Engine.EncodeText(text);
        int end = random.Engine.Config.Model.EosTokenIds[0]; // <|end|>
        string call = "Let me look that building up.\n<tool_call>\n{\"name\": \"" + function + "\", \"arguments\": {\"kind\": \"house\", \"colour\": \"red\"}}\n</tool_call>";

        // A model that says nothing answers the question only: its prompt is the question's.
        int question = checked((int)await run(Scripted("silent", 1, [])));
        int[] callTokens = [.. Encode(call), end];
        int both = checked((int)await run(Scripted($"{function}-{question}", question, callTokens)));
        int result = both - question;
        int[] tokens = [.. callTokens, .. Enumerable.Repeat(end, result - question - callTokens.Length), .. Encode(Answer), end];
        return Scripted($"{function}-{question}-{result}", question, tokens);
    }

    // The prefix is bumped whenever the demo factory's output (its tokenizer, or how a script drives the decoder) changes.
    private static string Scripted(string name, int promptLength, IReadOnlyList<int> tokens) =>
        DemoModelCache.GetOrCreate("agent-demo-qa-2-" + name, new TinyPhi3VisionOptions { Script = new TinyPhi3VisionScript(promptLength, tokens) });
}
