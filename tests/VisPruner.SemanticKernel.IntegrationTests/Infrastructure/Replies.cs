namespace VisPruner.SemanticKernel.IntegrationTests.Infrastructure;

/// <summary>The replies scripted models write: a call of the building lookup, and the answer after its result.</summary>
public static class Replies
{
    public const string Answer = "It is a red detached house. A buyer should check the roof, the damp course and the heating.";

    /// <summary>The text the model writes before its call.</summary>
    public const string BeforeCall = "Let me look that building up.\n";

    /// <summary>
    /// A call of the lookup in Phi-3.5-vision's prompt-based format. Semantic Kernel names a plugin's functions
    /// <c>plugin_function</c>, so a kernel call is to <c>buildings_lookup_building</c>; an AIFunction's is <c>lookup_building</c>.
    /// </summary>
    public static string Call(string function) => BeforeCall + CallOnly(function);

    /// <summary>The call alone: when a call is required, constrained decoding lets the reply hold calls only.</summary>
    public static string CallOnly(string function) =>
        "<tool_call>\n{\"name\": \"" + function + "\", \"arguments\": {\"kind\": \"house\", \"colour\": \"red\"}}\n</tool_call>";

    /// <summary>What the lookup returns for the scripted call.</summary>
    public const string LookupResult = "A detached red house: check the roof, the damp course and the heating.";
}
