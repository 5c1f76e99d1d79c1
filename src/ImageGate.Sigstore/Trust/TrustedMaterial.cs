using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ImageGate.Sigstore.Trust;

/// <summary>Explicit trust material from an attestor (PEM text); each part set here replaces the trusted root's part.</summary>
/// <param name="FulcioRootsPem">Keyless roots (and optional intermediates), PEM certificates (<c>keyless.roots</c>).</param>
/// <param name="RekorPublicKeyPem">Rekor public key, PEM SPKI (<c>ctlog.rekorPubKey</c>).</param>
/// <param name="CtLogPublicKeyPem">CT log public key, PEM SPKI (<c>ctlog.ctLogPubKey</c>).</param>
/// <param name="TsaCertChainPem">TSA certificate chain, PEM (<c>ctlog.tsaCertChain</c>); adds a timestamp authority.</param>
public sealed record ExplicitTrustMaterial(string? FulcioRootsPem = null, string? RekorPublicKeyPem = null, string? CtLogPublicKeyPem = null, string? TsaCertChainPem = null);

/// <summary>The trust material a verification uses: Fulcio CAs, Rekor logs, CT logs and TSAs.</summary>
public sealed class TrustedMaterial
{
    /// <summary>Rekor transparency logs.</summary>
    public required IReadOnlyList<LogInstance> TransparencyLogs { get; init; }

    /// <summary>Certificate transparency logs.</summary>
    public required IReadOnlyList<LogInstance> CtLogs { get; init; }

    /// <summary>Fulcio certificate authorities.</summary>
    public required IReadOnlyList<CertificateAuthority> CertificateAuthorities { get; init; }

    /// <summary>Timestamp authorities.</summary>
    public required IReadOnlyList<CertificateAuthority> TimestampAuthorities { get; init; }

    /// <summary>True when explicit TSA material was given (which makes a verified timestamp mandatory, as cosign does).</summary>
    public bool ExplicitTimestampAuthority { get; init; }

    /// <summary>Trust material taken from a trusted root alone.</summary>
    public static TrustedMaterial FromRoot(TrustedRoot root) => Combine(root, null);

    /// <summary>Combines a trusted root (may be null) with explicit material; explicit parts win (decision E5).</summary>
    public static TrustedMaterial Combine(TrustedRoot? root, ExplicitTrustMaterial? explicitMaterial)
    {
        var e = explicitMaterial ?? new ExplicitTrustMaterial();
        var tsas = new List<CertificateAuthority>(root?.TimestampAuthorities ?? []);
        if (!string.IsNullOrWhiteSpace(e.TsaCertChainPem))
        {
            tsas.Insert(0, ParseTsaChain(e.TsaCertChainPem));
        }
        return new TrustedMaterial
        {
            CertificateAuthorities = string.IsNullOrWhiteSpace(e.FulcioRootsPem) ? root?.CertificateAuthorities ?? [] : [ParseCaPem(e.FulcioRootsPem)],
            TransparencyLogs = string.IsNullOrWhiteSpace(e.RekorPublicKeyPem) ? root?.TransparencyLogs ?? [] : [ParseKeyPem(e.RekorPublicKeyPem, "ctlog.rekorPubKey")],
            CtLogs = string.IsNullOrWhiteSpace(e.CtLogPublicKeyPem) ? root?.CtLogs ?? [] : [ParseKeyPem(e.CtLogPublicKeyPem, "ctlog.ctLogPubKey")],
            TimestampAuthorities = tsas,
            ExplicitTimestampAuthority = !string.IsNullOrWhiteSpace(e.TsaCertChainPem),
        };
    }

    private static List<X509Certificate2> LoadCerts(string pem, string what)
    {
        try
        {
            var certs = Codec.PemBlocks(pem, "CERTIFICATE").Select(X509CertificateLoader.LoadCertificate).ToList();
            return certs.Count > 0 ? certs : throw new SigstoreConfigurationException($"{what}: no PEM certificate found");
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            throw new SigstoreConfigurationException($"{what}: invalid PEM certificate: {ex.Message}", ex);
        }
    }

    private static bool IsSelfSigned(X509Certificate2 c) => c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData);

    private static CertificateAuthority ParseCaPem(string pem)
    {
        var certs = LoadCerts(pem, "keyless.roots");
        var roots = certs.Where(IsSelfSigned).ToList();
        if (roots.Count == 0)
        {
            // A chain ending in an intermediate: trust its last certificate as the anchor.
            roots = [certs[^1]];
        }
        return new CertificateAuthority("keyless.roots", certs.Except(roots).ToList(), roots, ValidityWindow.Always);
    }

    private static CertificateAuthority ParseTsaChain(string pem)
    {
        var certs = LoadCerts(pem, "ctlog.tsaCertChain");
        var leaf = certs.FirstOrDefault(c => !TrustedRoot.IsCa(c));
        var roots = certs.Where(c => TrustedRoot.IsCa(c) && IsSelfSigned(c)).ToList();
        if (roots.Count == 0)
        {
            roots = [certs[^1]];
        }
        var intermediates = certs.Where(c => c != leaf && !roots.Contains(c)).ToList();
        return new CertificateAuthority("ctlog.tsaCertChain", intermediates, roots, ValidityWindow.Always) { Leaf = leaf };
    }

    private static LogInstance ParseKeyPem(string pem, string what)
    {
        try
        {
            var der = Codec.PemBlocks(pem, "PUBLIC KEY").FirstOrDefault() ?? throw new SigstoreConfigurationException($"{what}: no PEM public key found");
            return new LogInstance(what, Codec.Sha256(der), der, "", ValidityWindow.Always);
        }
        catch (FormatException ex)
        {
            throw new SigstoreConfigurationException($"{what}: invalid PEM public key: {ex.Message}", ex);
        }
    }
}
