using System.Security.Cryptography;
using System.Text.Json;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Registry;

namespace ImageGate.IntegrationTests.Examples;

/// <summary>The bundled examples, run as <c>scripts/examples.sh</c> runs them: <c>imagegate scan</c> with the
/// quick-start policies on the example deployments and the Helm-rendered chart, with registry.example.com served
/// from the OCI image layout in <c>examples/registry</c>. Every verdict is checked, and every HTTP attempt would reach a recording
/// loopback proxy, so the run is shown to be offline.</summary>
[TestClass]
public sealed class ExamplesRunTests
{
    /// <summary>The options of the script's main run, relative to the folder holding <c>examples/</c>.</summary>
    private static readonly string[] MainRun =
    [
        "scan", "--policies", "examples/policies/quickstart", "--manifests", "examples/deploy", "--manifests", "examples/rendered",
        "--chart-roots", "examples/charts", "--offline", "-o", "json",
    ];

    private static readonly string[] Mirror = ["--registry-mirrors", "registry.example.com=oci:examples/registry"];

    /// <summary>policy[/autogen variant] Kind namespace/name: result action [blocking] at image locations (or the resource).</summary>
    private static readonly string[] ExpectedVerdicts =
    [
        "payments-notary/defaults StatefulSet shop/cart: pass Deny at examples/deploy/cart.yaml:2",
        "pinned-digests/defaults StatefulSet shop/cart: pass Warn at examples/deploy/cart.yaml:19",
        "release-signature/defaults StatefulSet shop/cart: pass Deny at examples/deploy/cart.yaml:19",
        "trusted-registries/defaults StatefulSet shop/cart: pass Deny at examples/deploy/cart.yaml:19",
        "payments-notary/cronjobs CronJob shop/legacy-report: pass Deny at examples/deploy/legacy-report.yaml:2",
        "pinned-digests/cronjobs CronJob shop/legacy-report: pass Warn at examples/deploy/legacy-report.yaml:16",
        "release-signature/cronjobs CronJob shop/legacy-report: fail Deny blocking at examples/deploy/legacy-report.yaml:16",
        "trusted-registries/cronjobs CronJob shop/legacy-report: pass Deny at examples/deploy/legacy-report.yaml:16",
        "payments-notary Pod payments/payments-api: pass Deny at examples/deploy/payments-api.yaml:10",
        "pinned-digests Pod payments/payments-api: pass Warn at examples/deploy/payments-api.yaml:10",
        "release-signature Pod payments/payments-api: pass Deny at examples/deploy/payments-api.yaml:2",
        "trusted-registries Pod payments/payments-api: pass Deny at examples/deploy/payments-api.yaml:10",
        "payments-notary/defaults Deployment shop/storefront: pass Deny at examples/deploy/storefront.yaml:2",
        "pinned-digests/defaults Deployment shop/storefront: pass Warn at examples/deploy/storefront.yaml:19",
        "release-signature/defaults Deployment shop/storefront: pass Deny at examples/deploy/storefront.yaml:19",
        "trusted-registries/defaults Deployment shop/storefront: pass Deny at examples/deploy/storefront.yaml:19",
        "payments-notary/defaults Deployment shop/worker: pass Deny at examples/deploy/worker.yaml:2",
        "pinned-digests/defaults Deployment shop/worker: pass Warn at examples/deploy/worker.yaml:18",
        "release-signature/defaults Deployment shop/worker: fail Deny blocking at examples/deploy/worker.yaml:18",
        "trusted-registries/defaults Deployment shop/worker: pass Deny at examples/deploy/worker.yaml:18",
        "payments-notary/defaults Deployment shop-web: pass Deny at examples/rendered/web.yaml:23",
        "pinned-digests/defaults Deployment shop-web: fail Warn at examples/charts/web/templates/deployment.yaml:23 examples/charts/web/templates/deployment.yaml:29 examples/charts/web/templates/deployment.yaml:19",
        "release-signature/defaults Deployment shop-web: pass Deny at examples/rendered/web.yaml:23",
        "trusted-registries/defaults Deployment shop-web: fail Deny blocking at examples/charts/web/templates/deployment.yaml:23 examples/charts/web/templates/deployment.yaml:29 examples/charts/web/templates/deployment.yaml:19",
        "payments-notary/cronjobs CronJob shop-web-backup: pass Deny at examples/rendered/web.yaml:63",
        "pinned-digests/cronjobs CronJob shop-web-backup: fail Warn at examples/charts/web/templates/cronjob.yaml:17",
        "release-signature/cronjobs CronJob shop-web-backup: pass Deny at examples/rendered/web.yaml:63",
        "trusted-registries/cronjobs CronJob shop-web-backup: fail Deny blocking at examples/charts/web/templates/cronjob.yaml:17",
        "payments-notary Pod shop-web-test-connection: pass Deny at examples/rendered/web.yaml:87",
        "pinned-digests Pod shop-web-test-connection: fail Warn at examples/charts/web/templates/tests/test-connection.yaml:12",
        "release-signature Pod shop-web-test-connection: pass Deny at examples/rendered/web.yaml:87",
        "trusted-registries Pod shop-web-test-connection: fail Deny blocking at examples/charts/web/templates/tests/test-connection.yaml:12",
    ];

    private static readonly string[] TaggedImages = ["shop/storefront:1.0", "shop/worker:1.0", "shop/legacy:1.0", "shop/cart:1.0", "payments/api:1.0"];

    [TestMethod]
    public async Task MainRunGivesTheExpectedVerdictsWithoutTouchingTheNetwork()
    {
        var (code, json, stderr, proxied) = await RunThroughProxyAsync(RepoPaths.Root, [.. MainRun, .. Mirror]);

        Assert.IsEmpty(proxied, "the examples must run offline, but these requests left the process: " + string.Join(", ", proxied));
        Assert.AreEqual(1, code, stderr);
        using var report = JsonDocument.Parse(json);
        CollectionAssert.AreEqual(ExpectedVerdicts, Verdicts(report), "\n" + string.Join("\n", Verdicts(report)));
        var summary = report.RootElement.GetProperty("summary");
        Assert.AreEqual((24, 8, 5, 0), (summary.GetProperty("pass").GetInt32(), summary.GetProperty("fail").GetInt32(),
            summary.GetProperty("blocking").GetInt32(), summary.GetProperty("error").GetInt32()));
    }

    [TestMethod]
    public void TheScriptChecksTheSameCounts()
    {
        // scripts/examples.sh exits non-zero unless it sees these counts; keep it in step with the verdicts above.
        var script = File.ReadAllText(RepoPaths.Combine("scripts", "examples.sh"));
        var passes = ExpectedVerdicts.Count(v => v.Contains(": pass ", StringComparison.Ordinal));
        var deny = ExpectedVerdicts.Count(v => v.Contains(": fail Deny blocking ", StringComparison.Ordinal));
        var warn = ExpectedVerdicts.Count(v => v.Contains(": fail Warn ", StringComparison.Ordinal));
        Assert.AreEqual(ExpectedVerdicts.Length, passes + deny + warn);
        StringAssert.Contains(script, $"(expected {passes}, {deny}, {warn})");
        StringAssert.Contains(script, $"[ \"$pass\" != {passes} ] || [ \"$blocking\" != {deny} ] || [ \"$((fail - blocking))\" != {warn} ]");
    }

    [TestMethod]
    public async Task FailuresCarryTheAttestorsReasons()
    {
        var (_, json, _, _) = await RunThroughProxyAsync(RepoPaths.Root, [.. MainRun, .. Mirror]);
        using var report = JsonDocument.Parse(json);
        var results = report.RootElement.GetProperty("results").EnumerateArray().ToList();
        string Reasons(string name) => ApplyHarness.Reasons(results.Single(r =>
            r.GetProperty("policy").GetString() == "release-signature" && r.GetProperty("resource").GetProperty("name").GetString() == name));

        StringAssert.Contains(Reasons("worker"), "release: no signatures found: registry.example.com/shop/worker has no sha256-");
        StringAssert.Contains(Reasons("legacy-report"), "release: no signature verified: signature 1: signature mismatch");
        Assert.AreEqual("", Reasons("storefront"));
        Assert.AreEqual("", Reasons("cart"));
    }

    [TestMethod]
    public async Task WithoutTheMirrorTheRunWouldGoToTheNetwork()
    {
        // The proxy check above can fail: without the mirror the same run tries to reach registry.example.com.
        var (code, json, stderr, proxied) = await RunThroughProxyAsync(RepoPaths.Root, MainRun);

        Assert.IsTrue(proxied.Any(r => r.Contains("registry.example.com", StringComparison.Ordinal)), "proxied: " + string.Join(", ", proxied));
        // The refused tunnel is a registry error on the images that need it, not a crash of the run.
        Assert.AreEqual(1, code, stderr);
        Assert.IsFalse(stderr.Contains("internal error", StringComparison.Ordinal), stderr);
        StringAssert.Contains(json, "the HTTP proxy refused the connection to registry.example.com");
    }

    [TestMethod]
    public void EveryBlobOfTheLayoutMatchesItsDigestAndEveryReferenceResolves()
    {
        var layout = RepoPaths.Combine("examples", "registry");
        var blobs = Path.Combine(layout, "blobs", "sha256");
        foreach (var file in Directory.GetFiles(blobs))
        {
            Assert.AreEqual(Path.GetFileName(file), Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file))), file);
        }
        Assert.IsLessThan(200 * 1024, Directory.GetFiles(layout, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length));

        using var index = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(layout, "index.json")));
        var tags = new List<string>();
        foreach (var entry in index.RootElement.GetProperty("manifests").EnumerateArray())
        {
            using var manifest = JsonDocument.Parse(ReadDescribed(blobs, entry));
            var m = manifest.RootElement;
            ReadDescribed(blobs, m.GetProperty("config"));
            foreach (var layer in m.GetProperty("layers").EnumerateArray())
            {
                ReadDescribed(blobs, layer);
            }
            if (m.TryGetProperty("subject", out var subject))
            {
                ReadDescribed(blobs, subject);
            }
            if (RefName(entry) is { } tag)
            {
                tags.Add(tag);
            }
        }
        CollectionAssert.IsSubsetOf(TaggedImages, tags);
        Assert.AreEqual(2, tags.Count(t => t.EndsWith(".sig", StringComparison.Ordinal)), string.Join(", ", tags));
    }

    [TestMethod]
    public void PoliciesEmbedTheCommittedTrustMaterial()
    {
        var key = PemBody(File.ReadAllText(RepoPaths.Combine("examples", "trust", "release-key.pub")));
        var ca = PemBody(File.ReadAllText(RepoPaths.Combine("examples", "trust", "platform-ca.crt")));
        string[] keyed = ["quickstart/release-signature.yaml", "current/cosign-keyed.yaml", "current/attestation-intoto.yaml", "seed-era/cosign-keyed.yaml"];
        string[] notary = ["quickstart/payments-notary.yaml", "current/notary.yaml", "seed-era/notary-payload.yaml"];
        foreach (var (files, body) in new[] { (keyed, key), (notary, ca) })
        {
            foreach (var file in files)
            {
                StringAssert.Contains(PemBody(File.ReadAllText(RepoPaths.Combine("examples", "policies", file))), body, file);
            }
        }
        Assert.IsFalse(Directory.GetFiles(RepoPaths.Combine("examples"), "*", SearchOption.AllDirectories)
            .Any(f => File.ReadAllText(f).Contains("PRIVATE KEY", StringComparison.Ordinal)), "a private key is committed under examples/");
    }

    [TestMethod]
    public async Task TheGeneratorMakesALayoutWithTheSameImagesAndVerdicts()
    {
        // Signatures are random (ECDSA), so the committed layout cannot be compared byte for byte with a fresh
        // one; instead a fresh copy must keep the image digests, take new keys, and give the same verdicts.
        var work = Path.Combine(RepoPaths.TestWork, "examples-" + Guid.NewGuid().ToString("N"));
        var copy = Path.Combine(work, "examples");
        CopyFolder(RepoPaths.Combine("examples"), copy);
        foreach (var tool in new[] { "openssl", "xxd", "basenc", "tar", "perl" })
        {
            ExternalTools.Require(tool);
        }
        await ExternalTools.RunAsync("bash", [RepoPaths.Combine("scripts", "make-example-registry.sh"), copy]);

        Assert.AreNotEqual(File.ReadAllText(RepoPaths.Combine("examples", "trust", "release-key.pub")), File.ReadAllText(Path.Combine(copy, "trust", "release-key.pub")));
        CollectionAssert.AreEqual(TaggedDigests(RepoPaths.Combine("examples", "registry")), TaggedDigests(Path.Combine(copy, "registry")));
        var (code, json, stderr, proxied) = await RunThroughProxyAsync(work, [.. MainRun, .. Mirror]);
        Assert.IsEmpty(proxied);
        Assert.AreEqual(1, code, stderr);
        using var report = JsonDocument.Parse(json);
        CollectionAssert.AreEqual(ExpectedVerdicts, Verdicts(report), "\n" + string.Join("\n", Verdicts(report)));
    }

    private static List<string> Verdicts(JsonDocument report) =>
        report.RootElement.GetProperty("results").EnumerateArray().Select(r =>
        {
            var resource = r.GetProperty("resource");
            var ns = resource.GetProperty("namespace").GetString();
            var variant = r.TryGetProperty("autogenVariant", out var v) && v.ValueKind == JsonValueKind.String ? "/" + v.GetString() : "";
            var locations = r.GetProperty("imageLocations").EnumerateArray().Select(l => $"{l.GetProperty("file").GetString()}:{l.GetProperty("line").GetInt32()}").ToList();
            if (locations.Count == 0)
            {
                locations.Add($"{resource.GetProperty("file").GetString()}:{resource.GetProperty("line").GetInt32()}");
            }
            return $"{r.GetProperty("policy").GetString()}{variant} {resource.GetProperty("kind").GetString()} {(ns is null ? "" : ns + "/")}{resource.GetProperty("name").GetString()}: "
                + $"{r.GetProperty("result").GetString()} {r.GetProperty("action").GetString()}{(r.GetProperty("blocking").GetBoolean() ? " blocking" : "")} at {string.Join(' ', locations)}";
        }).ToList();

    /// <summary>Runs the built CLI in <paramref name="workingDirectory"/> with every proxy variable pointing at a
    /// loopback server that refuses and records whatever reaches it.</summary>
    private static async Task<(int Code, string Stdout, string Stderr, List<string> Proxied)> RunThroughProxyAsync(string workingDirectory, string[] args)
    {
        await using var proxy = new LoopbackHttpServer(_ => Task.FromResult(LoopbackResponse.Text(403, "{\"error\":\"offline\"}")));
        var (code, stdout, stderr) = ImageGateProcess.Run(workingDirectory, args, environment =>
        {
            foreach (var name in new[] { "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy" })
            {
                environment[name] = proxy.BaseUri.ToString();
            }
            // Not a CI step: scan would read the platform's inputs and write its workflow commands otherwise.
            foreach (var name in environment.Keys.Where(k => k.StartsWith("GITHUB_", StringComparison.Ordinal) || k.StartsWith("INPUT_", StringComparison.Ordinal)
                || k.StartsWith("RUNNER_", StringComparison.Ordinal) || k.StartsWith("SYSTEM_", StringComparison.Ordinal) || k is "TF_BUILD" or "NO_PROXY" or "no_proxy").ToList())
            {
                environment.Remove(name);
            }
        });
        return (code, stdout, stderr, proxy.Requests.Select(r => $"{r.Method} {r.Target}").ToList());
    }

    private static byte[] ReadDescribed(string blobs, JsonElement descriptor)
    {
        var digest = descriptor.GetProperty("digest").GetString()!;
        var path = Path.Combine(blobs, digest["sha256:".Length..]);
        Assert.IsTrue(File.Exists(path), "missing blob " + digest);
        var bytes = File.ReadAllBytes(path);
        Assert.AreEqual(descriptor.GetProperty("size").GetInt64(), bytes.LongLength, digest);
        return bytes;
    }

    private static List<string> TaggedDigests(string layout)
    {
        using var index = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(layout, "index.json")));
        return index.RootElement.GetProperty("manifests").EnumerateArray()
            .Where(e => TaggedImages.Contains(RefName(e)))
            .Select(e => RefName(e) + "@" + e.GetProperty("digest").GetString())
            .ToList();
    }

    private static string? RefName(JsonElement entry) =>
        entry.TryGetProperty("annotations", out var a) && a.TryGetProperty("org.opencontainers.image.ref.name", out var name) ? name.GetString() : null;

    private static string PemBody(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c) && c != '|'))
        .Replace("-----BEGINPUBLICKEY-----", "").Replace("-----ENDPUBLICKEY-----", "")
        .Replace("-----BEGINCERTIFICATE-----", "").Replace("-----ENDCERTIFICATE-----", "");

    private static void CopyFolder(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
