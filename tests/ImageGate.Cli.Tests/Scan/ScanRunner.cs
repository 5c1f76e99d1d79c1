using ImageGate.Cli.Framework;
using ImageGate.TestSupport.Secrets;

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
        var before = Snapshot(args, workingDirectory, environment);
        var code = Program.Run(args, context);
        SecretOutputs.RecordRun("scan", stdout.ToString(), stderr.ToString(), before);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs a <see cref="Commands.ScanCommand"/> built with its own publishers (the composition seam).</summary>
    public static Result RunCommand(Commands.ScanCommand command, string[] args, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var context = new CliContext(stdout, stderr, null, workingDirectory) { Environment = name => environment.GetValueOrDefault(name) };
        var parsed = ArgumentParser.Parse(args, [.. command.Options, .. HelpWriter.GlobalOptions], command.Positionals, "imagegate scan");
        var before = Snapshot(args, workingDirectory, environment);
        var code = command.ExecuteAsync(parsed, context).GetAwaiter().GetResult();
        SecretOutputs.RecordRun("scan", stdout.ToString(), stderr.ToString(), before);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    // The workspace, output files named by arguments, and files the environment names ($GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY, ...).
    private static SecretOutputs.FileSnapshot Snapshot(string[] args, string workingDirectory, IReadOnlyDictionary<string, string> environment) =>
        SecretOutputs.Snapshot(workingDirectory, args.Select(a => Path.Combine(workingDirectory, a)).Where(CliRunner.IsPlainPath)
            .Concat(environment.Values.Where(v => Path.IsPathRooted(v) && CliRunner.IsPlainPath(v))));
}
