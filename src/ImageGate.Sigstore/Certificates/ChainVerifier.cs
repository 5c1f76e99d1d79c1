using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ImageGate.Sigstore.Trust;

namespace ImageGate.Sigstore.Certificates;

/// <summary>Builds a certificate chain to one of the trusted authorities at a given time, with a required extended key usage.</summary>
public static class ChainVerifier
{
    /// <summary>EKU code signing (Fulcio leaves).</summary>
    public const string CodeSigningEku = "1.3.6.1.5.5.7.3.3";

    /// <summary>EKU time stamping (TSA leaves).</summary>
    public const string TimeStampingEku = "1.3.6.1.5.5.7.3.8";

    /// <summary>Verifies <paramref name="leaf"/> chains to one of <paramref name="authorities"/> whose validity window holds
    /// <paramref name="at"/>; returns the chain, leaf first and root last. Throws a verification failure otherwise.</summary>
    public static IReadOnlyList<X509Certificate2> Verify(X509Certificate2 leaf, IReadOnlyList<CertificateAuthority> authorities, DateTimeOffset at, string eku, string what)
    {
        if (authorities.Count == 0)
        {
            throw Fail.With($"{what} chain: no trusted certificate authority is configured");
        }
        if (at < leaf.NotBefore.ToUniversalTime() || at > leaf.NotAfter.ToUniversalTime())
        {
            throw Fail.With($"{what} expired or not yet valid at {at.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} (valid {leaf.NotBefore.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ} to {leaf.NotAfter.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ})");
        }
        string? lastError = null;
        foreach (var ca in authorities)
        {
            if (!ca.ValidFor.Contains(at))
            {
                lastError ??= $"the certificate authority {ca.Uri} is not valid at {at.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}";
                continue;
            }
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationTime = at.UtcDateTime;
            chain.ChainPolicy.VerificationTimeIgnored = false;
            chain.ChainPolicy.DisableCertificateDownloads = true;
            chain.ChainPolicy.ApplicationPolicy.Add(new Oid(eku));
            chain.ChainPolicy.CustomTrustStore.AddRange(ca.Roots.ToArray());
            chain.ChainPolicy.ExtraStore.AddRange(ca.Intermediates.ToArray());
            if (chain.Build(leaf))
            {
                var elements = chain.ChainElements.Select(e => e.Certificate).ToList();
                // The anchor must be one of this authority's roots (not merely any certificate with the same name).
                if (ca.Roots.Any(r => r.RawData.AsSpan().SequenceEqual(elements[^1].RawData)))
                {
                    return elements;
                }
            }
            var status = chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct();
            lastError = $"{string.Join("; ", status)}";
        }
        throw Fail.With($"{what} does not chain to a trusted root at {at.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}: {lastError}");
    }
}
