namespace VisPruner.Imaging.Jpeg;

/// <summary>One colour component of a frame: sampling, block geometry and decoded data.</summary>
internal sealed class JpegComponent
{
    public required int Id { get; init; }

    public required int H { get; init; }

    public required int V { get; init; }

    public required int QuantTableIndex { get; init; }

    /// <summary>Dequantisation table in natural order, latched at the component's first scan.</summary>
    public ushort[]? Quant { get; set; }

    /// <summary>Samples of the component at its own resolution (the downsampled size, before cropping).</summary>
    public int Width { get; set; }

    public int Height { get; set; }

    /// <summary>Blocks per row/column covering the component itself (non-interleaved scans use these).</summary>
    public int BlocksPerLine { get; set; }

    public int BlocksPerColumn { get; set; }

    /// <summary>Blocks per row/column including MCU padding (interleaved scans and storage use these).</summary>
    public int BlocksPerLineForMcu { get; set; }

    public int BlocksPerColumnForMcu { get; set; }

    /// <summary>Coefficients of every block, kept for progressive frames until all scans are read.</summary>
    public short[]? Coefficients { get; set; }

    /// <summary>Spatial samples, <see cref="PlaneStride"/> bytes per row.</summary>
    public byte[] Plane { get; set; } = [];

    public int PlaneStride => BlocksPerLineForMcu * 8;

    public int DcPredictor { get; set; }

    public HuffmanTable? DcTable { get; set; }

    public HuffmanTable? AcTable { get; set; }
}
