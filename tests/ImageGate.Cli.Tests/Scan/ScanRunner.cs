using ImageGate.Cli.Framework;

namespace ImageGate.Cli.Tests.Scan;

/// <summary>Runs <c>imagegate scan</c> in-process with its own environment variables, as a CI step would see them.</summary>
internal static class ScanRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(string[] args, string workingDirectory, IReadOnlyDictionary<string, string> environment, string? stdin = null)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var context = new CliContext(stdout, stderr, stdin is null ? null : new StringReader(stdin), workingDirectory) { Environment = name => environment.GetValueOrDefault(name) };
        var code = Program.Run(args, context);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs a <see cref="Commands.ScanCommand"/> built with its own publishers (the composition seam).</summary>
    public static Result RunCommand(Commands.ScanCommand command, string[] args, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var context = new CliContext(stdout, stderr, null, workingDirectory) { Environment = name => environment.GetValueOrDefault(name) };
        var parsed = ArgumentParser.Parse(args, [.. command.Options, .. HelpWriter.GlobalOptions], command.Positionals, "imagegate scan");
        var code = command.ExecuteAsync(parsed, context).GetAwaiter().GetResult();
        return new Result(code, stdout.ToString(), stderr.ToString());
    }
}
