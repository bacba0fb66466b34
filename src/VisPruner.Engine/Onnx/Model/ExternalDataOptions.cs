namespace VisPruner.Onnx;

/// <summary>How <see cref="OnnxModelFile.Save"/> moves tensor bytes into an external data file.</summary>
internal sealed class ExternalDataOptions
{
    /// <summary>Data file name, relative to the model's folder; defaults to the model file name plus <c>.data</c>.</summary>
    public string? FileName { get; set; }

    /// <summary>Tensors with at least this many bytes go to the data file; smaller ones stay inline. Default 1 KiB.</summary>
    public long SizeThreshold { get; set; } = 1024;

    /// <summary>Byte alignment of each tensor in the data file, so the runtime can memory-map it. Default 4 KiB.</summary>
    public int Alignment { get; set; } = 4096;
}
