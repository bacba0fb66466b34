namespace VisPruner.OnnxRuntime;

/// <summary>The values one run produced, in the order requested; disposing it disposes them all.</summary>
public sealed class SessionOutputs : IReadOnlyList<OrtValue>, IDisposable
{
    private readonly IReadOnlyList<string> _names;
    private readonly OrtValue[] _values;

    internal SessionOutputs(IReadOnlyList<string> names, OrtValue[] values)
    {
        _names = names;
        _values = values;
    }

    /// <summary>The output names, parallel to the values.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <inheritdoc />
    public int Count => _values.Length;

    /// <inheritdoc />
    public OrtValue this[int index] => _values[index];

    /// <summary>The value of the output named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No output of that name was requested.</exception>
    public OrtValue this[string name]
    {
        get
        {
            for (int i = 0; i < _names.Count; i++)
            {
                if (_names[i] == name)
                {
                    return _values[i];
                }
            }

            throw new KeyNotFoundException($"No output named '{name}' in this result (outputs: {string.Join(", ", _names)}).");
        }
    }

    /// <inheritdoc />
    public IEnumerator<OrtValue> GetEnumerator() => ((IEnumerable<OrtValue>)_values).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (OrtValue value in _values)
        {
            value.Dispose();
        }
    }
}
