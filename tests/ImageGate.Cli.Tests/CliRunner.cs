using ImageGate.Cli.Framework;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Secrets;

namespace ImageGate.Cli.Tests;

/// <summary>Runs the CLI entry point in-process and captures its output; every output and every file the run
/// writes is recorded for the suite's secret scan.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(string[] args, string? workingDirectory = null, string? stdin = null)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var directory = workingDirectory ?? RepoPaths.Root;
        var context = new CliContext(stdout, stderr, stdin is null ? null : new StringReader(stdin), directory);
        var before = SecretOutputs.Snapshot(directory, args.Select(a => Path.Combine(directory, a)).Where(IsPlainPath));
        var code = Program.Run(args, context);
        SecretOutputs.RecordRun("cli " + string.Join(' ', args.Take(1)), stdout.ToString(), stderr.ToString(), before);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    // Arguments that could name an output file (-o/--output values): not options, not URLs.
    internal static bool IsPlainPath(string path) => !path.Contains("://", StringComparison.Ordinal) && path.IndexOfAny(['\0', '\n']) < 0 && path.Length < 1024;
}
