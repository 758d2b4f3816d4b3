using System.Diagnostics;
using EdgeBuild.Optimization.Reporting;

namespace EdgeBuild.Cli;

/// <summary>
/// Shows a running optimization's <see cref="ProgressEvent"/>s on stderr, never stdout (stdout is the result, JSON with
/// --json). At a terminal: one updating line ("det.onnx → rpi5: calibrating 12/21 samples"), a new one per stage. Otherwise
/// (CI logs, the MSBuild task): plain <see cref="ProgressLine"/>s as they happen, a stage's first and last event always and
/// the ones between at most about once a second, so a log shows where the time goes without a line per sample.
/// Synchronous (not <see cref="Progress{T}"/>): a line must be out before the stage it announces starts its work.
/// </summary>
internal sealed class ProgressRenderer(TextWriter stderr, bool terminal, string label) : IProgress<ProgressEvent>, IDisposable
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan TerminalInterval = TimeSpan.FromMilliseconds(100);

    private readonly object _gate = new();
    private string? _stage;
    private long _lastWrite;
    private bool _lineOpen;

    public void Report(ProgressEvent value)
    {
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            var newStage = value.Stage != _stage;
            var last = value.Done is { } done && value.Total is { } total && done >= total;
            if (!newStage && !last && Stopwatch.GetElapsedTime(_lastWrite, now) < (terminal ? TerminalInterval : PlainInterval)) return;
            _stage = value.Stage;
            _lastWrite = now;
            if (terminal)
            {
                if (newStage && _lineOpen) stderr.Write('\n');
                stderr.Write("\r" + Fit($"{label}: {value.Detail}") + "\u001b[K");
                _lineOpen = true;
            }
            else
            {
                stderr.WriteLine(ProgressLine.Format(value.Stage, value.Detail));
            }

            stderr.Flush();
        }
    }

    /// <summary>Ends the updating line, so what follows (diagnostics, the result) starts on its own.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (!_lineOpen) return;
            stderr.Write('\n');
            stderr.Flush();
            _lineOpen = false;
        }
    }

    /// <summary>An updating line that wraps stops updating: keep it within the terminal's width.</summary>
    private static string Fit(string text)
    {
        int width;
        try
        {
            width = Console.WindowWidth;
        }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException or InvalidOperationException)
        {
            return text;
        }

        return width > 1 && text.Length >= width ? text[..(width - 2)] + "…" : text;
    }
}
