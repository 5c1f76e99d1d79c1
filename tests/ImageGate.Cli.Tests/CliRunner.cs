using ImageGate.Cli.Framework;
using ImageGate.TestSupport;

namespace ImageGate.Cli.Tests;

/// <summary>Runs the CLI entry point in-process and captures its output.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(string[] args, string? workingDirectory = null, string? stdin = null)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var context = new CliContext(stdout, stderr, stdin is null ? null : new StringReader(stdin), workingDirectory ?? RepoPaths.Root);
        var code = Program.Run(args, context);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }
}
