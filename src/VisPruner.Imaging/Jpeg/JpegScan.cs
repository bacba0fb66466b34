namespace VisPruner.Imaging.Jpeg;

/// <summary>Parameters of one SOS segment.</summary>
internal sealed class JpegScan
{
    public required JpegComponent[] Components { get; init; }

    public required int SpectralStart { get; init; }

    public required int SpectralEnd { get; init; }

    public required int SuccessiveHigh { get; init; }

    public required int SuccessiveLow { get; init; }
}
