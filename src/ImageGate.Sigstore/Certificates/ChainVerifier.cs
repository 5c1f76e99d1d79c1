using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ImageGate.Sigstore.Crypto;
using ImageGate.Sigstore.Trust;

namespace ImageGate.Sigstore.Certificates;

/// <summary>Verifies a certificate path to one of the trusted authorities at a given time, with a required extended key
/// usage. Sigstore paths are short (leaf, intermediates, root), so the path is built and checked here directly: the
/// platform chain engine would load system trust stores and costs hundreds of milliseconds on first use.</summary>
public static class ChainVerifier
{
    /// <summary>EKU code signing (Fulcio leaves).</summary>
    public const string CodeSigningEku = "1.3.6.1.5.5.7.3.3";

    /// <summary>EKU time stamping (TSA leaves).</summary>
    public const string TimeStampingEku = "1.3.6.1.5.5.7.3.8";

    private const int MaxDepth = 8;

    /// <summary>Verifies <paramref name="leaf"/> chains to one of <paramref name="authorities"/> whose validity window holds
    /// <paramref name="at"/>; returns the path, leaf first and root last. Throws a verification failure otherwise.
    /// <paramref name="untrustedIntermediates"/> (from the signature itself) may fill the path; only the roots are trusted.</summary>
    public static IReadOnlyList<X509Certificate2> Verify(X509Certificate2 leaf, IReadOnlyList<CertificateAuthority> authorities, DateTimeOffset at, string eku, string what,
        IReadOnlyList<X509Certificate2>? untrustedIntermediates = null)
    {
        if (authorities.Count == 0)
        {
            throw Fail.With($"{what} chain: no trusted certificate authority is configured");
        }
        if (!TryValidity(leaf, out var notBefore, out var notAfter))
        {
            throw Fail.With($"{what} has a validity period that cannot be read");
        }
        if (at < notBefore || at > notAfter)
        {
            throw Fail.With($"{what} expired or not yet valid at {Iso(at)} (valid {Iso(notBefore)} to {Iso(notAfter)})");
        }
        if (!HasEku(leaf, eku, requirePresent: true))
        {
            throw Fail.With($"{what} lacks the extended key usage {eku}");
        }
        string? lastError = null;
        // An authority outside its window is named only if the chain fails: formatting the time costs start-up time
        // on the common path, where an older authority of the trusted root is skipped and a newer one verifies.
        CertificateAuthority? outOfWindow = null;
        foreach (var ca in authorities)
        {
            if (!ca.ValidFor.Contains(at))
            {
                if (lastError is null)
                {
                    outOfWindow ??= ca;
                }
                continue;
            }
            var path = TryBuild(leaf, ca, untrustedIntermediates ?? [], at, eku, out var error);
            if (path is not null)
            {
                return path;
            }
            lastError = error;
            outOfWindow = null;
        }
        lastError ??= outOfWindow is null ? null : $"the certificate authority {outOfWindow.Uri} is not valid at {Iso(at)}";
        throw Fail.With($"{what} does not chain to a trusted root at {Iso(at)}: {lastError}");
    }

    private static List<X509Certificate2>? TryBuild(X509Certificate2 leaf, CertificateAuthority ca, IReadOnlyList<X509Certificate2> extra, DateTimeOffset at, string eku, out string? error)
    {
        var path = new List<X509Certificate2> { leaf };
        var current = leaf;
        for (var depth = 0; depth < MaxDepth; depth++)
        {
            if (depth > 0 && ca.Roots.Any(r => Same(r, current)))
            {
                error = null;
                return path;
            }
            var issuer = ca.Intermediates.Concat(ca.Roots).Concat(extra).FirstOrDefault(c =>
                !Same(c, current) && c.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData) && SignedBy(current, c));
            if (issuer is null)
            {
                error = $"no trusted issuer signed \"{current.Subject}\" (issuer \"{current.Issuer}\")";
                return null;
            }
            if (!IsCa(issuer))
            {
                error = $"issuer \"{issuer.Subject}\" is not a certificate authority";
                return null;
            }
            if (!ValidAt(issuer, at))
            {
                error = $"issuer \"{issuer.Subject}\" is not valid at {Iso(at)}";
                return null;
            }
            if (!HasEku(issuer, eku, requirePresent: false))
            {
                error = $"issuer \"{issuer.Subject}\" does not allow the extended key usage {eku}";
                return null;
            }
            path.Add(issuer);
            current = issuer;
            if (ca.Roots.Any(r => Same(r, issuer)))
            {
                error = null;
                return path;
            }
        }
        error = "certificate path is too long";
        return null;
    }

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    private static string Iso(DateTime t) => t.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    private static bool Same(X509Certificate2 a, X509Certificate2 b) => a.RawData.AsSpan().SequenceEqual(b.RawData);

    /// <summary>A certificate whose validity period cannot be read is valid at no time.</summary>
    private static bool ValidAt(X509Certificate2 cert, DateTimeOffset at) =>
        TryValidity(cert, out var notBefore, out var notAfter) && at >= notBefore && at <= notAfter;

    /// <summary>The validity period in UTC; false when the dates cannot be decoded (the platform reads them lazily, so a
    /// certificate that loaded may still hold damaged dates).</summary>
    internal static bool TryValidity(X509Certificate2 cert, out DateTime notBefore, out DateTime notAfter)
    {
        try
        {
            notBefore = cert.NotBefore.ToUniversalTime();
            notAfter = cert.NotAfter.ToUniversalTime();
            return true;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            notBefore = notAfter = default;
            return false;
        }
    }

    private static bool IsCa(X509Certificate2 cert) =>
        cert.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault()?.CertificateAuthority ?? false;

    /// <summary>A leaf must list the EKU; a CA either lists it or has no EKU extension (no restriction).</summary>
    private static bool HasEku(X509Certificate2 cert, string eku, bool requirePresent)
    {
        var ext = cert.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        if (ext is null)
        {
            return !requirePresent;
        }
        return ext.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == eku || o.Value == "2.5.29.37.0");
    }

    /// <summary>True when <paramref name="issuer"/>'s key made the signature on <paramref name="cert"/>.</summary>
    internal static bool SignedBy(X509Certificate2 cert, X509Certificate2 issuer)
    {
        try
        {
            var seq = new AsnReader(cert.RawData, AsnEncodingRules.DER).ReadSequence();
            var tbs = seq.ReadEncodedValue();
            var algorithm = seq.ReadSequence().ReadObjectIdentifier();
            var signature = seq.ReadBitString(out _);
            HashAlgorithmName? hash = algorithm switch
            {
                "1.2.840.10045.4.3.2" or "1.2.840.113549.1.1.11" => HashAlgorithmName.SHA256,
                "1.2.840.10045.4.3.3" or "1.2.840.113549.1.1.12" => HashAlgorithmName.SHA384,
                "1.2.840.10045.4.3.4" or "1.2.840.113549.1.1.13" => HashAlgorithmName.SHA512,
                "1.3.101.112" => HashAlgorithmName.SHA512, // Ed25519 ignores the hash
                _ => null,
            };
            if (hash is null)
            {
                return false;
            }
            using var key = VerificationKey.FromSpki(issuer.PublicKey.ExportSubjectPublicKeyInfo());
            return key.VerifyData(tbs.Span, signature, hash.Value);
        }
        catch (Exception ex) when (ex is AsnContentException or CryptographicException or SigstoreVerificationException)
        {
            return false;
        }
    }
}
