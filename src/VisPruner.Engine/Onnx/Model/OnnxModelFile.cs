using Google.Protobuf;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.Onnx;

/// <summary>Loads and saves ONNX models, with external data files for large weights.</summary>
internal static class OnnxModelFile
{
    // Protobuf messages are limited to 2 GiB; keep a margin for the graph itself.
    private const long MaxInlineBytes = int.MaxValue - (64L << 20);

    /// <summary>Loads a model. External tensors stay references unless <paramref name="loadExternalData"/> is true.</summary>
    /// <exception cref="FileNotFoundException">The model file, or a referenced data file, does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid ONNX model.</exception>
    public static ModelProto Load(string path, bool loadExternalData = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The ONNX model '{path}' does not exist.", path);
        }

        ModelProto model;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            model = Parse(stream, path);
        }

        if (loadExternalData)
        {
            ExternalData.LoadInto(model, Path.GetDirectoryName(Path.GetFullPath(path))!);
        }

        return model;
    }

    /// <summary>Parses a serialized model.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid ONNX model.</exception>
    public static ModelProto Parse(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return Validate(ModelProto.Parser.ParseFrom(bytes), "(bytes)");
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"The bytes are not a valid ONNX model: {e.Message}", e);
        }
    }

    /// <summary>Serializes a model with all its data inline.</summary>
    /// <exception cref="InvalidOperationException">The model is over 2 GB; save it to a file with external data instead.</exception>
    public static byte[] ToBytes(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (EstimateSize(model) > MaxInlineBytes)
        {
            throw new InvalidOperationException("The model is over 2 GB, the protobuf limit; save it with Save(model, path, externalData) so its weights go to an external data file.");
        }

        return model.ToByteArray();
    }

    /// <summary>
    /// Saves a model. With <paramref name="externalData"/>, or automatically when the model would exceed
    /// protobuf's 2 GB limit, large tensors go to a data file next to the model. The caller's model is not modified.
    /// Tensors that are already external keep their references, so their files must sit beside the saved model.
    /// </summary>
    public static void Save(ModelProto model, string path, ExternalDataOptions? externalData = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        if (externalData is null && EstimateSize(model) > MaxInlineBytes)
        {
            externalData = new ExternalDataOptions();
        }

        ModelProto toWrite = model;
        if (externalData is not null)
        {
            toWrite = model.Clone(); // shares the immutable byte strings; only the references change
            WriteExternalData(toWrite, fullPath, externalData);
        }

        using var stream = new FileStream(fullPath, FileMode.Create, FileAccess.Write, FileShare.None);
        toWrite.WriteTo(stream);
    }

    private static ModelProto Parse(Stream stream, string source)
    {
        try
        {
            return Validate(ModelProto.Parser.ParseFrom(stream), source);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"'{source}' is not a valid ONNX model: {e.Message}", e);
        }
    }

    private static ModelProto Validate(ModelProto model, string source)
    {
        // Arbitrary bytes can decode as a protobuf of unknown fields; a model has an IR version and a graph.
        if (model.Graph is null || model.IrVersion <= 0)
        {
            throw new InvalidDataException($"'{source}' is not a valid ONNX model: it has no graph or IR version.");
        }

        return model;
    }

    private static void WriteExternalData(ModelProto model, string modelPath, ExternalDataOptions options)
    {
        string fileName = options.FileName ?? Path.GetFileName(modelPath) + ".data";
        string dataPath = Path.Combine(Path.GetDirectoryName(modelPath)!, fileName);
        int alignment = Math.Max(1, options.Alignment);
        using var data = new FileStream(dataPath, FileMode.Create, FileAccess.Write, FileShare.None);
        foreach (TensorProto tensor in OnnxGraphs.AllInitializers(model.Graph))
        {
            if (!tensor.HasRawData || tensor.RawData.Length < options.SizeThreshold)
            {
                continue;
            }

            long offset = (data.Position + alignment - 1) / alignment * alignment;
            data.SetLength(Math.Max(data.Length, offset));
            data.Position = offset;
            data.Write(tensor.RawData.Span);
            ExternalData.SetReference(tensor, fileName, offset, tensor.RawData.Length);
        }
    }

    private static long EstimateSize(ModelProto model)
    {
        long size = 0;
        foreach (TensorProto tensor in OnnxGraphs.AllInitializers(model.Graph))
        {
            size += tensor.RawData.Length + tensor.FloatData.Count * 4L + tensor.Int32Data.Count * 5L
                + tensor.Int64Data.Count * 10L + tensor.DoubleData.Count * 8L + tensor.Uint64Data.Count * 10L;
        }

        return size;
    }
}
