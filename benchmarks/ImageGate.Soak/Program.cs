using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ImageGate.Soak;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Soak;

// The soak benchmark: a seeded workload on loopback registries with injected latency, `imagegate apply` run three
// times (A and B with the default parallelism, C with --parallelism 1), figures per run, outputs compared byte for byte.
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(SoakCommandLine.Usage);
    return 0;
}
SoakCommandLine line;
try
{
    line = SoakCommandLine.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}\n\n{SoakCommandLine.Usage}");
    return 2;
}
if (ApplyRunner.GnuTime is null)
{
    Console.Error.WriteLine("error: GNU time (/usr/bin/time) is missing: install the Debian package `time` or run benchmarks/soak.sh");
    return 2;
}

var command = LocateCli(line);
var work = line.Work ?? Path.Combine(RepoPaths.TestWork, "soak-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
var options = line.Workload;
Console.WriteLine($"soak: {options.Manifests} resources, {options.Policies} policies, {options.Images} images, {options.Registries} registries, "
    + $"{options.LatencyMs} ms latency, seed {options.Seed}; {Environment.ProcessorCount} processors; work folder {work}");
Console.WriteLine($"imagegate: {string.Join(' ', command)}");

var prepare = Stopwatch.StartNew();
await using var workload = await SoakWorkload.PrepareAsync(options, work, Console.Out);
Console.WriteLine($"workload prepared in {prepare.Elapsed.TotalSeconds:F1} s");
Directory.CreateDirectory(Path.Combine(work, "out"));

var runner = new ApplyRunner(command, work);
var measurements = new List<ApplyMeasurement>();
foreach (var (run, extra) in new (string, string[])[] { ("A", []), ("B", []), ("C", ["--parallelism", "1"]) })
{
    foreach (var format in line.Formats)
    {
        var output = Path.Combine("out", $"{run}.{format}");
        string[] arguments =
        [
            "apply", workload.PolicyFolder, "--resource", workload.ManifestFolder, "--format", format, "--output", output,
            .. workload.Registries.SelectMany(r => new[] { "--insecure-registry", r.Host }), .. extra,
        ];
        var m = await runner.RunAsync(run, format, output, arguments, workload.RequestCounts);
        measurements.Add(m);
        Console.WriteLine($"run {run} {format}: exit {m.ExitCode}, {m.WallSeconds:F1} s, {m.PeakRssKiB / 1024.0:F0} MiB, requests {string.Join('/', m.Requests)}");
        if (m.ExitCode is not (0 or 1))
        {
            Console.WriteLine("  stderr: " + m.StderrHead.Trim().Replace("\n", "\n          ", StringComparison.Ordinal));
        }
    }
}

Console.WriteLine();
Console.WriteLine("| run | parallelism | format | exit | wall s | peak RSS MiB | requests per registry |");
Console.WriteLine("|---|---|---|---:|---:|---:|---|");
foreach (var m in measurements)
{
    Console.WriteLine($"| {m.Run} | {(m.Run == "C" ? "1" : "default")} | {m.Format} | {m.ExitCode} | {m.WallSeconds:F1} | {m.PeakRssKiB / 1024.0:F0} | {string.Join(" / ", m.Requests)} |");
}
if (line.Formats.Contains("json") && Summary(Path.Combine(work, "out", "A.json")) is { } summary)
{
    Console.WriteLine($"results (run A): {summary}");
}

var identical = true;
foreach (var format in line.Formats)
{
    foreach (var other in new[] { "B", "C" })
    {
        var difference = OutputComparison.Compare(Path.Combine(work, "out", $"A.{format}"), Path.Combine(work, "out", $"{other}.{format}"));
        Console.WriteLine($"{format}: A vs {other}: {(difference is null ? "identical" : "DIFFERENT, " + difference)}");
        identical &= difference is null;
    }
}
if (File.Exists("/proc/loadavg"))
{
    Console.WriteLine("load average at the end: " + string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)));
}
var peak = measurements.Max(m => m.PeakRssKiB);
var exits = measurements.Select(m => m.ExitCode).Distinct().ToList();
var exitsOk = exits.Count == 1 && exits[0] is 0 or 1;
var memoryOk = peak < 1024 * 1024;
Console.WriteLine($"verdict: {(identical && memoryOk && exitsOk ? "PASS" : "FAIL")}: outputs {(identical ? "identical" : "differ")}, "
    + $"peak RSS {peak / 1024.0:F0} MiB ({(memoryOk ? "under" : "OVER")} 1 GiB), exit codes {string.Join(", ", exits)}{(exitsOk ? "" : " (expected one code, 0 or 1)")}");

if (!line.Keep && line.Work is null)
{
    await workload.DisposeAsync();
    Directory.Delete(work, recursive: true);
}
return identical && memoryOk && exitsOk ? 0 : 1;

// The command that starts imagegate: the given binary, the given dll, or the CLI's Release build (built when missing).
static string[] LocateCli(SoakCommandLine line)
{
    if (line.Binary is { } binary)
    {
        return File.Exists(binary) ? [binary] : throw new FileNotFoundException("--binary: not found", binary);
    }
    var dll = line.CliDll ?? Path.Combine(RepoPaths.Root, "src", "ImageGate.Cli", "bin", "Release", "net10.0", "imagegate.dll");
    if (!File.Exists(dll))
    {
        if (line.CliDll is not null)
        {
            throw new FileNotFoundException("--cli-dll: not found", dll);
        }
        using var build = Process.Start("dotnet", ["build", Path.Combine(RepoPaths.Root, "src", "ImageGate.Cli"), "-c", "Release", "-nologo", "-v", "q"]);
        build.WaitForExit();
        if (build.ExitCode != 0 || !File.Exists(dll))
        {
            throw new InvalidOperationException("building src/ImageGate.Cli failed");
        }
    }
    return ["dotnet", dll];
}

// The summary counts of a JSON report, read from its tail (the report can be hundreds of megabytes).
static string? Summary(string path)
{
    if (!File.Exists(path))
    {
        return null;
    }
    using var stream = File.OpenRead(path);
    stream.Seek(Math.Max(0, stream.Length - 4096), SeekOrigin.Begin);
    var tail = new StreamReader(stream).ReadToEnd();
    var match = Regex.Match(tail, "\"summary\"\\s*:\\s*\\{([^}]*)\\}");
    return match.Success ? Regex.Replace(match.Groups[1].Value, "\\s+", " ").Trim() : null;
}
