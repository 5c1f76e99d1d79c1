using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using ImageGate.Notation.Certificates;
using ImageGate.Notation.Envelopes;

namespace ImageGate.Notation.Timestamps;

/// <summary>A verified RFC 3161 timestamp: the time range it proves and the TSA chain that signed it.</summary>
internal sealed record VerifiedTimestamp(DateTimeOffset GenTime, DateTimeOffset Earliest, DateTimeOffset Latest,
    IReadOnlyList<X509Certificate2> TsaChain);

/// <summary>Verifies an RFC 3161 timestamp countersignature over a Notary signature.</summary>
internal static class TimestampVerifier
{
    private const string SigningCertificateV2 = "1.2.840.113549.1.9.16.2.47";
    private const string BaselinePolicy = "0.4.0.2023.1.1";
    private const int MaxTsaChain = 8;

    public static VerifiedTimestamp Verify(byte[] token, byte[] signature, IReadOnlyList<X509Certificate2> tsaCerts)
    {
        if (!Rfc3161TimestampToken.TryDecode(token, out var tst, out var consumed) || consumed != token.Length)
        {
            throw Fail("the timestamp token is not a valid RFC 3161 TimeStampToken");
        }
        var info = tst.TokenInfo;
        if (info.Version != 1)
        {
            throw Fail($"the timestamp token has TSTInfo version {info.Version}, expected 1");
        }
        var hash = info.HashAlgorithmId.Value switch
        {
            "2.16.840.1.101.3.4.2.1" => HashAlgorithmName.SHA256,
            "2.16.840.1.101.3.4.2.2" => HashAlgorithmName.SHA384,
            "2.16.840.1.101.3.4.2.3" => HashAlgorithmName.SHA512,
            _ => throw Fail($"the timestamp message imprint uses unsupported hash {info.HashAlgorithmId.FriendlyName ?? info.HashAlgorithmId.Value}"),
        };
        if (!CryptographicOperations.FixedTimeEquals(info.GetMessageHash().Span, CryptographicOperations.HashData(hash, signature)))
        {
            throw Fail("the timestamp message imprint does not match the signature it should stamp");
        }
        var cms = tst.AsSignedCms();
        if (cms.SignerInfos.Count != 1)
        {
            throw Fail($"the timestamp token has {cms.SignerInfos.Count} signers, exactly one is accepted");
        }
        var signerInfo = cms.SignerInfos[0];
        if (!signerInfo.SignedAttributes.Cast<CryptographicAttributeObject>().Any(a => a.Oid.Value == SigningCertificateV2))
        {
            throw Fail("the timestamp token has no ESS signing-certificate-v2 attribute");
        }
        if (!tst.VerifySignatureForData(signature, out var tsaCert) || tsaCert is null)
        {
            throw Fail("the timestamp token's signature does not verify with a certificate it carries");
        }
        if (tsaCerts.Count == 0)
        {
            throw Fail("no trusted TSA certificate is configured");
        }
        var genTime = info.Timestamp;
        var chain = BuildTsaChain(tsaCert, cms.Certificates, tsaCerts, genTime);
        try
        {
            CertificateChainRules.Validate(chain, ChainPurpose.Timestamping);
        }
        catch (NotaryException e)
        {
            throw Fail("TSA chain: " + e.Message);
        }

        var accuracy = info.AccuracyInMicroseconds is { } micros
            ? TimeSpan.FromMicroseconds(micros)
            : info.PolicyId.Value == BaselinePolicy ? TimeSpan.FromSeconds(1) : TimeSpan.Zero;
        return new VerifiedTimestamp(genTime, genTime - accuracy, genTime + accuracy, chain);
    }

    /// <summary>Builds signer → … → a trusted self-signed TSA root, each certificate valid at genTime.</summary>
    private static List<X509Certificate2> BuildTsaChain(X509Certificate2 signer, X509Certificate2Collection tokenCerts,
        IReadOnlyList<X509Certificate2> trusted, DateTimeOffset genTime)
    {
        var candidates = tokenCerts.Cast<X509Certificate2>().Concat(trusted).Take(64).ToList();
        var chain = new List<X509Certificate2> { signer };
        var current = signer;
        for (var depth = 0; depth < MaxTsaChain; depth++)
        {
            if (!CertificateChainRules.IsValidAt(current, genTime))
            {
                throw Fail($"TSA certificate {CertificateChainRules.Describe(current)} ({CertificateChainRules.Range(current)}) is not valid at the timestamp time {HeaderRules.Format(genTime)}");
            }
            var isTrusted = trusted.Any(t => t.RawData.AsSpan().SequenceEqual(current.RawData));
            var selfSigned = CertificateChainRules.IsSelfSigned(current);
            if (isTrusted && selfSigned)
            {
                return chain;
            }
            if (selfSigned)
            {
                throw Fail($"the timestamp's TSA chain ends at {CertificateChainRules.Describe(current)}, which is not in tsaCerts");
            }
            var issuer = candidates.FirstOrDefault(c =>
                c.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData) &&
                CertificateChainRules.SignedBy(current, c));
            if (issuer is null)
            {
                throw Fail(isTrusted
                    ? $"the trusted TSA certificate {CertificateChainRules.Describe(current)} is not a self-signed root"
                    : $"the timestamp's TSA certificate {CertificateChainRules.Describe(current)} does not chain to a certificate in tsaCerts");
            }
            chain.Add(issuer);
            current = issuer;
        }
        throw Fail($"the timestamp's TSA chain is longer than {MaxTsaChain} certificates");
    }

    private static NotaryException Fail(string message) => new(NotaryFailureKind.AuthenticTimestamp, message);
}
