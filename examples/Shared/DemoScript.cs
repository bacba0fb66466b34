using VisPruner.DemoModels;

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
        // The name is bumped whenever the demo factory's output (its tokenizer, or how a script drives the decoder) changes.
        using ScriptedModelFolders models = ScriptedModelFolders.InCache("agent-demo-qa-2");
        string call = "Let me look that building up.\n<tool_call>\n{\"name\": \"" + function + "\", \"arguments\": {\"kind\": \"house\", \"colour\": \"red\"}}\n</tool_call>";

        // A run reports its requests' prompt tokens together: each new run adds one request, whose prompt is the rest.
        var prompts = new List<int>();
        return await models.WriteAsync([call, Answer], async folder =>
        {
            prompts.Add(checked((int)(await run(folder) - prompts.Sum())));
            return [.. prompts];
        });
    }
}
