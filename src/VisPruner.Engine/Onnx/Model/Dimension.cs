namespace VisPruner.Onnx;

/// <summary>One tensor dimension: a fixed size, a symbolic name (e.g. <c>batch</c>), or unknown.</summary>
internal readonly record struct Dimension
{
    private Dimension(long? value, string? parameter)
    {
        Value = value;
        Parameter = parameter;
    }

    /// <summary>The fixed size, when known.</summary>
    public long? Value { get; }

    /// <summary>The symbolic name, when the size is dynamic.</summary>
    public string? Parameter { get; }

    /// <summary>A dimension of unknown size and no name.</summary>
    public static Dimension Unknown => default;

    /// <summary>A fixed dimension.</summary>
    public static Dimension Fixed(long value) =>
        value >= 0 ? new Dimension(value, null) : throw new ArgumentOutOfRangeException(nameof(value), value, "A dimension cannot be negative.");

    /// <summary>A named dynamic dimension.</summary>
    public static Dimension Symbolic(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new Dimension(null, name);
    }

    /// <summary>A fixed dimension.</summary>
    public static implicit operator Dimension(long value) => Fixed(value);

    /// <summary>A named dynamic dimension.</summary>
    public static implicit operator Dimension(string name) => Symbolic(name);

    /// <summary>A fixed dimension.</summary>
    public static Dimension FromInt64(long value) => Fixed(value);

    /// <summary>A named dynamic dimension.</summary>
    public static Dimension FromString(string name) => Symbolic(name);

    /// <inheritdoc />
    public override string ToString() =>
        Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Parameter ?? "?";
}
