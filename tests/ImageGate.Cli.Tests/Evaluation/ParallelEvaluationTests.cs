using System.Text.Json.Nodes;
using ImageGate.Cli.Evaluation;
using ImageGate.Cli.Tests.Scan;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Policies;
using ImageGate.Verification;

namespace ImageGate.Cli.Tests.Evaluation;

/// <summary><c>--parallelism</c>: resources evaluated concurrently give the same reports, byte for byte, as one at a
/// time; bad values are input errors; a failure inside a worker surfaces as itself.</summary>
[TestClass]
public sealed class ParallelEvaluationTests
{
    private static readonly string[] DeployFiles = [.. Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "examples", "deploy"), "*.yaml").Order(StringComparer.Ordinal)];

    [TestMethod]
    public void ExampleScanReportsAreByteIdenticalAtEveryParallelism()
    {
        using var files = new TestFiles("parallel");
        // The example deployments eight times over: enough resources for the workers to interleave, and the same
        // images many times so that concurrent evaluations meet on the shared registry caches.
        for (var copy = 0; copy < 8; copy++)
        {
            foreach (var file in DeployFiles)
            {
                files.Write($"copy{copy}/{Path.GetFileName(file)}", File.ReadAllText(file));
            }
        }
        var reports = new Dictionary<int, (string Json, string Sarif, int Exit)>();
        foreach (var parallelism in new[] { 1, 3, 16 })
        {
            var sarif = Path.Combine(files.Root, $"report-{parallelism}.sarif");
            var run = ScanRunner.Run(
                ["scan", "--policies", "examples/policies/quickstart", "--manifests", files.Root, "--registry-mirrors",
                 "registry.example.com=oci:examples/registry", "--offline", "-o", "json", "--sarif", sarif, "--parallelism", parallelism.ToString(System.Globalization.CultureInfo.InvariantCulture)],
                RepoPaths.Root, new Dictionary<string, string>());
            Assert.AreNotEqual(2, run.ExitCode, run.Stderr);
            reports[parallelism] = (run.Stdout, File.ReadAllText(sarif), run.ExitCode);
        }

        var findings = JsonNode.Parse(reports[1].Json)!["results"]!.AsArray();
        Assert.IsGreaterThan(DeployFiles.Length * 8, findings.Count, "every copy of every deployment was evaluated");
        var results = findings.Select(f => (string?)f!["result"]).ToHashSet();
        Assert.IsTrue(results.Contains("pass") && results.Contains("fail"), "the run mixes passes and failures: " + string.Join(", ", results));
        foreach (var parallelism in new[] { 3, 16 })
        {
            Assert.AreEqual(reports[1].Exit, reports[parallelism].Exit, $"exit code at parallelism {parallelism}");
            Assert.AreEqual(reports[1].Json, reports[parallelism].Json, $"JSON report at parallelism {parallelism}");
            Assert.AreEqual(reports[1].Sarif, reports[parallelism].Sarif, $"SARIF report at parallelism {parallelism}");
        }
    }

    [TestMethod]
    [DataRow("0")]
    [DataRow("257")]
    [DataRow("1.5")]
    [DataRow("four")]
    public void ParallelismOutsideOneTo256IsAnInputError(string value)
    {
        using var files = new TestFiles("parallel");
        var policy = files.Write("policy.yaml", TestPolicies.GhcrOnly);
        var pods = files.Write("pods.yaml", TestManifests.Pods("default", ("a", "ghcr.io/acme/a:1")));

        var apply = CliRunner.Run(["apply", policy, "--resource", pods, "--no-resolve-digests", "--parallelism", value]);
        Assert.AreEqual(2, apply.ExitCode, apply.Stdout + apply.Stderr);
        StringAssert.Contains(apply.Stderr, $"--parallelism {value}: expected a whole number from 1 to 256");

        var scan = ScanRunner.Run(["scan", "--policies", policy, "--manifests", pods, "--no-resolve-digests"], files.Root,
            new Dictionary<string, string> { ["INPUT_PARALLELISM"] = value });
        Assert.AreEqual(2, scan.ExitCode, scan.Stdout + scan.Stderr);
        StringAssert.Contains(scan.Stderr, $"parallelism {value}: expected a whole number from 1 to 256");
    }

    [TestMethod]
    public void AFailureInsideAWorkerSurfacesAsItselfAndProgressCountsEveryResourceOnce()
    {
        using var files = new TestFiles("parallel");
        // mutateDigest: the engine resolves every tag through the verifier before validating.
        var policy = files.Write("policy.yaml", TestPolicies.GhcrOnly.Replace("mutateDigest: false", "mutateDigest: true", StringComparison.Ordinal));
        var pods = Enumerable.Range(0, 40).Select(i => ($"p{i}", $"ghcr.io/acme/app{i}:1")).ToArray();
        var manifests = files.Write("pods.yaml", TestManifests.Pods("default", pods));

        var seen = new List<(int Done, int Total)>();
        var inside = 0;
        var overlapped = false;
        var verifier = new ThrowingVerifier(null);
        var output = EvaluationRun.Execute(new EvaluationRequest
        {
            Policies = [policy],
            Resources = [manifests],
            Parallelism = 6,
            Progress = (done, total) =>
            {
                overlapped |= Interlocked.Increment(ref inside) > 1;
                seen.Add((done, total));
                Thread.Sleep(1);
                Interlocked.Decrement(ref inside);
            },
        }, verifier, files.Root);
        Assert.AreEqual(40, output.Result.Findings.Count);
        Assert.IsTrue(output.Result.Findings.All(f => f.Images.Single().PinnedReference?.EndsWith("@sha256:" + new string('a', 64), StringComparison.Ordinal) == true),
            "every image was resolved through the verifier");
        Assert.IsFalse(overlapped, "progress is never reported concurrently");
        CollectionAssert.AreEqual(Enumerable.Range(1, 40).ToList(), seen.Select(s => s.Done).ToList());
        Assert.IsTrue(seen.All(s => s.Total == 40));
        CollectionAssert.AreEqual(pods.Select(p => p.Item1).ToList(), output.Result.Findings.Select(f => f.Resource.Name).ToList(), "findings in input order");

        var failing = new ThrowingVerifier("ghcr.io/acme/app23:1");
        var thrown = Assert.ThrowsExactly<InvalidOperationException>(() => EvaluationRun.Execute(new EvaluationRequest
        {
            Policies = [policy],
            Resources = [manifests],
            Parallelism = 6,
        }, failing, files.Root));
        Assert.AreEqual("unexpected failure for ghcr.io/acme/app23:1", thrown.Message);
    }

    /// <summary>Resolves every tag to a fixed digest, except that one image throws an exception the engine does not expect.</summary>
    private sealed class ThrowingVerifier(string? poisoned) : IImageVerifier
    {
        public Task<string> ResolveDigestAsync(string image, RegistryAccess access, CancellationToken cancellationToken) =>
            image == poisoned
                ? throw new InvalidOperationException("unexpected failure for " + image)
                : Task.FromResult("sha256:" + new string('a', 64));

        public Task<AttestorOutcome> VerifySignatureAsync(string image, AttestorSpec attestor, RegistryAccess access, CancellationToken cancellationToken) =>
            Task.FromResult(AttestorOutcome.Failure("unsigned"));

        public Task<AttestorOutcome> VerifyAttestationAsync(string image, AttestationSpec attestation, AttestorSpec attestor, RegistryAccess access, CancellationToken cancellationToken) =>
            Task.FromResult(AttestorOutcome.Failure("unsigned"));

        public Task<JsonNode?> GetVerifiedPayloadAsync(string image, AttestationSpec attestation, RegistryAccess access, CancellationToken cancellationToken) =>
            Task.FromResult<JsonNode?>(null);

        public Task<JsonObject> GetMetadataAsync(string image, RegistryAccess access, CancellationToken cancellationToken) =>
            Task.FromResult(new JsonObject());
    }
}
