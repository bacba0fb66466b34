namespace VisPruner.Engine.Generation;

/// <summary>
/// The bounds that make every constrained reply (a tool call, a JSON document) finite, so that it always finishes:
/// constrained decoding enforces them on top of the schema wherever the schema itself sets no bound. A schema's own
/// <c>maxLength</c>, <c>maxItems</c>, <c>maxProperties</c> and number ranges are kept as written.
/// </summary>
/// <remarks>
/// Numbers are bounded too, with fixed limits: integers without a range stay within JavaScript's safe range
/// (±9,007,199,254,740,991) and other numbers within ±10^15 with at most six decimals (<c>multipleOf</c> 0.000001)
/// unless the schema says otherwise. The longest reply these bounds admit is what a constrained reply may cost in
/// tokens; a request whose context cannot hold it is refused before any work.
/// </remarks>
public sealed record StructuredOutputLimits
{
    /// <summary>The default limits.</summary>
    public static StructuredOutputLimits Default { get; } = new();

    /// <summary>
    /// Gets the most characters of a string whose schema sets no <c>maxLength</c> (default 256); at least 64 for a string
    /// with a <c>format</c> or <c>pattern</c>, so that a date-time or an e-mail address fits. Keys of free-form objects are
    /// limited to the smaller of this and 64.
    /// </summary>
    public int MaxStringLength { get; init; } = 256;

    /// <summary>Gets the most items of an array whose schema sets no <c>maxItems</c> (default 16).</summary>
    public int MaxArrayItems { get; init; } = 16;

    /// <summary>Gets the most entries of a free-form object (a dictionary; no declared properties) whose schema sets no <c>maxProperties</c> (default 16).</summary>
    public int MaxObjectEntries { get; init; } = 16;

    /// <summary>Gets the most tool calls in one reply when several are allowed (default 4).</summary>
    public int MaxToolCalls { get; init; } = 4;

    /// <summary>Gets how deep a recursive schema (<c>$ref</c>) is unrolled (default 4); deeper levels are left out, and a schema that cannot end within them is refused.</summary>
    public int MaxReferenceDepth { get; init; } = 4;

    /// <summary>Checks every limit.</summary>
    /// <returns>The problems found, each naming its limit; empty when the limits are usable.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        Check(MaxStringLength, 1, 1 << 20, nameof(MaxStringLength));
        Check(MaxArrayItems, 0, 1 << 16, nameof(MaxArrayItems));
        Check(MaxObjectEntries, 0, 1 << 16, nameof(MaxObjectEntries));
        Check(MaxToolCalls, 1, 64, nameof(MaxToolCalls));
        Check(MaxReferenceDepth, 0, 32, nameof(MaxReferenceDepth));
        return problems;

        void Check(int value, int min, int max, string name)
        {
            if (value < min || value > max)
            {
                problems.Add($"StructuredOutputLimits.{name} ({value}) must be between {min} and {max}.");
            }
        }
    }
}
