using System.Diagnostics;

namespace ImageGate.Cli.Scan;

/// <summary>Prints <c>progress: N/M resources evaluated (T s)</c> on standard error while a long run goes on: at most one
/// line per interval, never for runs that finish within it, never on standard output.</summary>
public sealed class ProgressLine(TextWriter stderr, TimeSpan interval, Func<TimeSpan>? clock = null)
{
    private readonly Func<TimeSpan> clock = clock ?? StartClock();
    private TimeSpan last = TimeSpan.Zero;

    /// <summary>Called after each resource.</summary>
    public void Report(int done, int total)
    {
        var now = clock();
        if (done >= total || now - last < interval)
        {
            return;
        }
        last = now;
        stderr.WriteLine($"progress: {done}/{total} resources evaluated ({(int)now.TotalSeconds} s)");
    }

    private static Func<TimeSpan> StartClock()
    {
        var started = Stopwatch.GetTimestamp();
        return () => Stopwatch.GetElapsedTime(started);
    }
}
