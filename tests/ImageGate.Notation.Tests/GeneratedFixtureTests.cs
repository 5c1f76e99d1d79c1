using ImageGate.Notation;

namespace ImageGate.Notation.Tests;

/// <summary>JWS envelopes made by tests/fixtures/notation/make-fixtures.sh with openssl, verified against
/// the repository's own PKI (positive cases and the negative matrix).</summary>
[TestClass]
public sealed class GeneratedFixtureTests
{
    private static readonly NotaryFailureKind? Valid = null;

    private static NotaryVerificationResult Verify(string file, string trust, string? tsa = null, bool offline = false,
        IRevocationFetcher? fetcher = null, TargetDescriptor? target = null, DateTimeOffset? now = null)
    {
        var certs = trust.Split('+').Select(NotaryFixtures.Cert).ToList();
        var tsaCerts = tsa is null ? [] : new List<System.Security.Cryptography.X509Certificates.X509Certificate2> { NotaryFixtures.Cert(tsa) };
        return NotaryVerifier.Verify(NotaryFixtures.Bytes("jws/" + file), "application/jose+json", target ?? NotaryFixtures.Target,
            new NotaryTrust(certs, tsaCerts), new NotaryVerifyOptions { OfflineRevocation = offline, RevocationFetcher = fetcher },
            now ?? DateTimeOffset.UtcNow);
    }

    [TestMethod]
    [DataRow("valid-ps256.jws", "root", null, null, null, DisplayName = "PS256 chain, root trusted")]
    [DataRow("valid-ps256.jws", "intermediate", null, null, null, DisplayName = "PS256 chain, intermediate trusted")]
    [DataRow("valid-ps256.jws", "leaf", null, null, null, DisplayName = "PS256 chain, leaf trusted")]
    [DataRow("valid-es256.jws", "ecroot", null, null, null, DisplayName = "ES256")]
    [DataRow("valid-es384.jws", "ecroot", null, null, null, DisplayName = "ES384 with a future expiry")]
    [DataRow("valid-ps384-selfsigned.jws", "selfleaf", null, null, null, DisplayName = "PS384 self-signed leaf")]
    [DataRow("valid-ps256-timestamped.jws", "root", "tsaroot", null, null, DisplayName = "RFC 3161 timestamp required and valid")]
    [DataRow("valid-ps256-timestamped.jws", "root", null, null, null, DisplayName = "timestamp ignored without tsaCerts")]
    [DataRow("valid-pss-max-salt.jws", "root", null, null, null, DisplayName = "JWS PSS with maximum salt length")]
    [DataRow("valid-pss-signed-leaf.jws", "root", null, null, null, DisplayName = "leaf certificate signed with RSASSA-PSS")]
    [DataRow("valid-ps256.jws", "otherroot", null, NotaryFailureKind.Authenticity, "does not contain any trusted certificate", DisplayName = "wrong root")]
    [DataRow("valid-ps256.jws", "root", "tsaroot", NotaryFailureKind.AuthenticTimestamp, "no timestamp countersignature", DisplayName = "tsaCerts without a timestamp")]
    [DataRow("valid-ps256-timestamped.jws", "root", "otherroot", NotaryFailureKind.AuthenticTimestamp, "which is not in tsaCerts", DisplayName = "timestamp from an untrusted TSA")]
    [DataRow("bad-tampered-payload.jws", "root", null, NotaryFailureKind.Integrity, "signature does not verify", DisplayName = "tampered payload")]
    [DataRow("bad-expired-leaf.jws", "root", null, NotaryFailureKind.AuthenticTimestamp, "is not valid at verification time", DisplayName = "expired leaf without timestamp")]
    [DataRow("bad-timestamp-after-leaf.jws", "root", "tsaroot", NotaryFailureKind.AuthenticTimestamp, "is after the validity of certificate 'CN=ImageGate Expired Leaf", DisplayName = "timestamp after the leaf expired")]
    [DataRow("bad-timestamp-before-leaf.jws", "root", "tsaroot", NotaryFailureKind.AuthenticTimestamp, "is before the validity of certificate 'CN=ImageGate Future Leaf", DisplayName = "timestamp before the leaf is valid")]
    [DataRow("bad-serverauth.jws", "root", null, NotaryFailureKind.Authenticity, "extended key usage serverAuth", DisplayName = "wrong EKU serverAuth")]
    [DataRow("bad-anyeku.jws", "root", null, NotaryFailureKind.Authenticity, "extended key usage anyExtendedKeyUsage", DisplayName = "anyExtendedKeyUsage")]
    [DataRow("bad-unknown-critical.jws", "root", null, NotaryFailureKind.Integrity, "unknown critical header 'io.example.mustUnderstand'", DisplayName = "unknown critical header")]
    [DataRow("bad-critical-absent.jws", "root", null, NotaryFailureKind.Integrity, "'io.example.absent' is marked critical but not present", DisplayName = "critical header absent")]
    [DataRow("bad-signing-authority.jws", "root", null, NotaryFailureKind.Unsupported, "notary.x509.signingAuthority is not supported", DisplayName = "signingAuthority scheme")]
    [DataRow("bad-expired-signature.jws", "root", null, NotaryFailureKind.Expiry, "expired on 2021-01-01T00:00:00Z", DisplayName = "signature expiry passed")]
    [DataRow("bad-alg-mismatch.jws", "root", null, NotaryFailureKind.Integrity, "PS384 does not match the signing key (RSA-2048 requires PS256)", DisplayName = "alg does not match key")]
    [DataRow("bad-ku-noncritical.jws", "root", null, NotaryFailureKind.Authenticity, "keyUsage extension that is not critical", DisplayName = "leaf KU not critical")]
    [DataRow("bad-ca-leaf.jws", "root", null, NotaryFailureKind.Authenticity, "is a CA certificate", DisplayName = "CA leaf")]
    [DataRow("bad-rsa1024.jws", "root", null, NotaryFailureKind.Authenticity, "unsupported key (RSA-1024)", DisplayName = "RSA-1024 leaf")]
    [DataRow("bad-sha1-leaf.jws", "root", null, NotaryFailureKind.Authenticity, "insecure algorithm", DisplayName = "SHA-1 signed leaf")]
    [DataRow("bad-non-ca-intermediate.jws", "root", null, NotaryFailureKind.Authenticity, "is not a CA (basicConstraints cA=FALSE)", DisplayName = "non-CA intermediate")]
    [DataRow("bad-intermediate-bc-noncritical.jws", "root", null, NotaryFailureKind.Authenticity, "basicConstraints extension that is not critical", DisplayName = "CA basicConstraints not critical")]
    [DataRow("bad-path-length.jws", "shortroot", null, NotaryFailureKind.Authenticity, "pathLenConstraint 0, too small", DisplayName = "path length exceeded")]
    [DataRow("bad-chain-without-root.jws", "root", null, NotaryFailureKind.Authenticity, "is not a self-signed root", DisplayName = "chain without root")]
    [DataRow("bad-chain-reversed.jws", "root", null, NotaryFailureKind.Integrity, "does not match the signing key", DisplayName = "chain reversed")]
    [DataRow("bad-ocsp-revoked.jws", "root", null, NotaryFailureKind.Revocation, "is revoked (OCSP http://127.0.0.1:", DisplayName = "leaf revoked by OCSP")]
    [DataRow("bad-crl-revoked.jws", "root", null, NotaryFailureKind.Revocation, "is revoked (CRL http://127.0.0.1:", DisplayName = "leaf revoked by CRL")]
    [DataRow("bad-ocsp-and-crl-revoked.jws", "root", null, NotaryFailureKind.Revocation, "is revoked (OCSP http://127.0.0.1:", DisplayName = "leaf revoked, OCSP answers first")]
    [DataRow("ocsp-good.jws", "root", null, null, null, DisplayName = "OCSP good")]
    [DataRow("crl-good.jws", "root", null, null, null, DisplayName = "CRL good")]
    public void EnvelopeGivesExpectedVerdict(string file, string trust, string? tsa, NotaryFailureKind? expected, string? reason)
    {
        var result = Verify(file, trust, tsa);
        TestCerts.AssertVerdict(result, expected, reason, file);
        if (expected is null)
        {
            Assert.AreEqual("sha256:" + NotaryFixtures.Target.Digest[7..], SignedPayloadDigest(result.Payload!));
            Assert.IsNotNull(result.Certificate);
            Assert.IsNotNull(result.SigningTime);
        }
    }

    [TestMethod]
    public void RevokedReasonNamesTheCertificateAndReason()
    {
        var result = Verify("bad-ocsp-revoked.jws", "root");
        Assert.Contains("'CN=ImageGate OCSP Leaf", result.Reason!);
        Assert.Contains("keyCompromise", result.Reason!);
        Assert.AreEqual(0, NotaryFixtures.Server.Rejected, "the revocation server saw an unexpected request");
    }

    [TestMethod]
    public void RevocationQueriesReachTheLoopbackServer()
    {
        var ocspBefore = NotaryFixtures.Server.OcspRequests;
        var crlBefore = NotaryFixtures.Server.CrlRequests;
        TestCerts.AssertVerdict(Verify("ocsp-good.jws", "root"), Valid, null, "ocsp-good");
        TestCerts.AssertVerdict(Verify("crl-good.jws", "root"), Valid, null, "crl-good");
        Assert.AreEqual(ocspBefore + 1, NotaryFixtures.Server.OcspRequests);
        Assert.AreEqual(crlBefore + 1, NotaryFixtures.Server.CrlRequests);
    }

    [TestMethod]
    public void OfflineRevocationTurnsTheCheckIntoANotice()
    {
        var ocspBefore = NotaryFixtures.Server.OcspRequests;
        var result = Verify("bad-ocsp-revoked.jws", "root", offline: true);
        TestCerts.AssertVerdict(result, Valid, null, "offline");
        Assert.HasCount(1, result.Notices);
        Assert.Contains("was not checked (offline revocation)", result.Notices[0]);
        Assert.AreEqual(ocspBefore, NotaryFixtures.Server.OcspRequests, "offline mode must not fetch");
    }

    [TestMethod]
    public void UnreachableRevocationIsUnknownAndFails()
    {
        var result = Verify("ocsp-good.jws", "root", fetcher: new FailingFetcher());
        TestCerts.AssertVerdict(result, NotaryFailureKind.Revocation, "revocation status of signing certificate 'CN=ImageGate OCSP Good Leaf", "unreachable");
        Assert.Contains("connection refused (test)", result.Reason!);
    }

    [TestMethod]
    public void CrlIsUsedWhenOcspCannotAnswer()
    {
        var fetcher = new OcspDownFetcher();
        var result = Verify("bad-ocsp-and-crl-revoked.jws", "root", fetcher: fetcher);
        TestCerts.AssertVerdict(result, NotaryFailureKind.Revocation, "is revoked (CRL http://127.0.0.1:", "fallback");
        Assert.Contains("reason superseded", result.Reason!);
        Assert.AreEqual(2, fetcher.Calls, "one OCSP attempt, then the CRL");
    }

    [TestMethod]
    public void OcspResponseSignedByAStrangerIsNotTrusted()
    {
        var result = Verify("ocsp-good.jws", "root", fetcher: new SignedOcspFetcher("otherroot"));
        TestCerts.AssertVerdict(result, NotaryFailureKind.Revocation, "not signed by the issuer or a responder it authorised", "forged OCSP");
    }

    [TestMethod]
    public void DelegatedOcspResponderIsTrusted()
    {
        TestCerts.AssertVerdict(Verify("ocsp-good.jws", "root", fetcher: new SignedOcspFetcher("responder")), Valid, null, "delegated good");
        TestCerts.AssertVerdict(Verify("bad-ocsp-revoked.jws", "root", fetcher: new SignedOcspFetcher("responder")),
            NotaryFailureKind.Revocation, "is revoked (OCSP", "delegated revoked");
    }

    [TestMethod]
    public void StaleRevocationDataIsUnknown()
    {
        // A month from now the leaves are still valid, but the 7-day CRL and the 1-day OCSP response are not.
        var later = DateTimeOffset.UtcNow.AddDays(30);
        TestCerts.AssertVerdict(Verify("crl-good.jws", "root", now: later), NotaryFailureKind.Revocation, "CRL http://127.0.0.1:", "stale CRL");
        Assert.Contains("not current", Verify("crl-good.jws", "root", now: later).Reason!);
        TestCerts.AssertVerdict(Verify("ocsp-good.jws", "root", now: later), NotaryFailureKind.Revocation, "the response expired at", "stale OCSP");
    }

    [TestMethod]
    public void CertificatesWithoutRevocationUrlsFetchNothing()
    {
        var fetcher = new FailingFetcher();
        TestCerts.AssertVerdict(Verify("valid-ps256.jws", "root", fetcher: fetcher), Valid, null, "no urls");
        Assert.AreEqual(0, fetcher.Calls);
    }

    [TestMethod]
    [DataRow("application/vnd.oci.image.manifest.v1+json", "sha256:0000000000000000000000000000000000000000000000000000000000000000", -1L, "covers digest")]
    [DataRow("application/vnd.oci.image.index.v1+json", null, -1L, "covers media type")]
    [DataRow("application/vnd.oci.image.manifest.v1+json", null, 1L, "covers size")]
    public void PayloadMustMatchTheArtifact(string mediaType, string? digest, long size, string reason)
    {
        var real = NotaryFixtures.Target;
        var target = new TargetDescriptor(mediaType, digest ?? real.Digest, size < 0 ? real.Size : size);
        var result = Verify("valid-ps256.jws", "root", target: target);
        TestCerts.AssertVerdict(result, NotaryFailureKind.TargetMismatch, reason, "target");
    }

    [TestMethod]
    public void UnknownEnvelopeMediaTypeIsRejected()
    {
        var result = NotaryVerifier.Verify(NotaryFixtures.Bytes("jws/valid-ps256.jws"), "application/octet-stream", NotaryFixtures.Target,
            new NotaryTrust([NotaryFixtures.Cert("root")], []), new NotaryVerifyOptions(), DateTimeOffset.UtcNow);
        TestCerts.AssertVerdict(result, NotaryFailureKind.Integrity, "unsupported signature envelope media type", "media type");
    }

    private static string SignedPayloadDigest(byte[] payload)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(payload);
        return doc.RootElement.GetProperty("targetArtifact").GetProperty("digest").GetString()!;
    }

    /// <summary>OCSP is down; CRLs come from the loopback server.</summary>
    private sealed class OcspDownFetcher : IRevocationFetcher
    {
        public int Calls { get; private set; }

        public byte[] Fetch(Uri url, byte[]? body, string? contentType, TimeSpan timeout)
        {
            Calls++;
            return url.AbsolutePath.StartsWith("/ocsp", StringComparison.Ordinal)
                ? throw new HttpRequestException("OCSP responder down (test)")
                : HttpRevocationFetcher.Instance.Fetch(url, body, contentType, timeout);
        }
    }

    /// <summary>Answers OCSP from the CA database, signed by the named certificate (a delegated responder, or a stranger).</summary>
    private sealed class SignedOcspFetcher(string signer) : IRevocationFetcher
    {
        public byte[] Fetch(Uri url, byte[]? body, string? contentType, TimeSpan timeout)
        {
            var request = body ?? Convert.FromBase64String(Uri.UnescapeDataString(url.AbsolutePath["/ocsp/".Length..]));
            var id = Guid.NewGuid().ToString("N");
            var req = NotaryFixtures.File($"ocsp-{signer}-{id}.req");
            var resp = NotaryFixtures.File($"ocsp-{signer}-{id}.resp");
            File.WriteAllBytes(req, request);
            Tool.Run("openssl", NotaryFixtures.Dir, "ocsp", "-index", "ca/index.txt", "-rsigner", signer + ".crt", "-rkey", signer + ".key",
                "-CA", "intermediate.crt", "-reqin", req, "-respout", resp, "-ndays", "1");
            return File.ReadAllBytes(resp);
        }
    }

    private sealed class FailingFetcher : IRevocationFetcher
    {
        public int Calls { get; private set; }

        public byte[] Fetch(Uri url, byte[]? body, string? contentType, TimeSpan timeout)
        {
            Calls++;
            throw new HttpRequestException("connection refused (test)");
        }
    }
}
