using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ImageGate.Notation.Envelopes;

namespace ImageGate.Notation.Certificates;

/// <summary>What a chain is for: Notary code signing or RFC 3161 timestamping.</summary>
internal enum ChainPurpose
{
    CodeSigning,
    Timestamping,
}

/// <summary>The Notary Project certificate-chain rules, applied explicitly (not the platform chain policy).</summary>
internal static class CertificateChainRules
{
    public const string AnyExtendedKeyUsage = "2.5.29.37.0";
    public const string CodeSigningEku = "1.3.6.1.5.5.7.3.3";
    public const string TimeStampingEku = "1.3.6.1.5.5.7.3.8";

    private static readonly Dictionary<string, string> ForbiddenLeafEku = new()
    {
        ["1.3.6.1.5.5.7.3.1"] = "serverAuth",
        ["1.3.6.1.5.5.7.3.2"] = "clientAuth",
        ["1.3.6.1.5.5.7.3.4"] = "emailProtection",
        [TimeStampingEku] = "timeStamping",
        ["1.3.6.1.5.5.7.3.9"] = "OCSPSigning",
        [AnyExtendedKeyUsage] = "anyExtendedKeyUsage",
    };

    private const string RsaPss = "1.2.840.113549.1.1.10";

    private static readonly HashSet<string> InsecureSignatureAlgorithms =
    [
        "1.2.840.113549.1.1.2", "1.2.840.113549.1.1.4", "1.2.840.113549.1.1.5", "1.3.14.3.2.29",
        "1.2.840.10045.4.1", "1.2.840.10040.4.3",
    ];

    private const X509KeyUsageFlags ForbiddenLeafKeyUsage = X509KeyUsageFlags.KeyEncipherment |
        X509KeyUsageFlags.DataEncipherment | X509KeyUsageFlags.KeyAgreement | X509KeyUsageFlags.KeyCertSign |
        X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.EncipherOnly | X509KeyUsageFlags.DecipherOnly;

    /// <summary>Checks order, links, and the leaf and CA extension rules of an ordered leaf-first chain.</summary>
    public static void Validate(IReadOnlyList<X509Certificate2> chain, ChainPurpose purpose)
    {
        if (chain.Count == 0)
        {
            throw Fail("the certificate chain is empty");
        }
        foreach (var cert in chain)
        {
            if (InsecureSignatureAlgorithms.Contains(cert.SignatureAlgorithm.Value ?? ""))
            {
                throw Fail($"certificate {Describe(cert)} is signed with the insecure algorithm {cert.SignatureAlgorithm.FriendlyName ?? cert.SignatureAlgorithm.Value}");
            }
        }
        if (chain.Count == 1)
        {
            if (!IsSelfSigned(chain[0]))
            {
                throw Fail($"the only certificate {Describe(chain[0])} is not self-signed, so the chain does not end in a root");
            }
        }
        else
        {
            for (var i = 0; i < chain.Count - 1; i++)
            {
                if (IsSelfSigned(chain[i]))
                {
                    throw Fail($"certificate {i} {Describe(chain[i])} is self-signed but is not the last in the chain (the chain must be ordered leaf first)");
                }
                if (!chain[i].IssuerName.RawData.AsSpan().SequenceEqual(chain[i + 1].SubjectName.RawData) ||
                    !SignedBy(chain[i], chain[i + 1]))
                {
                    throw Fail($"certificate {i} {Describe(chain[i])} is not issued by the next certificate {Describe(chain[i + 1])} (the chain must be ordered leaf first)");
                }
            }
            var last = chain.Count - 1;
            if (!IsSelfSigned(chain[last]))
            {
                throw Fail($"the last certificate {Describe(chain[last])} is not a self-signed root");
            }
        }
        ValidateLeaf(chain[0], purpose);
        for (var i = 1; i < chain.Count; i++)
        {
            ValidateCa(chain[i], i);
        }
    }

    /// <summary>True when <paramref name="cert"/> lies within its validity period at <paramref name="time"/> (inclusive).
    /// A certificate whose validity period cannot be read is valid at no time.</summary>
    public static bool IsValidAt(X509Certificate2 cert, DateTimeOffset time) =>
        TryValidity(cert, out var notBefore, out var notAfter) && time.UtcDateTime >= notBefore && time.UtcDateTime <= notAfter;

    /// <summary>The validity period in UTC; false when the certificate's dates cannot be decoded (the platform reads
    /// them lazily, so a certificate that loaded may still hold damaged dates).</summary>
    public static bool TryValidity(X509Certificate2 cert, out DateTime notBefore, out DateTime notAfter)
    {
        try
        {
            notBefore = cert.NotBefore.ToUniversalTime();
            notAfter = cert.NotAfter.ToUniversalTime();
            return true;
        }
        catch (CryptographicException)
        {
            notBefore = notAfter = default;
            return false;
        }
    }

    public static string Describe(X509Certificate2 cert) => $"'{cert.Subject}'";

    public static string Range(X509Certificate2 cert) => TryValidity(cert, out var notBefore, out var notAfter)
        ? $"{HeaderRules.Format(notBefore)} .. {HeaderRules.Format(notAfter)}"
        : "validity period unreadable";

    internal static bool IsSelfSigned(X509Certificate2 cert) =>
        cert.IssuerName.RawData.AsSpan().SequenceEqual(cert.SubjectName.RawData) && SignedBy(cert, cert);

    /// <summary>True when <paramref name="parent"/>'s key verifies <paramref name="child"/>'s signature.</summary>
    internal static bool SignedBy(X509Certificate2 child, X509Certificate2 parent)
    {
        try
        {
            var certificate = new AsnReader(child.RawData, AsnEncodingRules.DER).ReadSequence();
            var tbs = certificate.ReadEncodedValue();
            var algorithm = certificate.ReadSequence().ReadObjectIdentifier();
            var signature = certificate.ReadBitString(out var unusedBits);
            return unusedBits == 0 && algorithm != RsaPss
                ? X509Signatures.Verify(tbs.Span, algorithm, signature, parent)
                : X509Signatures.VerifyWithBouncyCastle(child, parent);
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    private static void ValidateLeaf(X509Certificate2 leaf, ChainPurpose purpose)
    {
        var what = purpose == ChainPurpose.CodeSigning ? "signing" : "timestamping";
        var bcExt = BasicConstraints(leaf);
        if (bcExt is { CertificateAuthority: true })
        {
            throw Fail($"the {what} certificate {Describe(leaf)} is a CA certificate (basicConstraints cA=TRUE)");
        }
        var ku = KeyUsage(leaf) ?? throw Fail($"the {what} certificate {Describe(leaf)} has no keyUsage extension");
        if (purpose == ChainPurpose.CodeSigning && !ku.Critical)
        {
            throw Fail($"the signing certificate {Describe(leaf)} has a keyUsage extension that is not critical");
        }
        if (!ku.KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature))
        {
            throw Fail($"the {what} certificate {Describe(leaf)} keyUsage lacks digitalSignature");
        }
        if (purpose == ChainPurpose.CodeSigning && (ku.KeyUsages & ForbiddenLeafKeyUsage) != 0)
        {
            throw Fail($"the signing certificate {Describe(leaf)} keyUsage allows {ku.KeyUsages & ForbiddenLeafKeyUsage}, which a signing certificate must not");
        }
        var eku = ExtendedKeyUsage(leaf);
        if (purpose == ChainPurpose.CodeSigning)
        {
            foreach (var oid in eku?.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>() ?? [])
            {
                if (oid.Value is { } v && ForbiddenLeafEku.TryGetValue(v, out var name))
                {
                    throw Fail($"the signing certificate {Describe(leaf)} has extended key usage {name}, which a signing certificate must not");
                }
            }
        }
        else
        {
            var oids = eku?.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value).ToList();
            if (eku is null || !eku.Critical || oids!.Count != 1 || oids[0] != TimeStampingEku)
            {
                throw Fail($"the timestamping certificate {Describe(leaf)} must have a critical extended key usage of exactly timeStamping");
            }
        }
        if (SignatureAlgorithms.FromKey(leaf, out var key) is null)
        {
            throw Fail($"the {what} certificate {Describe(leaf)} has an unsupported key ({key}); RSA 2048/3072/4096 or EC P-256/P-384/P-521 are required");
        }
    }

    private static void ValidateCa(X509Certificate2 ca, int index)
    {
        var bcExt = BasicConstraints(ca) ?? throw Fail($"CA certificate {Describe(ca)} has no basicConstraints extension");
        if (!bcExt.CertificateAuthority)
        {
            throw Fail($"certificate {Describe(ca)} issues another certificate but is not a CA (basicConstraints cA=FALSE)");
        }
        if (!bcExt.Critical)
        {
            throw Fail($"CA certificate {Describe(ca)} has a basicConstraints extension that is not critical");
        }
        if (bcExt.HasPathLengthConstraint && bcExt.PathLengthConstraint < index - 1)
        {
            throw Fail($"CA certificate {Describe(ca)} has pathLenConstraint {bcExt.PathLengthConstraint}, too small for its {index - 1} CA certificate(s) below it");
        }
        var ku = KeyUsage(ca) ?? throw Fail($"CA certificate {Describe(ca)} has no keyUsage extension");
        if (!ku.Critical)
        {
            throw Fail($"CA certificate {Describe(ca)} has a keyUsage extension that is not critical");
        }
        if (!ku.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign))
        {
            throw Fail($"CA certificate {Describe(ca)} keyUsage lacks keyCertSign");
        }
    }

    private static X509BasicConstraintsExtension? BasicConstraints(X509Certificate2 c) =>
        c.Extensions["2.5.29.19"] is { } e ? new X509BasicConstraintsExtension(e, e.Critical) : null;

    private static X509KeyUsageExtension? KeyUsage(X509Certificate2 c) =>
        c.Extensions["2.5.29.15"] is { } e ? new X509KeyUsageExtension(e, e.Critical) : null;

    private static X509EnhancedKeyUsageExtension? ExtendedKeyUsage(X509Certificate2 c) =>
        c.Extensions["2.5.29.37"] is { } e ? new X509EnhancedKeyUsageExtension(e, e.Critical) : null;

    private static NotaryException Fail(string message) => new(NotaryFailureKind.Authenticity, message);
}
