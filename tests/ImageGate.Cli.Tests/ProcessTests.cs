using ImageGate.TestSupport;

namespace ImageGate.Cli.Tests;

/// <summary>Runs the real <c>imagegate</c> process: standard streams, console logging and exit codes end to end.</summary>
[TestClass]
public sealed class ProcessTests
{
    private static (int Code, string Stdout, string Stderr) RunProcess(params string[] args) => RunProcess([], args);

    private static (int Code, string Stdout, string Stderr) RunProcess(byte[] stdin, params string[] args) =>
        ImageGateProcess.Run(RepoPaths.Root, args, stdin: stdin, timeout: TimeSpan.FromSeconds(60));

    [TestMethod]
    public void ConsoleLoggingGoesToStandardErrorAndResultsToStandardOutput()
    {
        var (code, stdout, stderr) = RunProcess("images", "examples/manifests/pod.yaml", "--verbosity", "detailed");
        Assert.AreEqual(0, code, stderr);
        Assert.StartsWith("LOCATION", stdout);
        Assert.Contains("info: read 1 files: 1 workloads, 2 images", stderr);
        Assert.DoesNotContain("info:", stdout);
    }

    [TestMethod]
    public void UsageErrorExitsTwoFromTheProcess()
    {
        var (code, stdout, stderr) = RunProcess("images", "--nope");
        Assert.AreEqual(2, code);
        Assert.AreEqual("", stdout);
        Assert.Contains("unknown option '--nope'", stderr);
    }

    [TestMethod]
    public void PipedManifestsAreReadAsUtf8()
    {
        var pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: café\nspec:\n  containers:\n  - name: app\n    image: ghcr.io/acme/app:1\n";
        var (code, stdout, stderr) = RunProcess(System.Text.Encoding.UTF8.GetBytes(pod), "images", "-");
        Assert.AreEqual(0, code, stderr);
        Assert.Contains("Pod/café", stdout);
    }

    [TestMethod]
    public void InvalidUtf8OnStandardInputIsAnInputError()
    {
        // Replacing the bad byte would check an image name that is not the one in the manifest.
        byte[] pod = [.. "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: ghcr.io/acme/app:1"u8, 0xFF, (byte)'\n'];
        var (code, stdout, stderr) = RunProcess(pod, "images", "-");
        Assert.AreEqual(2, code, stdout + stderr);
        Assert.Contains("<stdin>", stderr);
        Assert.Contains("not valid UTF-8", stderr);
    }
}
