using Google.Protobuf;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.Onnx;

/// <summary>
/// ONNX external data: tensor bytes kept in a side file, referenced by <c>external_data</c> entries
/// <c>location</c> (relative path), <c>offset</c> and <c>length</c>. Needed for models over 2 GB,
/// which protobuf cannot serialize in one message.
/// </summary>
internal static class ExternalData
{
    /// <summary>The <c>external_data</c> key of the file path, relative to the model's folder.</summary>
    public const string LocationKey = "location";

    /// <summary>The <c>external_data</c> key of the byte offset in the file.</summary>
    public const string OffsetKey = "offset";

    /// <summary>The <c>external_data</c> key of the byte length.</summary>
    public const string LengthKey = "length";

    /// <summary>True when the tensor's bytes live in an external file.</summary>
    public static bool IsExternal(TensorProto tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor.DataLocation == TensorProto.Types.DataLocation.External;
    }

    /// <summary>Reads the external bytes of <paramref name="tensor"/>.</summary>
    /// <exception cref="InvalidDataException">The reference is incomplete, escapes the folder, or points past the file's end.</exception>
    /// <exception cref="FileNotFoundException">The data file does not exist.</exception>
    public static byte[] Read(TensorProto tensor, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        (string path, long offset, long? length) = Resolve(tensor, baseDirectory);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long available = stream.Length - offset;
        long count = length ?? available;
        if (offset < 0 || count < 0 || count > available)
        {
            throw new InvalidDataException($"Tensor '{tensor.Name}' references bytes {offset}..{offset + count} of '{path}', which has {stream.Length} bytes.");
        }

        if (count > Array.MaxLength)
        {
            throw new InvalidDataException($"Tensor '{tensor.Name}' has {count} bytes, more than one array can hold.");
        }

        var bytes = new byte[count];
        stream.Position = offset;
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>Replaces every external reference in <paramref name="model"/> by inline <c>raw_data</c>.</summary>
    public static void LoadInto(ModelProto model, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (TensorProto tensor in OnnxGraphs.AllInitializers(model.Graph))
        {
            if (IsExternal(tensor))
            {
                tensor.RawData = ByteString.CopyFrom(Read(tensor, baseDirectory));
                tensor.ExternalData.Clear();
                tensor.ClearDataLocation();
            }
        }
    }

    /// <summary>Points <paramref name="tensor"/> at <paramref name="length"/> bytes at <paramref name="offset"/> of <paramref name="location"/>.</summary>
    public static void SetReference(TensorProto tensor, string location, long offset, long length)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        tensor.ClearRawData();
        tensor.ExternalData.Clear();
        tensor.ExternalData.Add(new StringStringEntryProto { Key = LocationKey, Value = location });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = OffsetKey, Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = LengthKey, Value = length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        tensor.DataLocation = TensorProto.Types.DataLocation.External;
    }

    private static (string Path, long Offset, long? Length) Resolve(TensorProto tensor, string baseDirectory)
    {
        string? location = null;
        long offset = 0;
        long? length = null;
        foreach (StringStringEntryProto entry in tensor.ExternalData)
        {
            switch (entry.Key)
            {
                case LocationKey:
                    location = entry.Value;
                    break;
                case OffsetKey:
                    offset = ParseLong(tensor, entry);
                    break;
                case LengthKey:
                    length = ParseLong(tensor, entry);
                    break;
            }
        }

        if (string.IsNullOrEmpty(location))
        {
            throw new InvalidDataException($"Tensor '{tensor.Name}' is marked external but has no '{LocationKey}'.");
        }

        string root = Path.GetFullPath(baseDirectory);
        string path = Path.GetFullPath(Path.Combine(root, location));
        if (!path.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Tensor '{tensor.Name}' references '{location}', outside the model folder '{root}'.");
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The external data file '{path}' of tensor '{tensor.Name}' does not exist.", path);
        }

        return (path, offset, length);
    }

    private static long ParseLong(TensorProto tensor, StringStringEntryProto entry) =>
        long.TryParse(entry.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new InvalidDataException($"Tensor '{tensor.Name}' has an invalid external data {entry.Key} '{entry.Value}'.");
}
