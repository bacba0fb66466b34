using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace VisPruner.Imaging.Jpeg;

/// <summary>
/// Brings a subsampled component row to full resolution with libjpeg's "fancy" triangle filters
/// (h2v1, h2v2, h1v2) and plain replication for other integral ratios. Rows and columns outside the
/// component repeat its edge, matching libjpeg's context-row handling.
/// </summary>
internal static class JpegUpsampler
{
    /// <summary>Writes full-resolution output row <paramref name="y"/> of <paramref name="c"/> to <paramref name="destination"/>.</summary>
    /// <returns>The span holding the row (the plane itself when no upsampling is needed).</returns>
    public static ReadOnlySpan<byte> Row(JpegFrame frame, JpegComponent c, int y, Span<byte> destination)
    {
        int hr = frame.MaxH / c.H;
        int vr = frame.MaxV / c.V;
        int stride = c.PlaneStride;
        byte[] plane = c.Plane;
        int width = c.Width;
        if (hr == 1 && vr == 1)
        {
            return plane.AsSpan(y * stride, width);
        }

        int inRow = y / vr;
        if (hr == 2 && vr == 1 && width > 2)
        {
            H2V1(plane.AsSpan(inRow * stride, width), destination);
        }
        else if (hr == 2 && vr == 2 && width > 2)
        {
            int other = (y & 1) == 0 ? Math.Max(inRow - 1, 0) : Math.Min(inRow + 1, c.Height - 1);
            H2V2(plane.AsSpan(inRow * stride, width), plane.AsSpan(other * stride, width), destination);
        }
        else if (hr == 1 && vr == 2)
        {
            int other = (y & 1) == 0 ? Math.Max(inRow - 1, 0) : Math.Min(inRow + 1, c.Height - 1);
            H1V2(plane.AsSpan(inRow * stride, width), plane.AsSpan(other * stride, width), (y & 1) == 0 ? 1 : 2, destination);
        }
        else
        {
            ReadOnlySpan<byte> src = plane.AsSpan(inRow * stride, width);
            for (int x = 0, o = 0; x < width; x++, o += hr)
            {
                destination.Slice(o, hr).Fill(src[x]);
            }
        }

        return destination;
    }

    private static void H2V1(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        int n = src.Length;
        dst[0] = src[0];
        dst[1] = (byte)(((src[0] * 3) + src[1] + 2) >> 2);
        for (int i = 1; i < n - 1; i++)
        {
            int v = src[i] * 3;
            dst[2 * i] = (byte)((v + src[i - 1] + 1) >> 2);
            dst[(2 * i) + 1] = (byte)((v + src[i + 1] + 2) >> 2);
        }

        dst[(2 * n) - 2] = (byte)(((src[n - 1] * 3) + src[n - 2] + 1) >> 2);
        dst[(2 * n) - 1] = src[n - 1];
    }

    private static void H2V2(ReadOnlySpan<byte> near, ReadOnlySpan<byte> far, Span<byte> dst)
    {
        // Vertical weights 3:1 first, then horizontal 3:1 on the column sums; the rounding
        // biases (8 and 7) alternate to avoid a systematic drift, as libjpeg's do.
        int n = near.Length;
        if (far.Length < n || dst.Length < 2 * n)
        {
            throw new ArgumentException("Upsampling rows have inconsistent lengths.");
        }

        ref byte a = ref MemoryMarshal.GetReference(near);
        ref byte b = ref MemoryMarshal.GetReference(far);
        ref byte o = ref MemoryMarshal.GetReference(dst);
        int current = (a * 3) + b;
        int last = current;
        for (int i = 0; i < n; i++)
        {
            int next = i + 1 < n ? (Unsafe.Add(ref a, i + 1) * 3) + Unsafe.Add(ref b, i + 1) : current;
            Unsafe.Add(ref o, 2 * i) = (byte)(((current * 3) + last + 8) >> 4);
            Unsafe.Add(ref o, (2 * i) + 1) = (byte)(((current * 3) + next + 7) >> 4);
            last = current;
            current = next;
        }
    }

    private static void H1V2(ReadOnlySpan<byte> near, ReadOnlySpan<byte> far, int bias, Span<byte> dst)
    {
        for (int i = 0; i < near.Length; i++)
        {
            dst[i] = (byte)(((near[i] * 3) + far[i] + bias) >> 2);
        }
    }
}
