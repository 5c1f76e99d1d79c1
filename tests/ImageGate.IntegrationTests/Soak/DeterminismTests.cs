using System.Text.Json;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Registry;
using ImageGate.TestSupport.Soak;

namespace ImageGate.IntegrationTests.Soak;

/// <summary>A CI-sized soak (the full one is benchmarks/soak.sh): 300 resources, 8 policies, 30 images on 3 registries
/// behind latency proxies. Reports must be byte-identical whatever the parallelism and from run to run, the results must
/// mix passes and failures, and each distinct image must cost a small fixed number of registry requests however many
/// resources and policies name it.</summary>
[TestClass]
public sealed class DeterminismTests
{
    private static readonly SoakOptions Size = new() { Manifests = 300, Policies = 8, Images = 30, Registries = 3, LatencyMs = 5, ResourcesPerFile = 20, Seed = 7 };

    // Per distinct image at most: one HEAD to pin its tag to a digest (each image has one tag), the image manifest and
    // its config blob for image.GetMetadata, and for verifyImageSignatures the cosign signature manifest
    // (sha256-DIGEST.sig) and its payload blob: 5; then, for an image without a valid signature, the OCI referrers API and
    // its tag-schema fallback (sha256-DIGEST) in search of a bundle: 2 more. Each registry may add its /v2/ ping.
    private const int RequestsPerImage = 5;
    private const int RequestsPerUnverifiedImage = 2;
    private const int RequestsPerRegistry = 2;

    [TestMethod]
    public async Task ReportsAreByteIdenticalAcrossRunsAndParallelism()
    {
        var folder = Path.Combine(RepoPaths.TestWork, "soak-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            await using var workload = await SoakWorkload.PrepareAsync(Size, folder);
            Assert.IsTrue(Size.Manifests > 5 * Size.Images, "every image is named by many resources");

            var a = Apply(workload, "A", []);
            var b = Apply(workload, "B", []);
            var c = Apply(workload, "C", ["--parallelism", "1"]);

            foreach (var format in new[] { "json", "sarif" })
            {
                var reference = File.ReadAllBytes(a.Outputs[format]);
                Assert.IsGreaterThan(1000, reference.Length, $"{format} report of run A is empty");
                AssertSameBytes(reference, File.ReadAllBytes(b.Outputs[format]), $"{format}: two runs with the default parallelism");
                AssertSameBytes(reference, File.ReadAllBytes(c.Outputs[format]), $"{format}: default parallelism and --parallelism 1");
            }
            Assert.AreEqual(a.ExitCode, b.ExitCode);
            Assert.AreEqual(a.ExitCode, c.ExitCode);
            Assert.AreEqual(1, a.ExitCode, "Deny policies fail on unsigned, tampered and disallowed images: " + a.Stderr);

            using (var json = JsonDocument.Parse(File.ReadAllBytes(a.Outputs["json"])))
            {
                var results = json.RootElement.GetProperty("results").EnumerateArray().ToList();
                var byResult = results.GroupBy(r => r.GetProperty("result").GetString()).ToDictionary(g => g.Key!, g => g.Count());
                var described = string.Join(", ", byResult.Select(kv => $"{kv.Key}={kv.Value}"));
                Assert.IsGreaterThan(0, byResult.GetValueOrDefault("pass"), described);
                Assert.IsGreaterThan(0, byResult.GetValueOrDefault("fail"), described);
                Assert.AreEqual(0, byResult.GetValueOrDefault("error"), "no registry or evaluation errors: " + described + "\n"
                    + string.Join("\n", results.Where(r => r.GetProperty("result").GetString() == "error").Take(3).Select(r => r.GetProperty("message").GetString())));
                // The signature policies see unsigned and tampered images, so some of them fail, and signed ones pass.
                var signatureResults = results.Where(r => r.GetProperty("policy").GetString()!.StartsWith("signed-registry-", StringComparison.Ordinal)).ToList();
                Assert.IsTrue(signatureResults.Any(r => r.GetProperty("result").GetString() == "fail"), "a signature policy fails somewhere");
                Assert.IsTrue(signatureResults.Any(r => r.GetProperty("result").GetString() == "pass"), "a signature policy passes somewhere");
            }

            // Every run (a fresh process state each time) costs the same requests, whatever the parallelism: concurrent
            // evaluations of resources naming the same image share one fetch.
            CollectionAssert.AreEqual(a.Requests.ToList(), b.Requests.ToList(), "requests per registry, A vs B");
            CollectionAssert.AreEqual(a.Requests.ToList(), c.Requests.ToList(), "requests per registry, A vs C");
            for (var r = 0; r < workload.Registries.Count; r++)
            {
                var images = workload.Images.Count(i => i.Registry == r);
                var unverified = workload.Images.Count(i => i.Registry == r && i.Signature != SoakSignature.Signed);
                var bound = images * RequestsPerImage + unverified * RequestsPerUnverifiedImage + RequestsPerRegistry;
                var requests = a.Requests[r] / 2; // run A ran twice, once per format
                Assert.IsLessThanOrEqualTo(bound, requests,
                    $"registry {r}: {requests} requests for {images} images ({unverified} without a valid signature) named by {Size.Manifests} resources and {Size.Policies} policies; all runs: "
                    + Describe(workload.Registries[r].Proxy.Requests));
                Assert.IsGreaterThanOrEqualTo(images, requests, $"registry {r}: every image is fetched at least once");
            }
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Without <c>--insecure-registry</c>, plain HTTP comes from the policies' <c>credentials.allowInsecureRegistry</c>:
    /// every client tries HTTPS first and falls back to HTTP. The reports must still be free of registry errors and the same
    /// whatever the parallelism. (The latency proxies refuse a TLS handshake at once, which makes the fallback race narrow
    /// here; the signed-image tests against a bare registry are the ones that exposed it.)</summary>
    [TestMethod]
    public async Task PolicyAllowedInsecureRegistriesGiveTheSameReportsWhateverTheParallelism()
    {
        var folder = Path.Combine(RepoPaths.TestWork, "soak-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            await using var workload = await SoakWorkload.PrepareAsync(Size with { Manifests = 120, Seed = 11 }, folder);
            var a = Apply(workload, "A", [], insecureFlags: false, formats: ["json"]);
            var c = Apply(workload, "C", ["--parallelism", "1"], insecureFlags: false, formats: ["json"]);
            var reference = File.ReadAllBytes(a.Outputs["json"]);
            using (var json = JsonDocument.Parse(reference))
            {
                var errors = json.RootElement.GetProperty("results").EnumerateArray().Where(r => r.GetProperty("result").GetString() == "error").ToList();
                Assert.IsEmpty(errors, "no registry errors: " + string.Join("\n", errors.Take(3).Select(r => r.GetProperty("message").GetString())));
            }
            AssertSameBytes(reference, File.ReadAllBytes(c.Outputs["json"]), "json: default parallelism and --parallelism 1");
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private sealed record Run(int ExitCode, IReadOnlyDictionary<string, string> Outputs, IReadOnlyList<int> Requests, string Stderr);

    // Runs apply once per format (JSON and SARIF) in-process, in the workload folder so report paths are relative.
    private static Run Apply(SoakWorkload workload, string name, string[] extra, bool insecureFlags = true, string[]? formats = null)
    {
        var outputs = new Dictionary<string, string>();
        var before = workload.RequestCounts();
        var codes = new List<int>();
        var stderr = new StringWriter();
        foreach (var format in formats ?? ["json", "sarif"])
        {
            var output = Path.Combine(workload.Folder, $"{name}.{format}");
            string[] args =
            [
                "apply", workload.PolicyFolder, "--resource", workload.ManifestFolder, "--format", format, "--output", output,
                .. insecureFlags ? workload.Registries.SelectMany(r => new[] { "--insecure-registry", r.Host }) : [], .. extra,
            ];
            var (code, _, runStderr) = CliInProcess.Run(args, workload.Folder, $"apply -o {format} (soak run {name})", outputFiles: [output], watchWorkingDirectory: false);
            stderr.Write(runStderr);
            Assert.AreNotEqual(2, code, $"run {name} {format}: {stderr}");
            codes.Add(code);
            outputs[format] = output;
        }
        Assert.AreEqual(1, codes.Distinct().Count(), $"run {name}: the same exit code for every format");
        var after = workload.RequestCounts();
        return new Run(codes[0], outputs, after.Zip(before, (x, y) => x - y).ToList(), stderr.ToString());
    }

    private static void AssertSameBytes(byte[] expected, byte[] actual, string what)
    {
        if (expected.AsSpan().SequenceEqual(actual))
        {
            return;
        }
        var x = System.Text.Encoding.UTF8.GetString(expected).Split('\n');
        var y = System.Text.Encoding.UTF8.GetString(actual).Split('\n');
        var line = Enumerable.Range(0, Math.Min(x.Length, y.Length)).FirstOrDefault(i => x[i] != y[i], Math.Min(x.Length, y.Length));
        Assert.Fail($"{what}: reports differ at line {line + 1}:\n  {(line < x.Length ? x[line] : "(end)")}\n  {(line < y.Length ? y[line] : "(end)")}");
    }

    // Requests grouped by method and kind (tag or digest manifest, signature tag, blob), for failure messages.
    private static string Describe(IEnumerable<LoopbackRequest> requests) => string.Join(", ", requests
        .GroupBy(r => r.Method + " " + Kind(r.Path))
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => $"{g.Key}: {g.Count()}"));

    private static string Kind(string path) =>
        path == "/v2/" ? "ping"
        : path.Contains("/blobs/", StringComparison.Ordinal) ? "blob"
        : path.Contains("/referrers/", StringComparison.Ordinal) ? "referrers"
        : path.EndsWith(".sig", StringComparison.Ordinal) ? "signature manifest"
        : path.Contains("/manifests/sha256-", StringComparison.Ordinal) ? "referrers tag"
        : path.Contains("/manifests/sha256:", StringComparison.Ordinal) ? "manifest by digest"
        : path.Contains("/manifests/", StringComparison.Ordinal) ? "manifest by tag"
        : "other";
}
