using System.Diagnostics;
using System.Text.Json;
using ImageGate.TestSupport;

namespace ImageGate.Sigstore.Tests;

/// <summary>Runs the sigstore-js fixture generator once per test run (loopback mock Fulcio/Rekor/TSA) and exposes its manifest.</summary>
internal static class GeneratedFixtures
{
    private static readonly Lazy<Fixtures> Instance = new(Generate, LazyThreadSafetyMode.ExecutionAndPublication);

    public static Fixtures Get() => Instance.Value;

    internal sealed class Fixtures(string dir, JsonDocument manifest)
    {
        public string Dir { get; } = dir;
        public JsonElement Manifest => manifest.RootElement;
        public string Path(string name) => System.IO.Path.Combine(Dir, name);
        public string ImageDigest => Manifest.GetProperty("imageDigest").GetString()!;

        public JsonElement Case(string name) =>
            Manifest.GetProperty("cases").EnumerateArray().FirstOrDefault(c => c.GetProperty("name").GetString() == name) is { ValueKind: JsonValueKind.Object } c
                ? c
                : throw new AssertFailedException($"fixture case '{name}' is missing from the generated manifest");
    }

    private static Fixtures Generate()
    {
        var scriptDir = RepoPaths.Combine("tests", "fixtures", "sigstore");
        if (!Directory.Exists(System.IO.Path.Combine(scriptDir, "node_modules", "@sigstore", "mock")))
        {
            throw new AssertFailedException("sigstore-js is not installed for the fixtures: run `bash tests/setup.sh`");
        }
        var outDir = System.IO.Path.Combine(RepoPaths.TestWork, "sigstore-fixtures");
        if (Directory.Exists(outDir))
        {
            Directory.Delete(outDir, recursive: true);
        }
        var psi = new ProcessStartInfo("node", ["generate.js", outDir])
        {
            WorkingDirectory = scriptDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new AssertFailedException("node is not available (" + ex.Message + "): run `bash tests/setup.sh`");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new AssertFailedException("the sigstore fixture generator did not finish within 2 minutes");
            }
            if (process.ExitCode != 0)
            {
                throw new AssertFailedException($"the sigstore fixture generator failed ({process.ExitCode}): {stderr.Result}{stdout.Result}");
            }
        }
        var manifest = JsonDocument.Parse(File.ReadAllBytes(System.IO.Path.Combine(outDir, "manifest.json")));
        return new Fixtures(outDir, manifest);
    }
}
