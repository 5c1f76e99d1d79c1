using System.Diagnostics;

namespace ImageGate.TestSupport.Registry;

/// <summary>Runs the real tools the registry fixtures rely on (docker-registry, skopeo, umoci, htpasswd).</summary>
public static class ExternalTools
{
    /// <summary>Full path of <paramref name="tool"/> on PATH; fails with a setup hint when missing.</summary>
    public static string Require(string tool)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException($"{tool} is not installed: run `bash tests/setup.sh`");
    }

    /// <summary>Runs a tool and returns its standard output; throws with stderr on a non-zero exit.</summary>
    public static async Task<string> RunAsync(string tool, IEnumerable<string> arguments, string? stdin = null, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(Require(tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {tool}");
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', start.ArgumentList)} did not finish in time");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}): {await stderr.ConfigureAwait(false)}");
        }
        return await stdout.ConfigureAwait(false);
    }
}
