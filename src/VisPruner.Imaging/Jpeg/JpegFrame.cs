using System.Buffers.Binary;

namespace VisPruner.Imaging.Jpeg;

/// <summary>The SOF header and the block geometry derived from it.</summary>
internal sealed class JpegFrame
{
    private JpegFrame(int width, int height, bool progressive, JpegComponent[] components)
    {
        Width = width;
        Height = height;
        Progressive = progressive;
        Components = components;
        MaxH = components.Max(c => c.H);
        MaxV = components.Max(c => c.V);
        McusPerLine = DivCeil(width, 8 * MaxH);
        McusPerColumn = DivCeil(height, 8 * MaxV);
    }

    public int Width { get; }

    public int Height { get; }

    public bool Progressive { get; }

    public JpegComponent[] Components { get; }

    public int MaxH { get; }

    public int MaxV { get; }

    public int McusPerLine { get; }

    public int McusPerColumn { get; }

    public int ScansRead { get; set; }

    public static JpegFrame Parse(ReadOnlySpan<byte> s, bool progressive, ImageDecoderOptions options)
    {
        if (s.Length < 6)
        {
            throw new InvalidImageException("JPEG frame header is truncated.");
        }

        int precision = s[0];
        int height = BinaryPrimitives.ReadUInt16BigEndian(s[1..]);
        int width = BinaryPrimitives.ReadUInt16BigEndian(s[3..]);
        int count = s[5];
        if (precision != 8)
        {
            throw new InvalidImageException($"JPEG sample precision {precision} is not supported (8-bit only).");
        }

        if (height == 0)
        {
            throw new InvalidImageException("JPEG frame declares height 0 (DNL-defined height is not supported).");
        }

        options.CheckDimensions(width, height, "JPEG");
        if (count is not (1 or 3 or 4) || s.Length != 6 + (3 * count))
        {
            throw new InvalidImageException($"JPEG frame header with {count} components is malformed or unsupported.");
        }

        var components = new JpegComponent[count];
        for (int i = 0; i < count; i++)
        {
            int h = s[7 + (3 * i)] >> 4;
            int v = s[7 + (3 * i)] & 15;
            int q = s[8 + (3 * i)];
            if (h is < 1 or > 4 || v is < 1 or > 4 || q > 3)
            {
                throw new InvalidImageException($"JPEG component {i} has invalid sampling {h}x{v} or table {q}.");
            }

            components[i] = new JpegComponent { Id = s[6 + (3 * i)], H = h, V = v, QuantTableIndex = q };
        }

        var frame = new JpegFrame(width, height, progressive, components);
        frame.Allocate();
        return frame;
    }

    private void Allocate()
    {
        foreach (JpegComponent c in Components)
        {
            if (MaxH % c.H != 0 || MaxV % c.V != 0)
            {
                throw new InvalidImageException($"JPEG sampling {c.H}x{c.V} against {MaxH}x{MaxV} is fractional, which is not supported.");
            }

            c.Width = DivCeil(Width * c.H, MaxH);
            c.Height = DivCeil(Height * c.V, MaxV);
            c.BlocksPerLine = DivCeil(c.Width, 8);
            c.BlocksPerColumn = DivCeil(c.Height, 8);
            c.BlocksPerLineForMcu = McusPerLine * (Components.Length == 1 ? 1 : c.H);
            c.BlocksPerColumnForMcu = McusPerColumn * (Components.Length == 1 ? 1 : c.V);
            if (Components.Length == 1)
            {
                // A single-component frame is never interleaved: its MCU is one block.
                c.BlocksPerLineForMcu = c.BlocksPerLine;
                c.BlocksPerColumnForMcu = c.BlocksPerColumn;
            }

            // Progressive frames keep coefficients until the last scan and only then need the sample planes,
            // so a hostile file that claims a huge frame and then ends costs one buffer, not both.
            long blocks = (long)c.BlocksPerLineForMcu * c.BlocksPerColumnForMcu;
            if (Progressive)
            {
                c.Coefficients = new short[blocks * 64];
            }
            else
            {
                c.Plane = new byte[blocks * 64];
            }
        }
    }

    public void ValidateScan(JpegScan scan)
    {
        int ss = scan.SpectralStart, se = scan.SpectralEnd, ah = scan.SuccessiveHigh, al = scan.SuccessiveLow;
        bool valid = Progressive
            ? (ss == 0 ? se == 0 : se >= ss && se <= 63 && scan.Components.Length == 1) && ah <= 13 && al <= 13
            : ss == 0 && se == 63 && ah == 0 && al == 0;
        if (!valid)
        {
            throw new InvalidImageException($"JPEG scan parameters Ss={ss} Se={se} Ah={ah} Al={al} are invalid for this frame.");
        }

        int blocksPerMcu = scan.Components.Sum(c => c.H * c.V);
        if (scan.Components.Length > 1 && blocksPerMcu > 10)
        {
            throw new InvalidImageException($"JPEG interleaved scan has {blocksPerMcu} blocks per MCU; at most 10 are allowed.");
        }

        foreach (JpegComponent c in scan.Components)
        {
            bool needsDc = ss == 0 && ah == 0;
            bool needsAc = se > 0;
            if ((needsDc && c.DcTable is null) || (needsAc && c.AcTable is null))
            {
                throw new InvalidImageException($"JPEG scan uses a Huffman table for component {c.Id} that is not defined.");
            }
        }
    }

    /// <summary>Runs the inverse DCT over the stored coefficients once every progressive scan has been read.</summary>
    public void FinishProgressive()
    {
        if (!Progressive)
        {
            return;
        }

        Span<int> workspace = stackalloc int[72];
        foreach (JpegComponent c in Components)
        {
            ushort[] quant = c.Quant ?? new ushort[64]; // A component no scan touched stays flat grey.
            short[] coefficients = c.Coefficients!;
            c.Plane = new byte[(long)c.BlocksPerLineForMcu * c.BlocksPerColumnForMcu * 64];
            int stride = c.PlaneStride;
            for (int by = 0; by < c.BlocksPerColumnForMcu; by++)
            {
                for (int bx = 0; bx < c.BlocksPerLineForMcu; bx++)
                {
                    int index = (by * c.BlocksPerLineForMcu) + bx;
                    JpegIdct.Transform(coefficients.AsSpan(index * 64, 64), quant, c.Plane.AsSpan((by * 8 * stride) + (bx * 8)), stride, workspace);
                }
            }

            c.Coefficients = null; // Let the coefficients go before the RGB image is allocated.
        }
    }

    private static int DivCeil(int a, int b) => (a + b - 1) / b;
}
