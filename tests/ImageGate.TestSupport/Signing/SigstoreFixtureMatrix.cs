using System.Text.Json;

namespace ImageGate.TestSupport.Signing;

/// <summary>The sigstore-js fixture matrix (tests/fixtures/sigstore/generate.js): every case with its policy and
/// sigstore-js's verdict, made for a given image digest so the image cases can be pushed to a registry.</summary>
public sealed class SigstoreFixtureMatrix
{
    private SigstoreFixtureMatrix(string directory, JsonDocument manifest)
    {
        Directory = directory;
        Manifest = manifest.RootElement;
    }

    /// <summary>Case name → the specific reason a rejection must carry (null: the case must verify).</summary>
    public static IReadOnlyDictionary<string, string?> ExpectedReasons { get; } = new Dictionary<string, string?>
    {
        ["keyless-dsse-sign"] = null,
        ["keyless-dsse-provenance"] = null,
        ["keyless-intoto-v01"] = null,
        ["keyless-message"] = null,
        ["keyless-message-v02"] = null,
        ["keyless-message-v01"] = null,
        ["key-dsse"] = null,
        ["keyless-rekor-v2-dsse"] = null,
        ["neg-rekor-v2-other-signature"] = "transparency log entry does not match the signature: different DSSE signature",
        ["neg-wrong-key"] = "DSSE envelope signature mismatch: the ECDSA P-256 signature does not verify with the given key",
        ["neg-wrong-subject"] = "certificate identity mismatch: subject \"https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main\" does not match \"https://github.com/evil/app\"",
        ["neg-wrong-issuer"] = "certificate issuer mismatch: issuer \"https://token.actions.githubusercontent.com\" does not match \"https://accounts.google.com\"",
        ["neg-other-digest"] = "no matching subject digest found",
        ["neg-other-artifact"] = "artifact digest mismatch",
        ["neg-tampered-payload"] = "DSSE envelope signature mismatch",
        ["neg-tampered-certificate"] = "signing certificate does not chain to a trusted root",
        ["neg-expired-no-timestamp"] = "signing certificate expired or not yet valid",
        ["neg-untrusted-root"] = "signing certificate does not chain to a trusted root",
        ["neg-set-other-key"] = "signed entry timestamp does not verify with the key of transparency log",
        ["neg-proof-other-tree"] = "inclusion proof does not match the root hash",
        ["neg-sct-unknown-log"] = "embedded SCT verification failed: SCT from unknown CT log",
        ["neg-predicate-mismatch"] = "predicate type mismatch: required predicate type https://cyclonedx.org/bom not found, found [https://slsa.dev/provenance/v1]",
        ["neg-dsse-subject"] = "no matching subject digest found",
        ["key-p256"] = null,
        ["key-p384"] = null,
        ["key-p384-sha384"] = null,
        ["neg-key-p384-sha384-default-hash"] = "signature mismatch: the ECDSA P-384 signature does not verify with the given key and hash SHA256",
        ["key-p521-sha512"] = null,
        ["key-rsa2048"] = null,
        ["neg-key-rsa-pss"] = "RSA-PSS signature rejected",
        ["key-ed25519"] = null,
        ["neg-key-wrong-key"] = "signature mismatch: the ECDSA P-384 signature does not verify",
        ["neg-key-other-digest"] = "invalid or missing digest in claim",
        ["neg-key-tampered-payload"] = "signature mismatch: the ECDSA P-256 signature does not verify",
        ["legacy-keyless-sig"] = null,
        ["neg-legacy-keyless-wrong-subject"] = "certificate identity mismatch: subject \"https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main\" does not match \"https://github.com/evil/app\"",
        ["neg-legacy-keyless-other-digest"] = "invalid or missing digest in claim: signed digest",
        ["legacy-key-tlog-sig"] = null,
        ["neg-legacy-key-tlog-required"] = "cosign signature layer has no transparency log entry, and the transparency log is required",
        ["legacy-cert-attestor"] = null,
        ["legacy-key-att"] = null,
        ["legacy-keyless-att"] = null,
        ["neg-legacy-keyless-att-forged-set"] = "transparency log verification failed: signed entry timestamp does not verify",
        ["neg-legacy-key-att-predicate"] = "predicate type mismatch: required predicate type https://slsa.dev/provenance/v1 not found, found [https://cyclonedx.org/bom]",
        ["neg-legacy-key-att-other-digest"] = "no matching subject digest found",
        ["neg-legacy-key-att-wrong-key"] = "DSSE envelope signature mismatch",
        ["neg-legacy-cert-attestor-other-cert"] = "signature mismatch: the ECDSA P-256 signature does not verify",
    };

    /// <summary>The folder holding the generated files.</summary>
    public string Directory { get; }
    /// <summary>The generated manifest.json (imageDigest, otherDigest, identity, issuer, cases).</summary>
    public JsonElement Manifest { get; }
    /// <summary>The digest the image cases are about.</summary>
    public string ImageDigest => Manifest.GetProperty("imageDigest").GetString()!;
    /// <summary>The digest of "another image" in the negative cases.</summary>
    public string OtherDigest => Manifest.GetProperty("otherDigest").GetString()!;
    /// <summary>Every generated case.</summary>
    public IEnumerable<JsonElement> Cases => Manifest.GetProperty("cases").EnumerateArray();

    /// <summary>A generated file's path.</summary>
    public string PathOf(string file) => Path.Combine(Directory, file);

    /// <summary>Runs generate.js into <paramref name="directory"/> with its image cases about <paramref name="imageDigest"/>;
    /// fails with a setup hint when sigstore-js is not installed.</summary>
    public static async Task<SigstoreFixtureMatrix> GenerateAsync(string directory, string imageDigest)
    {
        await SigstoreImageFixtures.RunNodeAsync(RepoPaths.Combine("tests", "fixtures", "sigstore", "generate.js"), directory, imageDigest).ConfigureAwait(false);
        var manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(directory, "manifest.json")).ConfigureAwait(false));
        var matrix = new SigstoreFixtureMatrix(directory, manifest);
        if (matrix.ImageDigest != imageDigest)
        {
            throw new InvalidOperationException($"generate.js made its cases about {matrix.ImageDigest}, not {imageDigest}");
        }
        return matrix;
    }
}
