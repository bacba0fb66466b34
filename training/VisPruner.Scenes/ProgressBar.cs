using System.Diagnostics;
using System.Globalization;

namespace VisPruner.Scenes;

/// <summary>
/// A one-line progress bar on a text writer (normally standard error), redrawn in place with a carriage return at
/// most ten times a second; when the writer is redirected to a file it prints a plain line every 10% instead.
/// </summary>
public sealed class ProgressBar : IProgress<int>, IDisposable
{
    private const int Width = 30;
    private readonly TextWriter _writer;
    private readonly string _label;
    private readonly int _total;
    private readonly bool _interactive;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastDraw = -1000;
    private int _lastDrawn = -1;
    private int _lastDecile = -1;
    private bool _done;

    public ProgressBar(TextWriter writer, string label, int total, bool? interactive = null)
    {
        _writer = writer;
        _label = label;
        _total = Math.Max(1, total);
        _interactive = interactive ?? (ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected);
    }

    public void Report(int value)
    {
        value = Math.Clamp(value, 0, _total);
        if (_interactive)
        {
            long now = _clock.ElapsedMilliseconds;
            if (value != _lastDrawn && (value == _total || now - _lastDraw >= 100))
            {
                (_lastDraw, _lastDrawn) = (now, value);
                _writer.Write("\r" + Line(value));
            }
        }
        else if (value * 10 / _total is int decile && decile > _lastDecile)
        {
            _lastDecile = decile;
            _writer.WriteLine(Line(value));
        }
    }

    /// <summary>Draws the full bar and ends its line.</summary>
    public void Complete()
    {
        if (!_done)
        {
            Report(_total);
            if (_interactive)
            {
                _writer.WriteLine();
            }

            _done = true;
        }
    }

    /// <summary>Ends the bar's line so later output starts on a fresh one.</summary>
    public void Dispose()
    {
        if (!_done && _interactive && _lastDrawn >= 0)
        {
            _writer.WriteLine();
        }

        _done = true;
    }

    private string Line(int value)
    {
        int filled = value * Width / _total;
        double seconds = _clock.Elapsed.TotalSeconds;
        string eta = value > 0 && value < _total ? string.Create(CultureInfo.InvariantCulture, $", {seconds * (_total - value) / value:F0} s left") : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"{_label} [{new string('#', filled)}{new string('.', Width - filled)}] {value}/{_total} {seconds:F0} s{eta}");
    }
}
