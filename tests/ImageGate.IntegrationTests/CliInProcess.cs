using ImageGate.Cli;
using ImageGate.Cli.Framework;
using ImageGate.TestSupport.Secrets;

namespace ImageGate.IntegrationTests;

/// <summary>Runs the CLI entry point in-process and records the run (standard streams and the files it wrote) for the
/// suite's secret scan.</summary>
internal static class CliInProcess
{
    /// <summary>Runs <paramref name="args"/> in <paramref name="workingDirectory"/>; <paramref name="label"/> names the run in
    /// the secret scan. Files written under the working directory are recorded, unless <paramref name="watchWorkingDirectory"/>
    /// is false (a large generated tree), and so are <paramref name="outputFiles"/>.</summary>
    public static (int Code, string Stdout, string Stderr) Run(string[] args, string workingDirectory, string label,
        Func<string, string?>? environment = null, IEnumerable<string>? outputFiles = null, bool watchWorkingDirectory = true)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var context = new CliContext(stdout, stderr, null, workingDirectory) { Environment = environment ?? System.Environment.GetEnvironmentVariable };
        var before = SecretOutputs.Snapshot(watchWorkingDirectory ? workingDirectory : null, outputFiles);
        var code = Program.Run(args, context);
        SecretOutputs.RecordRun(label, stdout.ToString(), stderr.ToString(), before);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
