using System.Text;
using System.Text.Json;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Registry;
using ImageGate.TestSupport.Signing;
using static ImageGate.IntegrationTests.ApplyHarness;

namespace ImageGate.IntegrationTests;

/// <summary><c>imagegate apply</c> with Kyverno-shaped Notary policies in both vocabularies, against images in a real
/// registry signed with openssl-made JWS and System.Security.Cryptography.Cose envelopes, each carrying a CycloneDX
/// SBOM referrer with its own Notary signature.</summary>
[TestClass]
public sealed class ApplyNotaryTests
{
    private const string SbomType = "application/vnd.cyclonedx+json";
    private const string SignatureMessage = "failed to verify image with notary cert";
    private const string SbomMessage = "the SBOM is missing or not signed by the platform CA";
    private static RegistryFixture registry = null!;
    private static NotaryPki pki = null!;
    private static string work = "";

    [ClassInitialize]
    public static async Task Setup(TestContext _)
    {
        registry = await RegistryFixture.StartAsync();
        work = Path.Combine(RepoPaths.TestWork, "notary-apply-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        pki = await NotaryPki.GenerateAsync(Path.Combine(work, "pki"));
        await PushAsync("notary/jws", await pki.BytesAsync("jws/valid-ps256.jws"), NotaryPki.JwsMediaType, trustedSbom: true);
        await PushAsync("notary/cose", await pki.CoseAsync(), NotaryPki.CoseMediaType, trustedSbom: true);
        await PushAsync("notary/tampered", await pki.BytesAsync("jws/bad-tampered-payload.jws"), NotaryPki.JwsMediaType, trustedSbom: true);
        await PushAsync("notary/untrusted-sbom", await pki.BytesAsync("jws/valid-ps256.jws"), NotaryPki.JwsMediaType, trustedSbom: false);
    }

    [ClassCleanup]
    public static async Task Cleanup()
    {
        await pki.DisposeAsync();
        await registry.DisposeAsync();
    }

    /// <summary>Pushes the fixture target as <paramref name="repository"/>:v1 with its signature and a CycloneDX SBOM
    /// referrer signed by the trusted chain or by a self-signed leaf.</summary>
    private static async Task PushAsync(string repository, byte[] envelope, string mediaType, bool trustedSbom)
    {
        var target = await pki.PushTargetAsync(registry, repository);
        await NotaryPki.AttachSignatureAsync(registry, repository, target, envelope, mediaType);
        var sbom = await registry.PushReferrerAsync(repository, target, SbomType,
            Encoding.UTF8.GetBytes("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[]}"), SbomType);
        var sbomSignature = trustedSbom
            ? await pki.JwsAsync(sbom, "leaf", "PS256", "leaf", "intermediate", "root")
            : await pki.JwsAsync(sbom, "selfleaf", "PS384", "selfleaf");
        await NotaryPki.AttachSignatureAsync(registry, repository, sbom, sbomSignature);
    }

    private static string Image(string repository) => $"{registry.Host}/{repository}:v1";

    /// <summary>The Notary SBOM policy of the examples, in the current (<c>v1</c>) or the seed (<c>v1alpha1</c>) vocabulary.</summary>
    private static async Task<string> PolicyAsync(bool seedEra, string trustedRoot = "root", string name = "notary-sbom", string? tsaRoot = null)
    {
        var pem = await pki.PemAsync(trustedRoot);
        var head = seedEra ? "v1alpha1" : "v1";
        var images = seedEra ? "imageRules" : "matchImageReferences";
        string Certificates(string field, string text) => seedEra ? field + ": |\n" + Indent(text, 8) : field + ":\n        value: |\n" + Indent(text, 10);
        var certs = Certificates("certs", pem) + (tsaRoot is null ? "" : "\n      " + Certificates("tsaCerts", await pki.PemAsync(tsaRoot)));
        var attestor = seedEra ? "['platform']" : "[attestors.platform]";
        var extract = seedEra ? "payload" : "extractPayload";
        return $$"""
            apiVersion: policies.kyverno.io/{{head}}
            kind: ImageValidatingPolicy
            metadata:
              name: {{name}}
            spec:
            {{MatchPods}}
              {{images}}:
              - glob: "{{registry.Host}}/*"
              credentials:
                allowInsecureRegistry: true
              attestors:
              - name: platform
                notary:
                  {{certs}}
              attestations:
              - name: sbom
                referrer:
                  type: {{SbomType}}
              validations:
              - expression: images.containers.map(image, verifyImageSignatures(image, {{attestor}})).all(e, e > 0)
                message: {{SignatureMessage}}
              - expression: images.containers.map(image, verifyAttestationSignatures(image, attestations.sbom, {{attestor}})).all(e, e > 0)
                message: {{SbomMessage}}
              - expression: images.containers.map(image, {{extract}}(image, attestations.sbom).bomFormat == 'CycloneDX').all(e, e)
                message: the SBOM is not CycloneDX
            """;
    }

    private static async Task<(int Code, JsonElement Result)> ApplyOneAsync(string policy, string repository)
    {
        var (code, results, _) = await ApplyAsync(registry, work, policy, Image(repository));
        Assert.HasCount(1, results);
        return (code, results[0]);
    }

    [TestMethod]
    [DataRow("notary/jws", false)]
    [DataRow("notary/jws", true)]
    [DataRow("notary/cose", false)]
    [DataRow("notary/cose", true)]
    public async Task SignedImageWithSignedCycloneDxSbomPasses(string repository, bool seedEra)
    {
        var (code, result) = await ApplyOneAsync(await PolicyAsync(seedEra), repository);
        Assert.AreEqual("pass", result.GetProperty("result").GetString(), result.ToString());
        Assert.AreEqual(0, code);
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public async Task TamperedPayloadFailsWithTheIntegrityReason(bool seedEra)
    {
        var (code, result) = await ApplyOneAsync(await PolicyAsync(seedEra), "notary/tampered");
        Assert.AreEqual(1, code);
        Assert.AreEqual("fail", result.GetProperty("result").GetString(), result.ToString());
        Assert.AreEqual(SignatureMessage, result.GetProperty("message").GetString());
        var reasons = Reasons(result);
        StringAssert.Contains(reasons, "platform: no Notary signature verified: signature sha256:");
        StringAssert.Contains(reasons, "signature integrity");
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public async Task WrongRootFailsWithTheAuthenticityReason(bool seedEra)
    {
        var (code, result) = await ApplyOneAsync(await PolicyAsync(seedEra, trustedRoot: "otherroot"), "notary/jws");
        Assert.AreEqual(1, code);
        Assert.AreEqual("fail", result.GetProperty("result").GetString(), result.ToString());
        Assert.AreEqual(SignatureMessage, result.GetProperty("message").GetString());
        StringAssert.Contains(Reasons(result), "signature authenticity");
    }

    [TestMethod]
    public async Task SbomSignedByAnUntrustedChainFailsTheAttestationCheck()
    {
        var (code, result) = await ApplyOneAsync(await PolicyAsync(seedEra: false), "notary/untrusted-sbom");
        Assert.AreEqual(1, code);
        Assert.AreEqual("fail", result.GetProperty("result").GetString(), result.ToString());
        Assert.AreEqual(SbomMessage, result.GetProperty("message").GetString());
        StringAssert.Contains(Reasons(result), "signature authenticity");
    }

    [TestMethod]
    public async Task SbomPayloadOfAnUntrustedReferrerIsNeverExtracted()
    {
        // Only the payload check: an SBOM whose signature does not verify must not reach extractPayload.
        var policy = (await PolicyAsync(seedEra: false)).Replace("verifyImageSignatures(image, [attestors.platform])).all(e, e > 0)", "true).all(e, e)")
            .Replace("verifyAttestationSignatures(image, attestations.sbom, [attestors.platform])).all(e, e > 0)", "true).all(e, e)");
        var (code, result) = await ApplyOneAsync(policy, "notary/untrusted-sbom");
        Assert.AreEqual("error", result.GetProperty("result").GetString(), result.ToString());
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(result.GetProperty("message").GetString(), "no verified sbom attestation for " + Image("notary/untrusted-sbom") + "@sha256:");
    }

    [TestMethod]
    public async Task RequestsForOneImageAndOneAttestorAndNoneForASecondPolicy()
    {
        var single = (await PolicyAsync(seedEra: false)).Split("  - expression: images.containers.map(image, verifyAttestationSignatures")[0];
        var one = await ApplyAsync(registry, work, single, Image("notary/jws"));
        Assert.AreEqual("pass", one.Results[0].GetProperty("result").GetString(), one.Results[0].ToString());
        var second = single.Replace("name: notary-sbom", "name: notary-sbom-again");
        var two = await ApplyAsync(registry, work, single + "\n---\n" + second, Image("notary/jws"));
        Assert.HasCount(2, two.Results);
        Assert.IsTrue(two.Results.All(r => r.GetProperty("result").GetString() == "pass"), string.Join("\n", two.Results));
        Console.WriteLine($"notary apply, one image, one attestor: {one.Requests.Count} requests: {Describe(one.Requests)}");
        Assert.AreEqual(one.Requests.Count, two.Requests.Count, Describe(two.Requests));

        // Without pinning (and so without the digest requirement): the signature check alone.
        var unpinned = single.Replace("  credentials:", "  validationConfigurations:\n    verifyDigest: false\n  credentials:");
        var plain = await ApplyAsync(registry, work, unpinned, Image("notary/jws"), "--no-resolve-digests");
        Assert.AreEqual("pass", plain.Results[0].GetProperty("result").GetString(), plain.Results[0].ToString());
        Console.WriteLine($"notary apply, one image, one attestor, not pinned: {plain.Requests.Count} requests: {Describe(plain.Requests)}");
        // HEAD by tag, referrers API (404 on registry 2.8), fallback tag index, signature manifest, envelope blob.
        Assert.HasCount(5, plain.Requests, Describe(plain.Requests));

        var full = await ApplyAsync(registry, work, await PolicyAsync(seedEra: false), Image("notary/jws"));
        Assert.AreEqual("pass", full.Results[0].GetProperty("result").GetString(), full.Results[0].ToString());
        Console.WriteLine($"notary apply with the SBOM attestation: {full.Requests.Count} requests: {Describe(full.Requests)}");
        // The image's referrers (listed once) lead to the SBOM; its own referrers, signature manifest and envelope, then the SBOM itself.
        Assert.IsLessThanOrEqualTo(12, full.Requests.Count, Describe(full.Requests));
    }

    [TestMethod]
    [DataRow("bad-unknown-critical.jws", "io.example.mustUnderstand", null)]
    [DataRow("bad-signing-authority.jws", "signingAuthority", null)]
    [DataRow("bad-expired-leaf.jws", "is not valid at verification time", null)]
    [DataRow("bad-serverauth.jws", "signature authenticity", null)]
    [DataRow("bad-crl-revoked.jws", "revoked", null)]
    [DataRow("bad-timestamp-after-leaf.jws", "is after the validity of certificate", "tsaroot")]
    public async Task RejectedSignaturesFailWithTheirReason(string envelope, string reason, string? tsaRoot)
    {
        var repository = "notary/neg-" + envelope.Replace(".jws", "");
        var target = await pki.PushTargetAsync(registry, repository);
        await NotaryPki.AttachSignatureAsync(registry, repository, target, await pki.BytesAsync("jws/" + envelope));
        var crlRequests = pki.CrlRequests;
        foreach (var seedEra in new[] { false, true })
        {
            var (code, result) = await ApplyOneAsync(await PolicyAsync(seedEra, tsaRoot: tsaRoot), repository);
            Assert.AreEqual(1, code);
            Assert.AreEqual("fail", result.GetProperty("result").GetString(), result.ToString());
            Assert.AreEqual(SignatureMessage, result.GetProperty("message").GetString());
            var reasons = Reasons(result);
            StringAssert.Contains(reasons, "platform: no Notary signature verified: signature sha256:");
            StringAssert.Contains(reasons, reason);
        }
        if (envelope.Contains("crl", StringComparison.Ordinal))
        {
            // Revocation is checked online by default: the CRL came from the loopback server the leaf names.
            Assert.IsGreaterThan(crlRequests, pki.CrlRequests);
        }
    }

    [TestMethod]
    public async Task TimestampedSignatureVerifiesWithTsaCerts()
    {
        const string repository = "notary/timestamped";
        var target = await pki.PushTargetAsync(registry, repository);
        await NotaryPki.AttachSignatureAsync(registry, repository, target, await pki.BytesAsync("jws/valid-ps256-timestamped.jws"));
        foreach (var seedEra in new[] { false, true })
        {
            var single = (await PolicyAsync(seedEra, tsaRoot: "tsaroot")).Split("  - expression: images.containers.map(image, verifyAttestationSignatures")[0];
            var (code, result) = await ApplyOneAsync(single, repository);
            Assert.AreEqual("pass", result.GetProperty("result").GetString(), result.ToString());
            Assert.AreEqual(0, code);
        }
    }
}
