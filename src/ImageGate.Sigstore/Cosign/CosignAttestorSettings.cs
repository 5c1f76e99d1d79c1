using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ImageGate.Sigstore.Bundles;
using ImageGate.Sigstore.Certificates;
using ImageGate.Sigstore.Crypto;
using ImageGate.Sigstore.Trust;

namespace ImageGate.Sigstore.Cosign;

/// <summary>The verification settings of a Kyverno <c>attestors[].cosign</c> entry, as plain values.</summary>
public sealed record CosignAttestorSettings
{
    /// <summary><c>key.data</c>: PEM public key.</summary>
    public string? KeyPem { get; init; }

    /// <summary><c>key.hashAlgorithm</c> (sha256 by default).</summary>
    public string? HashAlgorithm { get; init; }

    /// <summary><c>keyless.identities</c> (any of them may match).</summary>
    public IReadOnlyList<CertificateIdentity> Identities { get; init; } = [];

    /// <summary><c>keyless.roots</c>: PEM certificates.</summary>
    public string? KeylessRootsPem { get; init; }

    /// <summary><c>certificate.cert</c>: PEM certificate.</summary>
    public string? CertificatePem { get; init; }

    /// <summary><c>certificate.certChain</c>: PEM intermediates then root.</summary>
    public string? CertificateChainPem { get; init; }

    /// <summary><c>ctlog.rekorPubKey</c>.</summary>
    public string? RekorPublicKeyPem { get; init; }

    /// <summary><c>ctlog.ctLogPubKey</c>.</summary>
    public string? CtLogPublicKeyPem { get; init; }

    /// <summary><c>ctlog.tsaCertChain</c>; makes a verified RFC 3161 timestamp mandatory.</summary>
    public string? TsaCertChainPem { get; init; }

    /// <summary><c>ctlog.insecureIgnoreTlog</c>.</summary>
    public bool InsecureIgnoreTlog { get; init; }

    /// <summary><c>ctlog.insecureIgnoreSCT</c>.</summary>
    public bool InsecureIgnoreSct { get; init; }

    /// <summary><c>trustedRoot.value</c>: trusted root JSON; otherwise the embedded public-good root.</summary>
    public string? TrustedRootJson { get; init; }

    /// <summary>Builds the policy; explicit PEM material wins over the trusted root (decision E5). Unusable settings
    /// throw <see cref="SigstoreConfigurationException"/> naming the field.</summary>
    public VerificationPolicy ToPolicy()
    {
        var modes = (KeyPem is null ? 0 : 1) + (CertificatePem is null ? 0 : 1) + (Identities.Count == 0 && KeylessRootsPem is null ? 0 : 1);
        if (modes != 1)
        {
            throw new SigstoreConfigurationException("cosign attestor: set exactly one of key, certificate or keyless");
        }
        var root = TrustedRootJson is null ? TrustedRoot.PublicGood : TrustedRoot.Parse(TrustedRootJson, "cosign attestor trustedRoot");
        var trust = TrustedMaterial.Combine(root, new ExplicitTrustMaterial(KeylessRootsPem, RekorPublicKeyPem, CtLogPublicKeyPem, TsaCertChainPem));
        return new VerificationPolicy
        {
            Key = KeyPem is null ? null : Load(() => VerificationKey.FromPem(KeyPem), "key.data"),
            KeyHash = SignatureChecks.ParseHashAlgorithm(HashAlgorithm),
            Identities = Identities,
            Certificate = CertificatePem is null ? null : Load(() => Certs(CertificatePem, "certificate.cert")[0], "certificate.cert"),
            CertificateChain = CertificateChainPem is null ? [] : Certs(CertificateChainPem, "certificate.certChain"),
            Trust = trust,
            IgnoreTlog = InsecureIgnoreTlog,
            IgnoreSct = InsecureIgnoreSct,
        };
    }

    private static T Load<T>(Func<T> load, string field)
    {
        try
        {
            return load();
        }
        catch (Exception ex) when (ex is SigstoreVerificationException or CryptographicException or FormatException)
        {
            throw new SigstoreConfigurationException($"cosign attestor {field}: {ex.Message}", ex);
        }
    }

    private static List<X509Certificate2> Certs(string pem, string field) => Load(() =>
    {
        var certs = Codec.PemBlocks(pem, "CERTIFICATE").Take(10).Select(X509CertificateLoader.LoadCertificate).ToList();
        return certs.Count > 0 ? certs : throw new SigstoreConfigurationException($"cosign attestor {field}: no PEM certificate found");
    }, field);
}
