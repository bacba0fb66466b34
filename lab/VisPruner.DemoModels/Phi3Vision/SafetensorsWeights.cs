using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using VisPruner.Onnx;

namespace VisPruner.DemoModels;

/// <summary>
/// Trained weights in the safetensors format: an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype (<c>F32</c> or <c>F16</c>), shape and byte range, then the raw little-endian data. Tensor names are the ONNX
/// initializer names the factory uses, in the graphs' layout (a Linear weight is stored <c>[in, out]</c>); the optional
/// <c>__metadata__</c> map carries the model's sizes (see <see cref="TinyPhi3VisionOptions.ForTrainedWeights"/>).
/// </summary>
/// <remarks>Immutable after loading and safe to share between threads and writes.</remarks>
public sealed class SafetensorsWeights : TinyPhi3VisionWeights
{
    private readonly Dictionary<string, (string DType, long[] Shape, long Begin, long End)> _tensors;
    private readonly byte[] _data;

    private SafetensorsWeights(string source, Dictionary<string, (string, long[], long, long)> tensors, IReadOnlyDictionary<string, string> metadata, byte[] data)
    {
        Source = source;
        _tensors = tensors;
        Metadata = metadata;
        _data = data;
    }

    /// <summary>Gets the file the weights were read from.</summary>
    public string Source { get; }

    /// <summary>Gets the header's <c>__metadata__</c> entries (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Gets the names of the stored tensors.</summary>
    public IReadOnlyCollection<string> TensorNames => _tensors.Keys;

    /// <summary>Reads a safetensors file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The weights.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid safetensors (the message says what is wrong).</exception>
    public static SafetensorsWeights Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] file = File.ReadAllBytes(path);
        if (file.Length < 8)
        {
            throw new InvalidDataException($"{path}: too short for a safetensors header.");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > (ulong)(file.Length - 8))
        {
            throw new InvalidDataException($"{path}: header length {headerLength} exceeds the file.");
        }

        var tensors = new Dictionary<string, (string, long[], long, long)>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        long dataLength = file.Length - 8 - (long)headerLength;
        try
        {
            using JsonDocument header = JsonDocument.Parse(file.AsMemory(8, (int)headerLength));
            foreach (JsonProperty entry in header.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    foreach (JsonProperty item in entry.Value.EnumerateObject())
                    {
                        metadata[item.Name] = item.Value.GetString() ?? string.Empty;
                    }

                    continue;
                }

                string dtype = entry.Value.GetProperty("dtype").GetString() ?? string.Empty;
                long[] shape = [.. entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64())];
                long[] offsets = [.. entry.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64())];
                long expected = OnnxTensors.ElementCount(shape) * ElementSize(dtype, entry.Name, path);
                if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] > dataLength || offsets[1] - offsets[0] != expected)
                {
                    throw new InvalidDataException($"{path}: tensor '{entry.Name}' has data offsets [{string.Join(", ", offsets)}] that do not hold {expected} bytes inside the {dataLength}-byte data section.");
                }

                tensors[entry.Name] = (dtype, shape, offsets[0], offsets[1]);
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: invalid safetensors header: {ex.Message}", ex);
        }

        return new SafetensorsWeights(path, tensors, metadata, file[(8 + (int)headerLength)..]);
    }

    /// <summary>Reads tensor <paramref name="name"/> as float32, checking that it has the shape <paramref name="dims"/>.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="dims">The shape the caller needs.</param>
    /// <returns>The values, row-major.</returns>
    /// <exception cref="InvalidDataException">The tensor is missing or has another shape.</exception>
    public float[] Read(string name, long[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (!_tensors.TryGetValue(name, out var tensor))
        {
            throw new InvalidDataException($"{Source}: no tensor named '{name}' (shape [{string.Join(", ", dims)}] expected).");
        }

        if (!tensor.Shape.SequenceEqual(dims))
        {
            throw new InvalidDataException($"{Source}: tensor '{name}' has shape [{string.Join(", ", tensor.Shape)}], the model needs [{string.Join(", ", dims)}].");
        }

        ReadOnlySpan<byte> bytes = _data.AsSpan((int)tensor.Begin, (int)(tensor.End - tensor.Begin));
        var values = new float[OnnxTensors.ElementCount(dims)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = tensor.DType == "F32"
                ? BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..])
                : (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]);
        }

        return values;
    }

    internal override WeightReader OpenReader() => new Reader(this);

    private static int ElementSize(string dtype, string name, string path) => dtype switch
    {
        "F32" => 4,
        "F16" => 2,
        _ => throw new InvalidDataException($"{path}: tensor '{name}' has dtype {dtype}; only F32 and F16 are supported."),
    };

    /// <summary>Reads tensors for one write and remembers which ones the graphs used.</summary>
    private sealed class Reader(SafetensorsWeights weights) : WeightReader
    {
        private readonly HashSet<string> _used = new(StringComparer.Ordinal);

        public override bool IsRandom => false;

        public override GraphValue Tensor(GraphBuilder b, string name, long[] dims, float std, float mean = 0f) =>
            b.Initializer<float>(name, dims, Values(name, dims));

        public override float[] Values(string name, long[] dims)
        {
            _used.Add(name);
            return weights.Read(name, dims);
        }

        public override void EnsureAllUsed()
        {
            string[] unused = [.. weights.TensorNames.Where(n => !_used.Contains(n)).Order(StringComparer.Ordinal)];
            if (unused.Length > 0)
            {
                throw new InvalidDataException($"{weights.Source}: tensors no graph of this model uses: {string.Join(", ", unused)}.");
            }
        }
    }
}
