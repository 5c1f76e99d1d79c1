using System.Text;
using System.Text.Json;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Registry;
using ImageGate.TestSupport.Signing;
using static ImageGate.IntegrationTests.ApplyHarness;

namespace ImageGate.IntegrationTests;

/// <summary>Every case of the sigstore-js fixture matrix that is about an image, pushed to a real registry (legacy
/// <c>.sig</c>/<c>.att</c> tags, bundles as OCI referrers) and checked by <c>imagegate apply</c> with a Kyverno-shaped
/// policy built from the case's policy, in both vocabularies: the verdict equals sigstore-js's, and each rejection
/// carries the case's specific reason.</summary>
[TestClass]
public sealed class ApplyFixtureMatrixTests
{
    /// <summary>Cases that are not about an image, so no registry can carry them, with the reason.</summary>
    private static readonly Dictionary<string, string> NotAnImage = new()
    {
        ["keyless-message"] = "message signature over a file (bundle v0.3), not about an image",
        ["keyless-message-v02"] = "message signature over a file (bundle v0.2), not about an image",
        ["keyless-message-v01"] = "message signature over a file (bundle v0.1), not about an image",
        ["neg-other-artifact"] = "message signature checked against another file, not about an image",
        ["neg-set-other-key"] = "message signature over a file (bundle v0.1); the forged SET runs through apply as neg-legacy-keyless-att-forged-set",
    };

    /// <summary>Regression guard: at least this many cases must run through apply.</summary>
    private const int ExpectedCovered = 42;
    /// <summary>Where apply's reason is more specific than the pure verifier's: the referrer's predicate-type annotation
    /// (written by cosign) already rules the bundle out, so it is never fetched.</summary>
    private static readonly Dictionary<string, string> ApplyReasons = new()
    {
        ["neg-predicate-mismatch"] = "its predicate type https://slsa.dev/provenance/v1 is not https://cyclonedx.org/bom (not fetched)",
    };

    /// <summary>Where explicit trust material changes the first check that fails: <c>ctlog.tsaCertChain</c> makes a signed
    /// timestamp required (as in Kyverno), so a bundle without one is rejected for that, as sigstore-js rejects it.</summary>
    private static readonly Dictionary<string, string> ExplicitTrustReasons = new()
    {
        ["neg-expired-no-timestamp"] = "bundle has no RFC 3161 timestamp, and a signed timestamp is required",
    };

    /// <summary>The predicate-mismatch bundle again, under an annotation that lies about its predicate type.</summary>
    private const string LyingAnnotation = "matrix/lying-predicate-annotation";
    private const string DefaultRoot = "trusted_root.json";
    /// <summary>Regression guard: at least this many cases must also run with explicit PEM trust material.</summary>
    private const int ExpectedExplicitTrust = 25;
    private const string Message = "the image must carry a verified signature";
    private static RegistryFixture registry = null!;
    private static SigstoreFixtureMatrix matrix = null!;
    private static string work = "";
    /// <summary>Case name → the image reference (repository@digest) its signature is attached to.</summary>
    private static readonly Dictionary<string, string> Images = [];

    public static IEnumerable<object[]> ImageCases =>
        SigstoreFixtureMatrix.ExpectedReasons.Keys.Where(n => !NotAnImage.ContainsKey(n)).SelectMany(n => new[] { new object[] { n, false }, [n, true] });

    [ClassInitialize]
    public static async Task Setup(TestContext _)
    {
        registry = await RegistryFixture.StartAsync();
        work = Path.Combine(RepoPaths.TestWork, "fixture-matrix-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        // The same bytes in every repository: one digest, which the generated image cases are about.
        var config = JsonSerializer.SerializeToUtf8Bytes(new { architecture = "amd64", os = "linux", rootfs = new { type = "layers", diff_ids = Array.Empty<string>() } });
        var layer = Encoding.UTF8.GetBytes("fixture matrix " + Guid.NewGuid().ToString("N"));
        var otherLayer = Encoding.UTF8.GetBytes("another image " + Guid.NewGuid().ToString("N"));
        var probe = await registry.PushImageAsync("matrix/probe", "1.0", config, [(layer, "application/vnd.oci.image.layer.v1.tar", null)]);
        matrix = await SigstoreFixtureMatrix.GenerateAsync(Path.Combine(work, "fixtures"), probe.Digest);

        foreach (var c in matrix.Cases)
        {
            var name = c.GetProperty("name").GetString()!;
            if (Expressible(c) is not null)
            {
                continue;
            }
            var repository = "matrix/" + name;
            // A case checked "for another image" attaches its signature to a second image: its digest is not the signed one.
            var forOther = Str(c.GetProperty("policy"), "digest") == matrix.OtherDigest;
            var image = await registry.PushImageAsync(repository, "1.0", config, [(forOther ? otherLayer : layer, "application/vnd.oci.image.layer.v1.tar", null)]);
            Assert.AreEqual(forOther, image.Digest != matrix.ImageDigest, name);
            await AttachAsync(c, repository, image);
            Images[name] = $"{registry.Host}/{repository}@{image.Digest}";
        }
        var lying = await registry.PushImageAsync(LyingAnnotation, "1.0", config, [(layer, "application/vnd.oci.image.layer.v1.tar", null)]);
        var mismatch = matrix.Cases.First(c => c.GetProperty("name").GetString() == "neg-predicate-mismatch");
        await AttachAsync(mismatch, LyingAnnotation, lying, predicateAnnotation: Str(mismatch.GetProperty("policy"), "predicateTypeUri"));
    }

    [ClassCleanup]
    public static async Task Cleanup() => await registry.DisposeAsync();

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Null when the case can be an image in a registry, else why not.</summary>
    private static string? Expressible(JsonElement c)
    {
        var policy = c.GetProperty("policy");
        if (Str(policy, "artifact") is not null)
        {
            return "the policy is about a file, not an image digest";
        }
        return Str(policy, "digest") is { } d && (d == matrix.ImageDigest || d == matrix.OtherDigest) ? null : "the policy names no image digest";
    }

    /// <summary>Pushes the case's signature for <paramref name="image"/> the way cosign stores it.</summary>
    private static async Task AttachAsync(JsonElement c, string repository, PushedManifest image, string? predicateAnnotation = null)
    {
        var sigConfig = JsonSerializer.SerializeToUtf8Bytes(new { architecture = "", os = "", rootfs = new { type = "layers", diff_ids = Array.Empty<string>() }, config = new { } });
        var hex = image.Digest.Replace(':', '-');
        switch (c.GetProperty("kind").GetString())
        {
            case "simple-signing":
                await registry.PushImageAsync(repository, hex + ".sig", sigConfig,
                    [(File.ReadAllBytes(matrix.PathOf(c.GetProperty("payload").GetString()!)), "application/vnd.dev.cosign.simplesigning.v1+json",
                      new Dictionary<string, string> { ["dev.cosignproject.cosign/signature"] = c.GetProperty("signature").GetString()! })]);
                break;
            case "cosign-layer":
                var l = c.GetProperty("layer");
                var mediaType = l.GetProperty("mediaType").GetString()!;
                var annotations = l.GetProperty("annotations").EnumerateObject().ToDictionary(a => a.Name, a => a.Value.GetString()!);
                var suffix = mediaType == "application/vnd.dsse.envelope.v1+json" ? ".att" : ".sig";
                await registry.PushImageAsync(repository, hex + suffix, sigConfig, [(File.ReadAllBytes(matrix.PathOf(l.GetProperty("payload").GetString()!)), mediaType, annotations)]);
                break;
            case "bundle":
                var bytes = File.ReadAllBytes(matrix.PathOf(c.GetProperty("bundle").GetString()!));
                using (var bundle = JsonDocument.Parse(bytes))
                {
                    var bundleType = bundle.RootElement.GetProperty("mediaType").GetString()!;
                    var envelope = bundle.RootElement.GetProperty("dsseEnvelope");
                    using var statement = JsonDocument.Parse(Convert.FromBase64String(envelope.GetProperty("payload").GetString()!));
                    var referrerAnnotations = new Dictionary<string, string>
                    {
                        ["dev.sigstore.bundle.content"] = "dsse-envelope",
                        ["dev.sigstore.bundle.predicateType"] = predicateAnnotation ?? statement.RootElement.GetProperty("predicateType").GetString()!,
                    };
                    await registry.PushReferrerAsync(repository, image, bundleType, bytes, bundleType, referrerAnnotations);
                }
                break;
            default:
                throw new AssertFailedException("unknown case kind " + c.GetProperty("kind"));
        }
    }

    /// <summary>A Kyverno-shaped policy from the case's policy: key (with hashAlgorithm), keyless identity, or certificate;
    /// the inline trusted root or, with <paramref name="explicitTrust"/>, the same trust as <c>keyless.roots</c> and
    /// <c>ctlog.rekorPubKey</c>/<c>ctLogPubKey</c>/<c>tsaCertChain</c> PEM; insecureIgnoreTlog; an in-toto attestation
    /// when the case names a predicate type.</summary>
    private static string Policy(JsonElement c, bool seedEra, bool explicitTrust = false)
    {
        var p = c.GetProperty("policy");
        var root = Str(p, "trustedRoot");
        Assert.IsTrue(!explicitTrust || root == DefaultRoot, "explicit trust material is the PEM form of " + DefaultRoot);
        string Pem(string file) => File.ReadAllText(matrix.PathOf(file));
        var cosign = new StringBuilder();
        if (Str(p, "key") is { } key)
        {
            cosign.Append("      key:\n        data: |\n").Append(Indent(Pem(key), 10)).Append('\n');
            if (Str(p, "hash") is { } hash)
            {
                cosign.Append("        hashAlgorithm: ").Append(hash).Append('\n');
            }
        }
        else if (Str(p, "certificate") is { } cert)
        {
            cosign.Append("      certificate:\n        cert:\n          value: |\n").Append(Indent(Pem(cert), 12)).Append('\n');
            cosign.Append("        certChain:\n          value: |\n").Append(Indent(Pem(Str(p, "certChain")!), 12)).Append('\n');
        }
        else
        {
            cosign.Append("      keyless:\n        identities:\n        - issuer: ").Append(Str(p, "issuer")).Append("\n          subject: ").Append(Str(p, "identity")).Append('\n');
            if (explicitTrust)
            {
                cosign.Append("        roots: |\n").Append(Indent(Pem("fulcio_roots.pem"), 10)).Append('\n');
            }
        }
        var ignoreTlog = p.TryGetProperty("ignoreTlog", out var ignore) && ignore.GetBoolean();
        if (ignoreTlog || explicitTrust)
        {
            cosign.Append("      ctlog:\n");
            if (ignoreTlog)
            {
                cosign.Append("        insecureIgnoreTlog: true\n");
            }
            if (explicitTrust)
            {
                cosign.Append("        rekorPubKey: |\n").Append(Indent(Pem("rekor.pub"), 10)).Append('\n');
                cosign.Append("        ctLogPubKey: |\n").Append(Indent(Pem("ctfe.pub"), 10)).Append('\n');
                cosign.Append("        tsaCertChain: |\n").Append(Indent(Pem("tsa_chain.pem"), 10)).Append('\n');
            }
        }
        if (!explicitTrust && root is not null)
        {
            cosign.Append("      trustedRoot:\n        value: |\n").Append(Indent(Pem(root), 10)).Append('\n');
        }
        var attestor = seedEra ? "['ci']" : "[attestors.ci]";
        var predicate = Str(p, "predicateTypeUri");
        var attestations = predicate is null ? "" : $"  attestations:\n  - name: claim\n    intoto:\n      type: {predicate}\n";
        var check = predicate is null
            ? $"verifyImageSignatures(image, {attestor})"
            : $"verifyAttestationSignatures(image, attestations.claim, {attestor})";
        return $"""
            apiVersion: policies.kyverno.io/{(seedEra ? "v1alpha1" : "v1")}
            kind: ImageValidatingPolicy
            metadata:
              name: fixture-matrix
            spec:
            {MatchPods}
              {(seedEra ? "imageRules" : "matchImageReferences")}:
              - glob: "{registry.Host}/*"
              credentials:
                allowInsecureRegistry: true
              attestors:
              - name: ci
                cosign:

            """ + cosign + attestations + $"""
              validations:
              - expression: images.containers.map(image, {check}).all(e, e > 0)
                message: {Message}

            """;
    }

    [TestMethod]
    public void EveryCaseRunsThroughApplyOrIsListedWithItsReason()
    {
        var names = matrix.Cases.Select(c => c.GetProperty("name").GetString()!).ToList();
        CollectionAssert.AreEquivalent(SigstoreFixtureMatrix.ExpectedReasons.Keys.ToList(), names, "the expectation table must name every generated case");
        foreach (var c in matrix.Cases)
        {
            var name = c.GetProperty("name").GetString()!;
            var why = Expressible(c);
            Assert.AreEqual(why is null, Images.ContainsKey(name), name);
            Assert.AreEqual(why is not null, NotAnImage.ContainsKey(name), $"{name}: {why ?? "runs through apply"}");
            if (why is not null)
            {
                Console.WriteLine($"not through apply: {name}: {NotAnImage[name]}");
            }
        }
        Console.WriteLine($"{Images.Count} of {names.Count} cases run through apply; {NotAnImage.Count} are not about an image");
        Assert.IsGreaterThanOrEqualTo(ExpectedCovered, Images.Count);
    }

    [TestMethod]
    [DynamicData(nameof(ImageCases))]
    public async Task ApplyVerdictEqualsSigstoreJs(string name, bool seedEra)
    {
        var c = matrix.Cases.FirstOrDefault(x => x.GetProperty("name").GetString() == name);
        Assert.AreEqual(JsonValueKind.Object, c.ValueKind, $"case {name} is missing from the generated manifest");
        Assert.IsTrue(Images.TryGetValue(name, out var image), $"case {name} was not pushed: {Expressible(c)}");
        var reference = c.GetProperty("reference");
        var verified = reference.GetProperty("verified").GetBoolean();
        var expected = SigstoreFixtureMatrix.ExpectedReasons[name];
        Assert.AreEqual(expected is null, verified, $"{name}: the expectation table disagrees with sigstore-js ({reference.GetProperty("reason").GetString()})");

        await AssertApplyVerdictAsync(c, Policy(c, seedEra), image, verified, expected is null ? null : ApplyReasons.GetValueOrDefault(name, expected));
    }

    [TestMethod]
    public async Task ExplicitTrustMaterialGivesTheSameVerdicts()
    {
        // The cases trusting the mock's whole root, again with that trust as PEM fields (the PEM files hold the same keys).
        var covered = 0;
        foreach (var c in matrix.Cases.Where(c => Str(c.GetProperty("policy"), "trustedRoot") == DefaultRoot))
        {
            var name = c.GetProperty("name").GetString()!;
            if (!Images.TryGetValue(name, out var image))
            {
                Assert.IsTrue(NotAnImage.ContainsKey(name), name);
                continue;
            }
            var expected = SigstoreFixtureMatrix.ExpectedReasons[name];
            await AssertApplyVerdictAsync(c, Policy(c, seedEra: false, explicitTrust: true), image, c.GetProperty("reference").GetProperty("verified").GetBoolean(),
                expected is null ? null : ExplicitTrustReasons.GetValueOrDefault(name, ApplyReasons.GetValueOrDefault(name, expected)));
            covered++;
        }
        Console.WriteLine($"{covered} cases run with explicit PEM trust material");
        Assert.IsGreaterThanOrEqualTo(ExpectedExplicitTrust, covered);
    }

    /// <summary>Applies <paramref name="policy"/> to <paramref name="image"/>: sigstore-js's verdict, and for a rejection the
    /// policy's message and the attestor's <paramref name="expected"/> reason.</summary>
    private static async Task AssertApplyVerdictAsync(JsonElement c, string policy, string image, bool verified, string? expected)
    {
        var name = c.GetProperty("name").GetString()!;
        var reference = c.GetProperty("reference");
        var (code, results, _) = await ApplyAsync(registry, work, policy, image);
        Assert.HasCount(1, results);
        var result = results[0];
        var context = $"{name} ({c.GetProperty("description").GetString()}): sigstore-js={(verified ? "verified" : reference.GetProperty("reason").GetString())}\n{result}";
        Assert.AreEqual(verified ? "pass" : "fail", result.GetProperty("result").GetString(), context);
        Assert.AreEqual(verified ? 0 : 1, code, context);
        if (expected is not null)
        {
            Assert.AreEqual(Message, result.GetProperty("message").GetString(), context);
            StringAssert.Contains(Reasons(result), "ci: ", context);
            StringAssert.Contains(Reasons(result), expected, context);
        }
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public async Task PredicateTypeIsCheckedInThePayloadWhenTheAnnotationLies(bool seedEra)
    {
        var c = matrix.Cases.First(x => x.GetProperty("name").GetString() == "neg-predicate-mismatch");
        var (code, results, _) = await ApplyAsync(registry, work, Policy(c, seedEra), $"{registry.Host}/{LyingAnnotation}:1.0");
        Assert.HasCount(1, results);
        Assert.AreEqual("fail", results[0].GetProperty("result").GetString(), results[0].ToString());
        Assert.AreEqual(1, code);
        StringAssert.Contains(Reasons(results[0]), SigstoreFixtureMatrix.ExpectedReasons["neg-predicate-mismatch"]!, results[0].ToString());
    }
}
