namespace VisPruner.Cli.Evaluation;

/// <summary>Exact-match scoring of short answers, normalised for case and whitespace.</summary>
internal static class AnswerMatch
{
    /// <summary>Lower-cases <paramref name="answer"/>, trims it and collapses each run of whitespace to one space.</summary>
    public static string Normalize(string answer) =>
        string.Join(' ', answer.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    /// <summary>Whether <paramref name="given"/> matches <paramref name="expected"/> after normalisation.</summary>
    public static bool IsMatch(string given, string expected) => Normalize(given) == Normalize(expected);
}
