using System.Buffers.Binary;

namespace VisPruner.Imaging.Jpeg;

/// <summary>
/// JPEG decoder for Huffman-coded 8-bit frames (baseline, extended sequential, progressive): any integral
/// chroma subsampling, restart intervals, grey, YCbCr, RGB, CMYK and YCCK, EXIF orientation.
/// Reproduces libjpeg-turbo's defaults (accurate integer IDCT, fancy upsampling).
/// </summary>
internal ref struct JpegDecoder
{
    // Real progressive files use about a dozen scans; each scan may touch every block, so cap them.
    private const int MaxScans = 500;

    private readonly ReadOnlySpan<byte> _data;
    private readonly ImageDecoderOptions _options;
    private readonly ushort[]?[] _quantTables = new ushort[4][];
    private readonly HuffmanTable?[] _dcTables = new HuffmanTable[4];
    private readonly HuffmanTable?[] _acTables = new HuffmanTable[4];
    private JpegFrame? _frame;
    private int _position;
    private int _restartInterval;
    private int _adobeTransform = -1;
    private bool _jfif;
    private int _orientation = 1;

    private JpegDecoder(ReadOnlySpan<byte> data, ImageDecoderOptions options)
    {
        _data = data;
        _options = options;
    }

    public static RgbImage Decode(ReadOnlySpan<byte> data, ImageDecoderOptions options)
    {
        var decoder = new JpegDecoder(data, options);
        return decoder.Run();
    }

    private RgbImage Run()
    {
        _position = 2; // After SOI.
        bool sawScan = false;
        while (true)
        {
            int marker = NextMarker();
            if (marker == 0xD9)
            {
                break; // EOI
            }

            if (marker is >= 0xD0 and <= 0xD7 or 0x01)
            {
                continue; // Stray RSTn / TEM carry no segment.
            }

            ReadOnlySpan<byte> segment = ReadSegment();
            switch (marker)
            {
                case 0xC0 or 0xC1 or 0xC2:
                    if (_frame is not null)
                    {
                        throw new InvalidImageException("JPEG file has more than one frame header.");
                    }

                    _frame = JpegFrame.Parse(segment, progressive: marker == 0xC2, _options);
                    break;
                case 0xC3 or (>= 0xC5 and <= 0xC7) or (>= 0xC9 and <= 0xCB) or (>= 0xCD and <= 0xCF):
                    throw new InvalidImageException($"JPEG coding process SOF{marker - 0xC0} (lossless, hierarchical or arithmetic) is not supported.");
                case 0xC4:
                    ReadHuffmanTables(segment);
                    break;
                case 0xCC:
                    throw new InvalidImageException("JPEG arithmetic coding is not supported.");
                case 0xDB:
                    ReadQuantTables(segment);
                    break;
                case 0xDD:
                    if (segment.Length < 2)
                    {
                        throw new InvalidImageException("JPEG DRI segment is too short.");
                    }

                    _restartInterval = BinaryPrimitives.ReadUInt16BigEndian(segment);
                    break;
                case 0xDA:
                    ReadScan(segment);
                    sawScan = true;
                    break;
                case 0xE0:
                    _jfif |= segment.StartsWith("JFIF\0"u8);
                    break;
                case 0xE1:
                    if (_orientation == 1)
                    {
                        _orientation = ExifOrientationReader.ReadApp1(segment);
                    }

                    break;
                case 0xEE:
                    if (segment.Length >= 12 && segment.StartsWith("Adobe"u8))
                    {
                        _adobeTransform = segment[11];
                    }

                    break;
                default:
                    break; // APPn, COM and unknown segments carry nothing we need.
            }
        }

        if (_frame is null || !sawScan)
        {
            throw new InvalidImageException("JPEG file has no frame or no scan.");
        }

        _frame.FinishProgressive();
        RgbImage image = JpegColorConverter.ToRgb(_frame, ColorSpace());
        return _options.ApplyExifOrientation ? ImageOrientation.Apply(image, _orientation) : image;
    }

    /// <summary>Finds the next marker, skipping fill bytes and stray data (as libjpeg does after a scan).</summary>
    private int NextMarker()
    {
        while (true)
        {
            if (_position + 1 >= _data.Length)
            {
                if (_frame is not null && _frame.ScansRead > 0)
                {
                    return 0xD9; // Missing EOI after complete scans: accept what was read.
                }

                throw new InvalidImageException("JPEG file is truncated: it ends before the image data.");
            }

            if (_data[_position] == 0xFF && _data[_position + 1] is not 0xFF and not 0x00)
            {
                int marker = _data[_position + 1];
                _position += 2;
                return marker;
            }

            _position++;
        }
    }

    private ReadOnlySpan<byte> ReadSegment()
    {
        if (_position + 2 > _data.Length)
        {
            throw new InvalidImageException("JPEG file is truncated inside a segment length.");
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(_data[_position..]);
        if (length < 2 || _position + length > _data.Length)
        {
            throw new InvalidImageException($"JPEG segment at offset {_position} declares {length} bytes, beyond the end of the file (truncated or corrupt).");
        }

        ReadOnlySpan<byte> segment = _data.Slice(_position + 2, length - 2);
        _position += length;
        return segment;
    }

    private readonly void ReadQuantTables(ReadOnlySpan<byte> s)
    {
        while (!s.IsEmpty)
        {
            int precision = s[0] >> 4;
            int id = s[0] & 15;
            int size = precision == 0 ? 64 : 128;
            if (id > 3 || precision > 1 || s.Length < 1 + size)
            {
                throw new InvalidImageException("JPEG DQT segment is malformed.");
            }

            var table = new ushort[64];
            for (int k = 0; k < 64; k++)
            {
                int v = precision == 0 ? s[1 + k] : BinaryPrimitives.ReadUInt16BigEndian(s[(1 + (2 * k))..]);
                table[JpegEntropyDecoder.ZigZag[k]] = (ushort)v;
            }

            _quantTables[id] = table;
            s = s[(1 + size)..];
        }
    }

    private readonly void ReadHuffmanTables(ReadOnlySpan<byte> s)
    {
        while (!s.IsEmpty)
        {
            if (s.Length < 17)
            {
                throw new InvalidImageException("JPEG Huffman table segment (DHT) is truncated.");
            }

            int tableClass = s[0] >> 4;
            int id = s[0] & 15;
            int total = 0;
            for (int i = 1; i <= 16; i++)
            {
                total += s[i];
            }

            if (tableClass > 1 || id > 3 || total > 256 || s.Length < 17 + total)
            {
                throw new InvalidImageException("JPEG Huffman table segment (DHT) is malformed.");
            }

            var table = new HuffmanTable(s.Slice(1, 16), s.Slice(17, total));
            (tableClass == 0 ? _dcTables : _acTables)[id] = table;
            s = s[(17 + total)..];
        }
    }

    private void ReadScan(ReadOnlySpan<byte> s)
    {
        JpegFrame frame = _frame ?? throw new InvalidImageException("JPEG scan appears before the frame header.");
        if (frame.ScansRead >= MaxScans)
        {
            throw new InvalidImageException($"JPEG file has more than {MaxScans} scans.");
        }

        int count = s.IsEmpty ? 0 : s[0];
        if (count is < 1 or > 4 || s.Length != 4 + (2 * count))
        {
            throw new InvalidImageException("JPEG SOS segment is malformed.");
        }

        var components = new JpegComponent[count];
        for (int i = 0; i < count; i++)
        {
            int id = s[1 + (2 * i)];
            int tables = s[2 + (2 * i)];
            JpegComponent c = Array.Find(frame.Components, x => x.Id == id)
                ?? throw new InvalidImageException($"JPEG scan refers to component {id}, which the frame does not define.");
            if (Array.IndexOf(components, c) >= 0)
            {
                throw new InvalidImageException("JPEG scan lists a component twice.");
            }

            c.DcTable = (tables >> 4) < 4 ? _dcTables[tables >> 4] : null;
            c.AcTable = (tables & 15) < 4 ? _acTables[tables & 15] : null;
            c.Quant ??= _quantTables[c.QuantTableIndex]
                ?? throw new InvalidImageException($"JPEG component {id} uses quantisation table {c.QuantTableIndex}, which is not defined.");
            components[i] = c;
        }

        int p = 1 + (2 * count);
        var scan = new JpegScan
        {
            Components = components,
            SpectralStart = s[p],
            SpectralEnd = s[p + 1],
            SuccessiveHigh = s[p + 2] >> 4,
            SuccessiveLow = s[p + 2] & 15,
        };
        frame.ValidateScan(scan);

        var reader = new JpegBitReader(_data, _position);
        new JpegScanDecoder(frame, scan, _restartInterval).Decode(ref reader);
        reader.SkipToMarker();
        _position = reader.Position;
        frame.ScansRead++;
    }

    private readonly JpegColorSpace ColorSpace()
    {
        JpegComponent[] c = _frame!.Components;
        return c.Length switch
        {
            1 => JpegColorSpace.Grayscale,
            3 when _adobeTransform == 0 || (!_jfif && _adobeTransform < 0 && c[0].Id == 'R' && c[1].Id == 'G' && c[2].Id == 'B') => JpegColorSpace.Rgb,
            3 => JpegColorSpace.YCbCr,
            4 when _adobeTransform == 2 => JpegColorSpace.Ycck,
            4 => JpegColorSpace.Cmyk,
            _ => throw new InvalidImageException($"JPEG frame with {c.Length} components has no supported colour space."),
        };
    }
}
