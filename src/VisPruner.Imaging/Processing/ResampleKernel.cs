namespace VisPruner.Imaging.Processing;

/// <summary>
/// The coefficients of Pillow's <c>ImagingPrecompute</c> for one axis, computed per output sample on demand instead of
/// as one table: a window's weights are the filter taps divided by their sum (in double), rounded to 22-bit fixed
/// point. Evaluating the same doubles in the same order gives Pillow's values exactly, so a window can be produced
/// in pieces, which bounds memory when a huge downscale makes single windows span millions of source samples.
/// </summary>
internal readonly struct ResampleKernel
{
    public const int PrecisionBits = 32 - 8 - 2;

    private readonly int _inSize;
    private readonly ResampleFilter _filter;
    private readonly double _scale;
    private readonly double _support;
    private readonly double _inverseFilterScale;

    public ResampleKernel(int inSize, int outSize, ResampleFilter filter)
    {
        _inSize = inSize;
        _filter = filter;
        _scale = (double)inSize / outSize;
        double filterScale = Math.Max(_scale, 1.0);
        _support = (filter == ResampleFilter.Bilinear ? 1.0 : 2.0) * filterScale;
        _inverseFilterScale = 1.0 / filterScale;
    }

    /// <summary>Largest number of taps any window can have (Pillow's <c>ksize</c>).</summary>
    public long MaxTaps => ((long)Math.Ceiling(_support) * 2) + 1;

    /// <summary>The source samples output sample <paramref name="index"/> reads, and the sum of their filter taps.</summary>
    public Window GetWindow(int index)
    {
        double center = (index + 0.5) * _scale;
        int first = Math.Max((int)(center - _support + 0.5), 0);
        int count = Math.Min((int)(center + _support + 0.5), _inSize) - first;
        double sum = 0.0;
        for (int i = 0; i < count; i++)
        {
            sum += Tap(center, first + i);
        }

        return new Window(center, first, count, sum);
    }

    /// <summary>Fixed-point weights of taps <paramref name="from"/> .. <c>from + destination.Length</c> of a window.</summary>
    public void GetWeights(in Window window, int from, Span<int> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            double tap = Tap(window.Center, window.First + from + i);
            double w = window.Sum != 0.0 ? tap / window.Sum : tap;
            destination[i] = (int)(w < 0 ? -0.5 + (w * (1 << PrecisionBits)) : 0.5 + (w * (1 << PrecisionBits)));
        }
    }

    private double Tap(double center, int sample) => Evaluate(_filter, (sample - center + 0.5) * _inverseFilterScale);

    private static double Evaluate(ResampleFilter filter, double x)
    {
        x = Math.Abs(x);
        if (filter == ResampleFilter.Bilinear)
        {
            return x < 1.0 ? 1.0 - x : 0.0;
        }

        const double A = -0.5;
        return x < 1.0 ? ((((A + 2.0) * x) - (A + 3.0)) * x * x) + 1
            : x < 2.0 ? ((((x - 5) * x) + 8) * x - 4) * A
            : 0.0;
    }

    /// <summary>One output sample's window: <see cref="Count"/> source samples from <see cref="First"/>.</summary>
    public readonly record struct Window(double Center, int First, int Count, double Sum);
}

/// <summary>Pillow's resampling filters used by the processors.</summary>
internal enum ResampleFilter
{
    Bilinear,
    Bicubic,
}
