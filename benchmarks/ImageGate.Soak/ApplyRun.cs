using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ImageGate.Soak;

/// <summary>The measured figures of one <c>imagegate apply</c> process.</summary>
internal sealed record ApplyMeasurement(string Run, string Format, int ExitCode, double WallSeconds, long PeakRssKiB, IReadOnlyList<int> Requests, string OutputPath, string StderrHead);

/// <summary>Starts <c>imagegate apply</c> as a child process under GNU time (wall time and peak RSS of the child alone).</summary>
internal sealed class ApplyRunner(IReadOnlyList<string> command, string workingDirectory)
{
    private const int StderrKeep = 4000;

    /// <summary>GNU time, which reports the child's maximum resident set size; null when it is missing.</summary>
    public static string? GnuTime => File.Exists("/usr/bin/time") ? "/usr/bin/time" : null;

    /// <summary>Runs apply with <paramref name="arguments"/>; <paramref name="requestCounts"/> is read before and after.</summary>
    public async Task<ApplyMeasurement> RunAsync(string run, string format, string output, IReadOnlyList<string> arguments, Func<IReadOnlyList<int>> requestCounts)
    {
        var timeFile = Path.Combine(workingDirectory, "out", $"{run}.{format}.time");
        var start = new ProcessStartInfo(GnuTime ?? throw new InvalidOperationException("GNU time is missing: install the Debian package `time` (benchmarks/soak.sh does)"))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in (string[])["-f", "%e %M", "-o", timeFile, .. command, .. arguments])
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var before = requestCounts();
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + start.FileName);
        var stdout = DrainAsync(process.StandardOutput);
        var stderr = DrainAsync(process.StandardError);
        await process.WaitForExitAsync().ConfigureAwait(false);
        var head = await stderr.ConfigureAwait(false);
        await stdout.ConfigureAwait(false);
        stopwatch.Stop();
        var after = requestCounts();
        var (seconds, rss) = ReadTime(timeFile, stopwatch.Elapsed.TotalSeconds);
        return new ApplyMeasurement(run, format, process.ExitCode, seconds, rss, after.Zip(before, (a, b) => a - b).ToList(), Path.Combine(workingDirectory, output), head);
    }

    // GNU time writes "Command exited with non-zero status N" before the figures when the child fails: the figures are the last line.
    private static (double Seconds, long RssKiB) ReadTime(string path, double fallbackSeconds)
    {
        var last = File.Exists(path) ? File.ReadAllLines(path).LastOrDefault(l => l.Trim().Length > 0) : null;
        var parts = last?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts is { Length: 2 } && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var rss))
        {
            return (seconds, rss);
        }
        throw new InvalidOperationException($"could not read GNU time's figures from {path}: {last}");
    }

    // Keeps the head of a stream and discards the rest, so a chatty child can neither block nor exhaust memory.
    private static async Task<string> DrainAsync(StreamReader reader)
    {
        var head = new StringBuilder();
        var buffer = new char[8192];
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            if (head.Length < StderrKeep)
            {
                head.Append(buffer, 0, Math.Min(read, StderrKeep - head.Length));
            }
        }
        return head.ToString();
    }
}
