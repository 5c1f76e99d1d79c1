using System.Diagnostics;
using ImageGate.TestSupport.Secrets;

namespace ImageGate.TestSupport;

/// <summary>Runs the built CLI (<c>imagegate.dll</c>, copied beside the test assembly) as a real child process: standard
/// streams captured, the run recorded for the suite's secret scan with the files it wrote.</summary>
public static class ImageGateProcess
{
    /// <summary>Runs <c>dotnet imagegate.dll ARGS</c> in <paramref name="workingDirectory"/>. <paramref name="environment"/>
    /// edits the child's variables; <paramref name="outputFiles"/> are report paths outside the working directory that the
    /// secret scan should read.</summary>
    /// <exception cref="TimeoutException">The process did not finish in <paramref name="timeout"/> (default 2 minutes).</exception>
    public static (int Code, string Stdout, string Stderr) Run(string workingDirectory, IReadOnlyList<string> args,
        Action<IDictionary<string, string?>>? environment = null, byte[]? stdin = null, TimeSpan? timeout = null,
        IEnumerable<string>? outputFiles = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "imagegate.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"imagegate.dll is missing beside the tests: build {Path.GetFileNameWithoutExtension(AppContext.BaseDirectory.TrimEnd('/'))}'s test project");
        }
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        environment?.Invoke(start.Environment);
        var limit = timeout ?? TimeSpan.FromMinutes(2);
        var before = SecretOutputs.Snapshot(workingDirectory, outputFiles);
        using var process = Process.Start(start)!;
        process.StandardInput.BaseStream.Write(stdin ?? []);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"imagegate {string.Join(' ', args)} did not finish in {limit.TotalSeconds:0} s");
        }
        SecretOutputs.RecordRun((args.Count > 0 ? args[0] : "") + " process", stdout.Result, stderr.Result, before);
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
