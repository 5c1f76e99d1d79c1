using System.Text;
using System.Text.Json;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Registry;
using ImageGate.TestSupport.Signing;
using static ImageGate.IntegrationTests.ApplyHarness;

namespace ImageGate.IntegrationTests;

/// <summary><c>imagegate apply</c> with Kyverno-shaped keyless Cosign policies in both vocabularies, against one image
/// signed by sigstore-js through @sigstore/mock's Fulcio, Rekor and TSA: Sigstore bundles (signature and SLSA provenance)
/// attached as OCI referrers, and the legacy <c>.sig</c> tag layout.</summary>
[TestClass]
public sealed class ApplyKeylessTests
{
    private const string Bundles = "ci/bundles";
    private const string Legacy = "ci/legacy";
    private const string OtherSubject = "ci/other-subject";
    private const string Tampered = "ci/tampered";
    private const string KeyBundle = "ci/key-bundle";
    private const string SignatureMessage = "images must be signed by the release workflow";
    private const string ProvenanceMessage = "provenance is missing or not signed by the release workflow";
    private const string SignPredicate = "https://sigstore.dev/cosign/sign/v1";
    private const string ProvenancePredicate = "https://slsa.dev/provenance/v1";
    private static RegistryFixture registry = null!;
    private static SigstoreImageFixtures signed = null!;
    private static string work = "";
    private static string imageDigest = "";
    private const string Evil = "https://github.com/evil/app/.github/workflows/release.yml@refs/heads/main";

    [ClassInitialize]
    public static async Task Setup(TestContext _)
    {
        registry = await RegistryFixture.StartAsync();
        work = Path.Combine(RepoPaths.TestWork, "keyless-apply-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        // The same bytes in every repository: one digest, signed once.
        var config = JsonSerializer.SerializeToUtf8Bytes(new { architecture = "amd64", os = "linux", rootfs = new { type = "layers", diff_ids = Array.Empty<string>() } });
        var layer = Encoding.UTF8.GetBytes("keyless " + Guid.NewGuid().ToString("N"));
        var images = new Dictionary<string, PushedManifest>();
        foreach (var repository in new[] { Legacy, Bundles, OtherSubject, Tampered, KeyBundle })
        {
            images[repository] = await registry.PushImageAsync(repository, "1.0", config, [(layer, "application/vnd.oci.image.layer.v1.tar", null)]);
        }
        var image = images[Legacy];
        imageDigest = image.Digest;
        signed = await SigstoreImageFixtures.GenerateAsync(Path.Combine(work, "sigstore"), image.Digest, $"{registry.Host}/{Legacy}");

        await signed.AttachBundleAsync(registry, Bundles, image, "bundle-sign.json", SignPredicate);
        await signed.AttachBundleAsync(registry, Bundles, image, "bundle-provenance.json", ProvenancePredicate);
        await signed.AttachBundleAsync(registry, OtherSubject, image, "bundle-other-subject.json", SignPredicate);
        await signed.AttachBundleAsync(registry, KeyBundle, image, "bundle-key-sign.json", SignPredicate);
        await signed.AttachBundleAsync(registry, Tampered, image, await signed.WriteTamperedBundleAsync(image.Digest), SignPredicate);

        // cosign's legacy layout: a sha256-<hex>.sig image whose layer is the simple-signing payload, annotated.
        var annotations = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(signed.PathOf("keyless-sig.annotations.json")))!;
        var payload = await File.ReadAllBytesAsync(signed.PathOf("keyless-sig.payload.json"));
        var sigConfig = JsonSerializer.SerializeToUtf8Bytes(new { architecture = "", os = "", rootfs = new { type = "layers", diff_ids = Array.Empty<string>() }, config = new { } });
        await registry.PushImageAsync(Legacy, image.Digest.Replace(':', '-') + ".sig", sigConfig, [(payload, "application/vnd.dev.cosign.simplesigning.v1+json", annotations)]);
    }

    [ClassCleanup]
    public static async Task Cleanup() => await registry.DisposeAsync();

    private static string Image(string repository) => $"{registry.Host}/{repository}:1.0";

    /// <summary>A keyless policy trusting the mock's root, in the current (<c>v1</c>) or the seed (<c>v1alpha1</c>)
    /// vocabulary; with <paramref name="provenance"/>, it also requires the signed SLSA provenance and reads its builder.</summary>
    private static string Policy(bool seedEra, bool provenance, string? subject = null)
    {
        var attestor = seedEra ? "['ci']" : "[attestors.ci]";
        var extract = seedEra ? "payload" : "extractPayload";
        var provenanceChecks = !provenance ? "" : $$"""

              - expression: images.containers.map(image, verifyAttestationSignatures(image, attestations.provenance, {{attestor}})).all(e, e > 0)
                message: {{ProvenanceMessage}}
              - expression: images.containers.map(image, {{extract}}(image, attestations.provenance).predicate.runDetails.builder.id == 'https://example.com/builder').all(e, e)
                message: provenance was not produced by the example builder
            """;
        return $$"""
            apiVersion: policies.kyverno.io/{{(seedEra ? "v1alpha1" : "v1")}}
            kind: ImageValidatingPolicy
            metadata:
              name: release-workflow
            spec:
            {{MatchPods}}
              {{(seedEra ? "imageRules" : "matchImageReferences")}}:
              - glob: "{{registry.Host}}/*"
              credentials:
                allowInsecureRegistry: true
              attestors:
              - name: ci
                cosign:
                  keyless:
                    identities:
                    - issuer: {{signed.Issuer}}
                      subject: {{subject ?? signed.Subject}}
                  trustedRoot:
                    value: |
            {{Indent(signed.TrustedRootJson, 10)}}
              attestations:
              - name: provenance
                intoto:
                  type: {{ProvenancePredicate}}
              validations:
              - expression: images.containers.map(image, verifyImageSignatures(image, {{attestor}})).all(e, e > 0)
                message: {{SignatureMessage}}{{provenanceChecks}}
            """;
    }

    private static async Task<(int Code, JsonElement Result, IReadOnlyList<AccessLogEntry> Requests)> ApplyOneAsync(string policy, string repository)
    {
        var (code, results, requests) = await ApplyAsync(registry, work, policy, Image(repository));
        Assert.HasCount(1, results);
        return (code, results[0], requests);
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public async Task BundleSignatureAndProvenanceAttestationPass(bool seedEra)
    {
        var (code, result, requests) = await ApplyOneAsync(Policy(seedEra, provenance: true), Bundles);
        Assert.AreEqual("pass", result.GetProperty("result").GetString(), result.ToString());
        Assert.AreEqual(0, code);
        Console.WriteLine($"keyless bundles, signature + provenance: {requests.Count} requests: {Describe(requests)}");
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public async Task LegacyKeylessSignaturePasses(bool seedEra)
    {
        var (code, result, requests) = await ApplyOneAsync(Policy(seedEra, provenance: false), Legacy);
        Assert.AreEqual("pass", result.GetProperty("result").GetString(), result.ToString());
        Assert.AreEqual(0, code);
        Console.WriteLine($"keyless legacy signature: {requests.Count} requests: {Describe(requests)}");
    }

    [TestMethod]
    [DataRow(Bundles, false)]
    [DataRow(Bundles, true)]
    [DataRow(Legacy, false)]
    public async Task WrongIdentityFailsWithTheReason(string repository, bool seedEra)
    {
        var (code, result, _) = await ApplyOneAsync(Policy(seedEra, provenance: false, subject: Evil), repository);
        Assert.AreEqual(1, code);
        Assert.AreEqual("fail", result.GetProperty("result").GetString(), result.ToString());
        Assert.AreEqual(SignatureMessage, result.GetProperty("message").GetString());
        var reasons = Reasons(result);
        StringAssert.Contains(reasons, "ci: no signature verified: " + (repository == Bundles ? "bundle sha256:" : "signature 1: "));
        StringAssert.Contains(reasons, "evil");
    }

    [TestMethod]
    public async Task BundleAboutAnotherImageFails()
    {
        var (code, result, _) = await ApplyOneAsync(Policy(seedEra: false, provenance: false), OtherSubject);
        Assert.AreEqual(1, code);
        Assert.AreEqual("fail", result.GetProperty("result").GetString(), result.ToString());
        StringAssert.Contains(Reasons(result), "no matching subject digest found");
    }

    [TestMethod]
    public async Task MissingProvenanceFailsTheAttestationCheck()
    {
        // The legacy repository has a keyless signature but no provenance bundle.
        var (code, result, _) = await ApplyOneAsync(Policy(seedEra: false, provenance: true), Legacy);
        Assert.AreEqual(1, code);
        Assert.AreEqual("fail", result.GetProperty("result").GetString(), result.ToString());
        Assert.AreEqual(ProvenanceMessage, result.GetProperty("message").GetString());
        StringAssert.Contains(Reasons(result), "ci: ");
    }

    [TestMethod]
    public async Task RequestsMatchTheMinimumAndASecondPolicyAddsNone()
    {
        // Not pinned, so the digest requirement (a webhook-side check) is off.
        var policy = Policy(seedEra: false, provenance: false).Replace("  credentials:", "  validationConfigurations:\n    verifyDigest: false\n  credentials:");
        var second = policy + "\n---\n" + policy.Replace("name: release-workflow", "name: release-workflow-again");
        // By tag without pinning: HEAD manifest, GET .sig manifest, GET its one layer.
        var legacy = await ApplyAsync(registry, work, policy, Image(Legacy), "--no-resolve-digests");
        Assert.AreEqual("pass", legacy.Results[0].GetProperty("result").GetString(), legacy.Results[0].ToString());
        Assert.HasCount(3, legacy.Requests, Describe(legacy.Requests));
        var legacyTwice = await ApplyAsync(registry, work, second, Image(Legacy), "--no-resolve-digests");
        Assert.HasCount(2, legacyTwice.Results);
        Assert.HasCount(3, legacyTwice.Requests, Describe(legacyTwice.Requests));

        // Bundles, no referrers API: HEAD, .sig (404), referrers (404), fallback index, then manifest + blob per bundle
        // that can be an image signature (the provenance bundle's annotation rules it out).
        var bundles = await ApplyAsync(registry, work, second, Image(Bundles), "--no-resolve-digests");
        Assert.IsTrue(bundles.Results.All(r => r.GetProperty("result").GetString() == "pass"), string.Join("\n", bundles.Results));
        Console.WriteLine($"keyless bundles, two policies: {bundles.Requests.Count} requests: {Describe(bundles.Requests)}");
        Assert.IsLessThanOrEqualTo(7, bundles.Requests.Count, Describe(bundles.Requests));
    }

    [TestMethod]
    [DataRow(Bundles, "bundle-sign.json", false, true, "")]
    [DataRow(Bundles, "bundle-sign.json", true, false, "certificate identity mismatch")]
    [DataRow(OtherSubject, "bundle-other-subject.json", false, false, "no matching subject digest found")]
    [DataRow(Tampered, "bundle-tampered.json", false, false, "DSSE envelope signature mismatch")]
    public async Task VerdictEqualsSigstoreJs(string repository, string bundle, bool wrongIdentity, bool expected, string reason)
    {
        var subject = wrongIdentity ? Evil : signed.Subject;
        var reference = await signed.ReferenceVerdictAsync(bundle, subject, imageDigest);
        Assert.AreEqual(expected, reference.Verified, "sigstore-js: " + reference.Reason);
        var (_, result, _) = await ApplyOneAsync(Policy(seedEra: false, provenance: false, subject: subject), repository);
        Assert.AreEqual(reference.Verified ? "pass" : "fail", result.GetProperty("result").GetString(), $"sigstore-js: {reference.Reason}\n{result}");
        StringAssert.Contains(Reasons(result), reason);
    }

    [TestMethod]
    [DataRow(Bundles, "bundle sha256:")]
    [DataRow(Legacy, "signature 1: transparency log verification failed: ")]
    public async Task UntrustedRootFails(string repository, string reasonStart)
    {
        // Without the mock's trusted root the embedded public-good root applies, and the mock Fulcio is not in it.
        var policy = Policy(seedEra: false, provenance: false);
        var withoutRoot = policy[..policy.IndexOf("      trustedRoot:", StringComparison.Ordinal)] + policy[policy.IndexOf("  attestations:", StringComparison.Ordinal)..];
        var (code, result, _) = await ApplyOneAsync(withoutRoot, repository);
        Assert.AreEqual(1, code);
        Assert.AreEqual("fail", result.GetProperty("result").GetString(), result.ToString());
        StringAssert.Contains(Reasons(result), "ci: no signature verified: " + reasonStart);
        StringAssert.Contains(Reasons(result), "transparency log entry from unknown log");
    }

    [TestMethod]
    public async Task KeySignedBundleWithTransparencyLogPassesOnlyWithItsKey()
    {
        // The same policy with a key attestor instead of keyless identities; the log and TSA are the mock's.
        var keyless = Policy(seedEra: false, provenance: false);
        var start = keyless.IndexOf("      keyless:", StringComparison.Ordinal);
        var end = keyless.IndexOf("      trustedRoot:", StringComparison.Ordinal);
        string WithKey(string pem) => keyless[..start] + "      key:\n          data: |\n" + Indent(pem, 12) + "\n" + keyless[end..];

        var (code, result, _) = await ApplyOneAsync(WithKey(await File.ReadAllTextAsync(signed.PathOf("key.pub"))), KeyBundle);
        Assert.AreEqual("pass", result.GetProperty("result").GetString(), result.ToString());
        Assert.AreEqual(0, code);

        var otherKey = Path.Combine(work, "other.key");
        await ExternalTools.RunAsync("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", otherKey]);
        var (otherCode, otherResult, _) = await ApplyOneAsync(WithKey(await ExternalTools.RunAsync("openssl", ["pkey", "-in", otherKey, "-pubout"])), KeyBundle);
        Assert.AreEqual(1, otherCode);
        Assert.AreEqual("fail", otherResult.GetProperty("result").GetString(), otherResult.ToString());
        StringAssert.Contains(Reasons(otherResult), "ci: no signature verified: bundle sha256:");
        StringAssert.Contains(Reasons(otherResult), "DSSE envelope signature mismatch");
    }
}
