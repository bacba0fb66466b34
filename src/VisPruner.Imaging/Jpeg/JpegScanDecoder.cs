namespace VisPruner.Imaging.Jpeg;

/// <summary>Walks the MCUs of one scan, handles restart intervals, and routes each block to its decoder.</summary>
internal readonly ref struct JpegScanDecoder
{
    private readonly JpegFrame _frame;
    private readonly JpegScan _scan;
    private readonly int _restartInterval;

    public JpegScanDecoder(JpegFrame frame, JpegScan scan, int restartInterval)
    {
        _frame = frame;
        _scan = scan;
        _restartInterval = restartInterval;
    }

    public void Decode(ref JpegBitReader reader)
    {
        JpegComponent[] components = _scan.Components;
        foreach (JpegComponent c in components)
        {
            c.DcPredictor = 0;
        }

        bool single = components.Length == 1;
        int mcusPerLine = single ? components[0].BlocksPerLine : _frame.McusPerLine;
        int mcusPerColumn = single ? components[0].BlocksPerColumn : _frame.McusPerColumn;
        long total = (long)mcusPerLine * mcusPerColumn;
        Span<short> scratch = stackalloc short[64];
        Span<int> workspace = stackalloc int[72];
        int eobRun = 0;
        for (long mcu = 0; mcu < total; mcu++)
        {
            if (_restartInterval > 0 && mcu > 0 && mcu % _restartInterval == 0)
            {
                reader.Restart();
                eobRun = 0;
                foreach (JpegComponent c in components)
                {
                    c.DcPredictor = 0;
                }
            }

            int mcuX = (int)(mcu % mcusPerLine);
            int mcuY = (int)(mcu / mcusPerLine);
            if (single)
            {
                DecodeBlock(ref reader, components[0], mcuX, mcuY, scratch, workspace, ref eobRun);
            }
            else
            {
                foreach (JpegComponent c in components)
                {
                    for (int v = 0; v < c.V; v++)
                    {
                        for (int h = 0; h < c.H; h++)
                        {
                            DecodeBlock(ref reader, c, (mcuX * c.H) + h, (mcuY * c.V) + v, scratch, workspace, ref eobRun);
                        }
                    }
                }
            }

            // Stopping here bounds the work a hostile file can cause to the data it actually contains.
            if (reader.Overran)
            {
                throw new InvalidImageException("JPEG entropy-coded data ends before the scan is complete (truncated or corrupt file).");
            }
        }
    }

    private void DecodeBlock(ref JpegBitReader reader, JpegComponent c, int bx, int by, scoped Span<short> scratch, scoped Span<int> workspace, ref int eobRun)
    {
        int index = (by * c.BlocksPerLineForMcu) + bx;
        if (!_frame.Progressive)
        {
            scratch.Clear();
            JpegEntropyDecoder.DecodeBaseline(ref reader, c, scratch);
            int stride = c.PlaneStride;
            JpegIdct.Transform(scratch, c.Quant!, c.Plane.AsSpan((by * 8 * stride) + (bx * 8)), stride, workspace);
            return;
        }

        Span<short> block = c.Coefficients!.AsSpan(index * 64, 64);
        JpegScan s = _scan;
        if (s.SpectralStart == 0)
        {
            if (s.SuccessiveHigh == 0)
            {
                JpegEntropyDecoder.DecodeDcFirst(ref reader, c, block, s.SuccessiveLow);
            }
            else
            {
                JpegEntropyDecoder.DecodeDcRefine(ref reader, block, s.SuccessiveLow);
            }
        }
        else if (s.SuccessiveHigh == 0)
        {
            JpegEntropyDecoder.DecodeAcFirst(ref reader, c, block, s, ref eobRun);
        }
        else
        {
            JpegEntropyDecoder.DecodeAcRefine(ref reader, c, block, s, ref eobRun);
        }
    }
}
