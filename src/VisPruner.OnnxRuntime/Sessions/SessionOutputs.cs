namespace VisPruner.OnnxRuntime;

/// <summary>
/// The values one run produced, in the order requested. Disposing it disposes every value not taken
/// out with <see cref="Take(string)"/> (e.g. a present KV cache kept as the next run's past).
/// </summary>
public sealed class SessionOutputs : IReadOnlyList<OrtValue>, IDisposable
{
    private readonly IReadOnlyList<string> _names;
    private readonly OrtValue[] _values;
    private readonly bool[] _taken;

    internal SessionOutputs(IReadOnlyList<string> names, OrtValue[] values)
    {
        _names = names;
        _values = values;
        _taken = new bool[values.Length];
    }

    /// <summary>The output names, parallel to the values.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <inheritdoc />
    public int Count => _values.Length;

    /// <inheritdoc />
    public OrtValue this[int index] => _values[index];

    /// <summary>The value of the output named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No output of that name was requested.</exception>
    public OrtValue this[string name] => _values[IndexOf(name)];

    /// <summary>Transfers ownership of the output <paramref name="name"/> to the caller, who must dispose it.</summary>
    /// <exception cref="KeyNotFoundException">No output of that name was requested.</exception>
    public OrtValue Take(string name)
    {
        int index = IndexOf(name);
        _taken[index] = true;
        return _values[index];
    }

    /// <inheritdoc />
    public IEnumerator<OrtValue> GetEnumerator() => ((IEnumerable<OrtValue>)_values).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public void Dispose()
    {
        for (int i = 0; i < _values.Length; i++)
        {
            if (!_taken[i])
            {
                _values[i].Dispose();
            }
        }
    }

    private int IndexOf(string name)
    {
        for (int i = 0; i < _names.Count; i++)
        {
            if (_names[i] == name)
            {
                return i;
            }
        }

        throw new KeyNotFoundException($"No output named '{name}' in this result (outputs: {string.Join(", ", _names)}).");
    }
}
