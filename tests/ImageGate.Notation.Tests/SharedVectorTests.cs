using System.Security.Cryptography.X509Certificates;
using ImageGate.Notation;
using ImageGate.TestSupport;

namespace ImageGate.Notation.Tests;

/// <summary>The public Notation vectors, with the verdicts their README lists (runs when the shared folder is present).</summary>
[TestClass]
public sealed class SharedVectorTests
{
    private static readonly DateTimeOffset GeneratedNow = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset UpstreamNow = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The vectors folder, or null when the shared folder is absent.</summary>
    internal static string? VectorsDir =>
        RepoPaths.Shared is { } shared ? Path.Combine(shared, "vectors", "notation")
        : Environment.GetEnvironmentVariable("IMAGEGATE_NOTATION_VECTORS") is { Length: > 0 } env ? env : null;

    private const string Gen = "generated/envelopes/";
    private const string Pki = "generated/pki/";
    private const string TsDir = "notation-go/verifier/testdata/timestamp/sigEnv/";
    private const string Mock = "notation-go/internal/mock/testdata/";
    private const string Store = "notation-go/verifier/testdata/truststore/x509/";
    private const string GlobalSignR6 = Store + "tsa/test-timestamp/globalsignRoot.cer";
    private const string Alpine = Store + "ca/valid-trust-store/TestTimestamp.crt";
    private const string MockRoot = Store + "ca/valid-trust-store/NotationTestRoot.pem";
    private const string X5c0 = "x5c[0]";

    private static readonly TargetDescriptor TsTarget = new("application/vnd.docker.distribution.manifest.v2+json",
        "sha256:c0669ef34cdc14332c0f1ab0c2c01acb91d96014b172f1a76f3a39e63d1f0bda", 528);
    private static readonly TargetDescriptor MockTarget = new("application/vnd.docker.distribution.manifest.v2+json",
        "sha256:60043cf45eaebc4c0867fea485a039b598f52fd09fd5b07b0b2d2f88fad9d74e", 528);

    private sealed record Row(string File, string Certs, string? Tsa, string Target, NotaryFailureKind? Expected, string? Reason,
        bool Offline = true, DateTimeOffset? Now = null);

    private static IEnumerable<Row> Rows()
    {
        var root = Pki + "root.crt";
        var ec = Pki + "ecroot.crt";
        yield return new(Gen + "rsa-ps256.jws", root, null, "gen", null, null);
        yield return new(Gen + "rsa-ps256.cose", root, null, "gen", null, null);
        yield return new(Gen + "ec-es256.jws", ec, null, "gen", null, null);
        yield return new(Gen + "ec-es256.cose", ec, null, "gen", null, null);
        yield return new(Gen + "ec-es512.jws", ec, null, "gen", null, null);
        yield return new(Gen + "selfsigned-ps384.jws", Pki + "selfleaf.crt", null, "gen", null, null);
        yield return new(Gen + "rsa-ps256-tsa.jws", root, Pki + "tsaroot.crt", "gen", null, null, Offline: false);
        yield return new(Gen + "rsa-ps256-tsa.cose", root, Pki + "tsaroot.crt", "gen", null, null, Offline: false);
        yield return new(Gen + "rsa-sa.jws", root, null, "gen", NotaryFailureKind.Unsupported, "signingAuthority");
        yield return new(Gen + "expired-leaf.jws", root, null, "gen", NotaryFailureKind.AuthenticTimestamp, "not valid at verification time");
        yield return new(Gen + "expired-leaf-tsa.jws", root, Pki + "tsaroot.crt", "gen", NotaryFailureKind.AuthenticTimestamp, "is after the validity");
        yield return new(Gen + "neg-expired-sig.jws", root, null, "gen", NotaryFailureKind.Expiry, "expired on 2026-01-02");
        yield return new(Gen + "neg-alg-mismatch.jws", root, null, "gen", NotaryFailureKind.Integrity, "does not match the signing key");
        yield return new(Gen + "neg-serverauth.jws", root, null, "gen", NotaryFailureKind.Authenticity, "serverAuth");
        yield return new(Gen + "neg-ku-noncritical.jws", root, null, "gen", NotaryFailureKind.Authenticity, "not critical");
        yield return new(Gen + "neg-no-ku.jws", root, null, "gen", NotaryFailureKind.Authenticity, "no keyUsage");
        yield return new(Gen + "neg-ku-keyenc.jws", root, null, "gen", NotaryFailureKind.Authenticity, "KeyEncipherment");
        yield return new(Gen + "neg-ca-leaf.jws", root, null, "gen", NotaryFailureKind.Authenticity, "is a CA certificate");
        yield return new(Gen + "neg-rsa1024.jws", root, null, "gen", NotaryFailureKind.Authenticity, "RSA-1024");
        yield return new(Gen + "neg-sha1.jws", root, null, "gen", NotaryFailureKind.Authenticity, "insecure algorithm");
        yield return new(Gen + "neg-badinter.jws", root, null, "gen", NotaryFailureKind.Authenticity, "not a CA");
        yield return new(Gen + "neg-chain-noroot.jws", root, null, "gen", NotaryFailureKind.Authenticity, "not a self-signed root");
        yield return new(Gen + "neg-chain-reversed.jws", root, null, "gen", NotaryFailureKind.Integrity, "does not verify");
        yield return new(Gen + "neg-tampered-payload.jws", root, null, "gen", NotaryFailureKind.Integrity, "does not verify");
        yield return new(Gen + "neg-tampered-payload.cose", root, null, "gen", NotaryFailureKind.Integrity, "does not verify");
        yield return new(Gen + "neg-untagged.cose", root, null, "gen", NotaryFailureKind.Integrity, "tag 18");
        // Kyverno parity (E4): JWS PSS accepts any salt length.
        yield return new(Gen + "neg-pss-maxsalt.jws", root, null, "gen", null, null);
        yield return new(Gen + "revocable-leaf.jws", root, null, "gen", NotaryFailureKind.Revocation, "unknown", Offline: false);
        yield return new(Gen + "revocable-leaf.jws", root, null, "gen", null, null, Offline: true);

        yield return new("notation-go/internal/testdata/jws_signature.sig", X5c0, null, "oci", null, null);
        yield return new("notation-go/internal/testdata/cose_signature.sig", X5c0, null, "oci", null, null);

        yield return new(TsDir + "jwsWithTimestamp.sig", Alpine, GlobalSignR6, "ts", null, null);
        yield return new(TsDir + "coseWithTimestamp.sig", Alpine, GlobalSignR6, "ts", null, null);
        yield return new(TsDir + "jwsExpiredWithTimestamp.sig", X5c0, GlobalSignR6, "ts", null, null);
        yield return new(TsDir + "coseExpiredWithTimestamp.sig", X5c0, GlobalSignR6, "ts", null, null);
        yield return new(TsDir + "timestampAfterNotAfter.sig", X5c0, GlobalSignR6, "ts", NotaryFailureKind.AuthenticTimestamp, "is after the validity");
        yield return new(TsDir + "timestampBeforeNotBefore.sig", X5c0, GlobalSignR6, "ts", NotaryFailureKind.AuthenticTimestamp, "is before the validity");
        yield return new(TsDir + "withoutTimestamp.sig", Alpine, GlobalSignR6, "ts", NotaryFailureKind.AuthenticTimestamp, "no timestamp countersignature");
        yield return new(TsDir + "jwsWithTimestamp.sig", Alpine, null, "ts", null, null);
        yield return new(TsDir + "jwsExpiredWithTimestamp.sig", X5c0, null, "ts", NotaryFailureKind.AuthenticTimestamp, "not valid at verification time");
        yield return new(TsDir + "coseExpiredWithTimestamp.sig", X5c0, null, "ts", NotaryFailureKind.AuthenticTimestamp, "not valid at verification time");
        yield return new(TsDir + "withoutTimestamp.sig", Alpine, null, "ts", null, null);
        yield return new(TsDir + "jwsWithTimestamp.sig", Alpine, Store + "tsa/test-mismatch/DigiCertTSARootSHA384.cer", "ts", NotaryFailureKind.AuthenticTimestamp, "not in tsaCerts");
        // Revocation on: the GlobalSign TSA chain names OCSP/CRL URLs that cannot be reached here.
        yield return new(TsDir + "jwsWithTimestamp.sig", Alpine, GlobalSignR6, "ts", NotaryFailureKind.AuthenticTimestamp, "network unreachable in tests", Offline: false);

        yield return new(Mock + "ca_valid_sig_env.json", MockRoot, null, "mock", null, null);
        yield return new(Mock + "ca_invalid_sig_env.json", MockRoot, null, "mock", NotaryFailureKind.Integrity, "base64url");
        yield return new(Mock + "ca_expired_sig_env.json", MockRoot, null, "mock", NotaryFailureKind.Expiry, "expired on 2022-07-29");
        yield return new(Mock + "sa_valid_sig_env.json", MockRoot, null, "mock", NotaryFailureKind.Unsupported, "signingAuthority");
        yield return new(Mock + "sa_invalid_sig_env.json", MockRoot, null, "mock", NotaryFailureKind.Integrity, null);
        yield return new(Mock + "sa_expired_sig_env.json", MockRoot, null, "mock", NotaryFailureKind.Unsupported, null);
        yield return new(Mock + "ca_plugin_sig_env.json", MockRoot, null, "mock", NotaryFailureKind.Unsupported, "plugin");
        yield return new(Mock + "sa_plugin_sig_env.json", MockRoot, null, "mock", NotaryFailureKind.Unsupported, "plugin");
        yield return new(Mock + "ca_compatible_pluginver_sig_env_1.0.0.json", Store + "ca/valid-trust-store/wabbit-networks.io.crt", null, "mock", NotaryFailureKind.Unsupported, "plugin");
        yield return new(Mock + "sig_env_with_metadata.json", X5c0, null, "meta", NotaryFailureKind.AuthenticTimestamp, "not valid at verification time");
        yield return new(Mock + "sig_env_with_metadata.json", X5c0, null, "meta", null, null, Now: new DateTimeOffset(2023, 1, 11, 12, 0, 0, TimeSpan.Zero));
        yield return new(Mock + "ca_valid_sig_env.json", Pki + "root.crt", null, "mock", NotaryFailureKind.Authenticity, "does not contain any trusted certificate");
        yield return new(Mock + "ca_valid_sig_env.json", MockRoot, null, "ts", NotaryFailureKind.TargetMismatch, "digest");
    }

    public static IEnumerable<object[]> Cases() => Rows().Select((r, i) => new object[] { $"{i:D2} {r.File}", i });

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void VectorGivesTheListedVerdict(string name, int index)
    {
        if (VectorsDir is not { } dir)
        {
            // Without the shared folder the generated equivalents in GeneratedFixtureTests cover every case.
            return;
        }
        var row = Rows().ElementAt(index);
        var path = Path.Combine(dir, row.File);
        var envelope = File.ReadAllBytes(path);
        var mediaType = TestCerts.MediaTypeOf(path);
        var certs = row.Certs == X5c0 ? [FirstCertificate(envelope, mediaType)] : TestCerts.Load(Path.Combine(dir, row.Certs));
        var tsa = row.Tsa is null ? [] : TestCerts.Load(Path.Combine(dir, row.Tsa));
        var target = row.Target switch
        {
            "gen" => TestCerts.TargetOf(Path.Combine(dir, "generated/target/manifest.json")),
            "oci" => TestCerts.TargetOf(Path.Combine(dir, "notation-go/internal/testdata/oci-layout/blobs/sha256/19dbd2e48e921426ee8ace4dc892edfb2ecdc1d1a72d5416c83670c30acecef0")),
            "ts" => TsTarget,
            "meta" => new TargetDescriptor("application/vnd.docker.distribution.manifest.v2+json", "sha256:5a07385af4e6b6af81b0ebfd435aedccdfa3507f0609c658209e1aba57159b2b", 942),
            _ => MockTarget,
        };
        var now = row.Now ?? (row.File.StartsWith("generated", StringComparison.Ordinal) ? GeneratedNow : UpstreamNow);
        var result = NotaryVerifier.Verify(envelope, mediaType, target, new NotaryTrust(certs, tsa),
            new NotaryVerifyOptions { OfflineRevocation = row.Offline, RevocationFetcher = LoopbackOnly.Instance }, now);
        TestCerts.AssertVerdict(result, row.Expected, row.Reason, name);
    }

    /// <summary>Tests reach only loopback: a public OCSP/CRL URL answers as an unreachable network would.</summary>
    private sealed class LoopbackOnly : IRevocationFetcher
    {
        public static readonly LoopbackOnly Instance = new();

        public byte[] Fetch(Uri url, byte[]? body, string? contentType, TimeSpan timeout) =>
            url.IsLoopback
                ? HttpRevocationFetcher.Instance.Fetch(url, body, contentType, timeout)
                : throw new HttpRequestException($"network unreachable in tests ({url.Host})");
    }

    /// <summary>Some upstream vectors ship no separate certificate: trust the envelope's own signing certificate.</summary>
    private static X509Certificate2 FirstCertificate(byte[] envelope, string mediaType)
    {
        var env = mediaType == "application/cose"
            ? Envelopes.CoseEnvelopeParser.Parse(envelope)
            : Envelopes.JwsEnvelopeParser.Parse(envelope);
        return env.Chain[0];
    }
}

/// <summary>Standalone RFC 3161 tokens from the public vectors (message "notation" or the matching .sig file).</summary>
[TestClass]
public sealed class SharedTimestampTokenTests
{
    [TestMethod]
    [DataRow("tspclient-go/testdata/TimeStampToken.p7s", null)]
    [DataRow("notation-go/verifier/testdata/timestamp/countersignature/TimeStampToken.p7s", null)]
    [DataRow("tspclient-go/testdata/TimeStampTokenWithSigningCertificateV1.p7s", "")]
    [DataRow("tspclient-go/testdata/TimeStampTokenWithoutCertificate.p7s", "does not verify")]
    [DataRow("tspclient-go/testdata/SHA1TimeStampToken.p7s", "")]
    [DataRow("tspclient-go/testdata/TimeStampTokenWithInvalidSignature.p7s", "")]
    [DataRow("tspclient-go/testdata/TimeStampTokenWithInvalidTSTInfo.p7s", "")]
    [DataRow("tspclient-go/testdata/TimeStampTokenWithInvalideContentType.p7s", "")]
    [DataRow("tspclient-go/testdata/TimeStampTokenWithTSTInfoVersion2.p7s", "")]
    [DataRow("tspclient-go/testdata/TimeStampTokenWithMismatchCertHash.p7s", "")]
    [DataRow("tspclient-go/testdata/TimeStampTokenWithSHA1CertHash.p7s", "")]
    [DataRow("tspclient-go/testdata/TimeStampTokenWithoutSigningCertificate.p7s", "")]
    [DataRow("tspclient-go/testdata/TimeStampTokenWithValidAndInvalidSignerInfos.p7s", "")]
    [DataRow("tspclient-go/testdata/TimeStampTokenWithSigningCertificateV2NoCert.p7s", "")]
    [DataRow("tspclient-go/testdata/TimeStampTokenWithWrongSigningCertificateV2IssuerChoiceTag.p7s", "")]
    public void GlobalSignTokens(string file, string? failure)
    {
        if (SharedVectorTests.VectorsDir is not { } dir)
        {
            return;
        }
        Check(File.ReadAllBytes(Path.Combine(dir, file)), "notation"u8.ToArray(),
            TestCerts.Load(Path.Combine(dir, "tspclient-go/testdata/GlobalSignRootCA.crt")), failure, file);
    }

    [TestMethod]
    [DataRow("tsa-v2", null)]
    [DataRow("tsa-v1", "signing-certificate-v2")]
    [DataRow("tsa_eku_noncrit-v2", "")]
    [DataRow("tsa_eku_codesign-v2", "")]
    public void GeneratedTokens(string name, string? failure)
    {
        if (SharedVectorTests.VectorsDir is not { } dir)
        {
            return;
        }
        var tokens = Path.Combine(dir, "generated/tsa-tokens");
        Check(File.ReadAllBytes(Path.Combine(tokens, name + ".tst")), File.ReadAllBytes(Path.Combine(tokens, name + ".sig")),
            TestCerts.Load(Path.Combine(dir, "generated/pki/tsaroot.crt")), failure, name);
    }

    private static void Check(byte[] token, byte[] data, List<System.Security.Cryptography.X509Certificates.X509Certificate2> roots, string? failure, string what)
    {
        if (failure is null)
        {
            var ts = Timestamps.TimestampVerifier.Verify(token, data, roots);
            Assert.IsGreaterThan(1, ts.TsaChain.Count, what);
            return;
        }
        var e = Assert.Throws<NotaryException>(() => Timestamps.TimestampVerifier.Verify(token, data, roots), what);
        Assert.AreEqual(NotaryFailureKind.AuthenticTimestamp, e.Kind);
        Assert.Contains(failure, e.Message, what);
    }
}
