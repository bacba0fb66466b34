using System.Text.RegularExpressions;
using VisPruner.Tokenizers.Text;

namespace VisPruner.Tokenizers.PreTokenizers;

/// <summary>Splits each piece on a regular expression or literal (tokenizer.json "Split").</summary>
internal sealed class SplitPreTokenizer(Regex pattern, SplitBehavior behavior, bool invert) : PreTokenizer
{
    [ThreadStatic]
    private static List<(int Start, int End, bool IsDelimiter)>? t_parts;

    public override void PreTokenize(PieceBuffer input, PieceBuffer output)
    {
        for (var i = 0; i < input.Count; i++)
        {
            Split(input[i], pattern, behavior, invert, output);
        }
    }

    /// <summary>Splits <paramref name="text"/> into pieces appended to <paramref name="output"/>.</summary>
    public static void Split(ReadOnlySpan<char> text, Regex pattern, SplitBehavior behavior, bool invert, PieceBuffer output)
    {
        var parts = t_parts ??= [];
        parts.Clear();
        var previousEnd = 0;
        foreach (var match in UnicodeRegex.EnumerateMatches(pattern, text))
        {
            if (match.Index > previousEnd)
            {
                parts.Add((previousEnd, match.Index, invert));
            }

            parts.Add((match.Index, match.Index + match.Length, !invert));
            previousEnd = match.Index + match.Length;
        }

        if (previousEnd < text.Length)
        {
            parts.Add((previousEnd, text.Length, invert));
        }

        ApplyBehavior(parts, behavior);
        foreach (var (start, end, isDelimiter) in parts)
        {
            if (!(behavior == SplitBehavior.Removed && isDelimiter))
            {
                output.Add(text[start..end]);
            }
        }
    }

    /// <summary>Merges delimiters into their neighbours in place, as the behavior asks.</summary>
    private static void ApplyBehavior(List<(int Start, int End, bool IsDelimiter)> parts, SplitBehavior behavior)
    {
        switch (behavior)
        {
            case SplitBehavior.MergedWithPrevious:
                Merge(parts, (previous, current) => current.IsDelimiter && !previous.IsDelimiter);
                break;
            case SplitBehavior.MergedWithNext:
                // A delimiter joins the part after it, unless that part is a delimiter too.
                parts.Reverse();
                Merge(parts, (previous, current) => current.IsDelimiter && !previous.IsDelimiter);
                parts.Reverse();
                break;
            case SplitBehavior.Contiguous:
                Merge(parts, (previous, current) => current.IsDelimiter == previous.IsDelimiter);
                break;
        }
    }

    private static void Merge(List<(int Start, int End, bool IsDelimiter)> parts, Func<(int Start, int End, bool IsDelimiter), (int Start, int End, bool IsDelimiter), bool> joins)
    {
        var count = 0;
        var previous = default((int Start, int End, bool IsDelimiter));
        for (var i = 0; i < parts.Count; i++)
        {
            var current = parts[i];
            var join = count > 0 && joins(previous, current);
            previous = current;
            if (join)
            {
                var last = parts[count - 1];
                parts[count - 1] = (Math.Min(last.Start, current.Start), Math.Max(last.End, current.End), last.IsDelimiter);
            }
            else
            {
                parts[count++] = current;
            }
        }

        parts.RemoveRange(count, parts.Count - count);
    }
}
