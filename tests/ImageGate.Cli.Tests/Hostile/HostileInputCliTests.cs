using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Policies;

namespace ImageGate.Cli.Tests.Hostile;

/// <summary>Hostile inputs end to end through <c>imagegate apply</c>: an input error exits 2 naming file:line, an
/// expression that exhausts its budget is a blocking error result (exit 1), and nothing hostile passes. Time bounds
/// are generous (the machine running the suite may be loaded): they catch hangs, not slowness.</summary>
[TestClass]
public sealed class HostileInputCliTests
{
    private static readonly string Policy = TestPolicies.GhcrOnly;

    private const string Pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: ok, namespace: a}\nspec:\n  containers:\n  - name: c\n    image: ghcr.io/acme/app:1\n";

    private static CliRunner.Result Apply(TestFiles files, string policy = "policy.yaml", string resources = "pod.yaml", int seconds = 10)
    {
        if (!File.Exists(Path.Combine(files.Root, "policy.yaml")))
        {
            files.Write("policy.yaml", Policy);
        }
        var watch = Stopwatch.StartNew();
        var run = CliRunner.Run(["apply", policy, "-r", resources, "-o", "json"], files.Root);
        Assert.IsLessThan(seconds * 1000L, watch.ElapsedMilliseconds, $"took {watch.ElapsedMilliseconds} ms");
        return run;
    }

    private static void AssertInputError(CliRunner.Result run, string location, string reason)
    {
        Assert.AreEqual(2, run.ExitCode, run.Stdout + run.Stderr);
        StringAssert.Contains(run.Stderr, location);
        StringAssert.Contains(run.Stderr, reason);
    }

    private static void WriteBytes(TestFiles files, string name, byte[] bytes) => File.WriteAllBytes(Path.Combine(files.Root, name), bytes);

    [TestMethod]
    public void InvalidUtf8ManifestExitsTwoNamingTheLine()
    {
        using var files = new TestFiles("cli-hostile");
        WriteBytes(files, "pod.yaml", Encoding.UTF8.GetBytes(Pod.Replace("app:1", "app:1#")).Select(b => b == (byte)'#' ? (byte)0xFF : b).ToArray());
        AssertInputError(Apply(files), "pod.yaml:7", "invalid UTF-8");
    }

    [TestMethod]
    public void NulByteInAManifestExitsTwo()
    {
        using var files = new TestFiles("cli-hostile");
        files.Write("pod.yaml", Pod.Replace("name: c", "name: c\0"));
        AssertInputError(Apply(files), "pod.yaml:6", "U+0000");
    }

    [TestMethod]
    public void NulByteInAPolicyExitsTwo()
    {
        using var files = new TestFiles("cli-hostile");
        files.Write("policy.yaml", Policy.Replace("name: ghcr-only", "name: ghcr-only\0"));
        files.Write("pod.yaml", Pod);
        AssertInputError(Apply(files), "policy.yaml:4", "U+0000");
    }

    [TestMethod]
    [DataRow("utf-16")]
    [DataRow("utf-16BE")]
    public void Utf16ManifestWithAByteOrderMarkIsEvaluatedLikeUtf8(string encodingName)
    {
        using var files = new TestFiles("cli-hostile");
        var encoding = Encoding.GetEncoding(encodingName);
        WriteBytes(files, "pod.yaml", [.. encoding.GetPreamble(), .. encoding.GetBytes(Pod.Replace("ghcr.io", "docker.io"))]);
        var run = Apply(files);
        Assert.AreEqual(1, run.ExitCode, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.AreEqual("fail", json.RootElement.GetProperty("results")[0].GetProperty("result").GetString());
        Assert.AreEqual(1, json.RootElement.GetProperty("results")[0].GetProperty("resource").GetProperty("line").GetInt32());
    }

    [TestMethod]
    public void BinaryTaggedImageExitsTwoInsteadOfCheckingTheEncodedText()
    {
        using var files = new TestFiles("cli-hostile");
        files.Write("pod.yaml", Pod.Replace("ghcr.io/acme/app:1", "!!binary " + Convert.ToBase64String(Encoding.UTF8.GetBytes("docker.io/evil:1"))));
        AssertInputError(Apply(files), "pod.yaml:7", "the YAML tag '!!binary' is not supported");
    }

    [TestMethod]
    public void ImageThatIsAMappingExitsTwo()
    {
        using var files = new TestFiles("cli-hostile");
        files.Write("pod.yaml", Pod.Replace("ghcr.io/acme/app:1", "{registry: docker.io}"));
        AssertInputError(Apply(files), "pod.yaml:7", "spec.containers[0].image must be a string");
    }

    [TestMethod]
    public void DuplicateImageKeyExitsTwo()
    {
        using var files = new TestFiles("cli-hostile");
        files.Write("pod.yaml", Pod + "    \"image\": docker.io/evil:1\n");
        AssertInputError(Apply(files), "pod.yaml:8", "Duplicate key image");
    }

    [TestMethod]
    public void AnchorFromAnotherDocumentExitsTwo()
    {
        using var files = new TestFiles("cli-hostile");
        files.Write("pod.yaml", Pod.Replace("image: ghcr.io/acme/app:1", "image: &img ghcr.io/acme/app:1") + "---\n" + Pod.Replace("name: ok", "name: two").Replace("image: ghcr.io/acme/app:1", "image: *img"));
        AssertInputError(Apply(files), "pod.yaml:15", "anchor 'img' is not defined");
    }

    [TestMethod]
    public void DeeplyNestedJsonExitsTwo()
    {
        using var files = new TestFiles("cli-hostile");
        files.Write("pod.json", string.Concat(Enumerable.Repeat("{\"a\":", 100_000)) + "1" + new string('}', 100_000));
        AssertInputError(Apply(files, resources: "pod.json"), "pod.json:1", "nesting deeper than 200 levels");
    }

    [TestMethod]
    public void SymbolicLinkOutOfTheScannedFolderExitsTwoAndIsNotEvaluated()
    {
        using var files = new TestFiles("cli-hostile");
        files.Write("outside.yaml", Pod.Replace("name: ok", "name: outside").Replace("ghcr.io", "docker.io"));
        files.Write("deploy/pod.yaml", Pod);
        File.CreateSymbolicLink(Path.Combine(files.Root, "deploy", "escape.yaml"), Path.Combine(files.Root, "outside.yaml"));
        File.CreateSymbolicLink(Path.Combine(files.Root, "deploy", "zero.yaml"), "/dev/zero");
        var run = Apply(files, resources: "deploy");
        AssertInputError(run, "deploy/escape.yaml", "symbolic link points outside the folder being scanned");
        Assert.DoesNotContain("outside", run.Stdout.Replace("points outside", "", StringComparison.Ordinal));
    }

    [TestMethod]
    public void ExpressionThatAllocatesWithoutBoundIsABlockingErrorNamingItsPosition()
    {
        using var files = new TestFiles("cli-hostile");
        var doubling = "cel.bind(a, 'xxxxxxxxxxxxxxxx', " + string.Concat(Enumerable.Repeat("cel.bind(a, a + a, ", 40)) + "size(a) > 0" + new string(')', 41);
        files.Write("policy.yaml", Policy.Replace("images.containers.all(i, i.startsWith('ghcr.io/'))", doubling));
        files.Write("pod.yaml", Pod);
        var run = Apply(files);
        Assert.AreEqual(1, run.ExitCode, run.Stdout + run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        var result = json.RootElement.GetProperty("results")[0];
        Assert.AreEqual("error", result.GetProperty("result").GetString());
        Assert.IsTrue(result.GetProperty("blocking").GetBoolean());
        StringAssert.Contains(result.GetProperty("message").GetString(), "policy.yaml:15:");
        var message = result.GetProperty("message").GetString()!;
        Assert.IsTrue(message.Contains("exceeds the limit", StringComparison.Ordinal) || message.Contains("cost limit exceeded", StringComparison.Ordinal), message);
    }
}
