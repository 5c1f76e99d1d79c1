using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ImageGate.Sigstore.Certificates;
using ImageGate.Sigstore.Crypto;
using ImageGate.Sigstore.Formats;
using ImageGate.Sigstore.Transparency;
using ImageGate.Sigstore.Trust;

namespace ImageGate.Sigstore.Bundles;

/// <summary>What a signature must satisfy: a key, a certificate, or keyless identities, plus the trust material and switches.</summary>
public sealed record VerificationPolicy
{
    /// <summary>Accepted keyless identities (any of them may match). Used when neither <see cref="Key"/> nor <see cref="Certificate"/> is set.</summary>
    public IReadOnlyList<CertificateIdentity> Identities { get; init; } = [];

    /// <summary>Public key of a key attestor; the signature's own key material is then ignored.</summary>
    public VerificationKey? Key { get; init; }

    /// <summary>Hash used with <see cref="Key"/> (Kyverno's <c>hashAlgorithm</c>, SHA-256 by default).</summary>
    public HashAlgorithmName KeyHash { get; init; } = HashAlgorithmName.SHA256;

    /// <summary>Accept RSA-PSS key signatures (off: cosign accepts PKCS#1 v1.5 only).</summary>
    public bool AllowRsaPss { get; init; }

    /// <summary>Certificate of a certificate attestor (<c>certificate.cert</c>).</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>Chain of a certificate attestor (<c>certificate.certChain</c>): intermediates then root.</summary>
    public IReadOnlyList<X509Certificate2> CertificateChain { get; init; } = [];

    /// <summary>Trust material (Fulcio, Rekor, CT logs, TSAs). Defaults to the public-good root when null.</summary>
    public TrustedMaterial? Trust { get; init; }

    /// <summary>Skip the transparency log (<c>ctlog.insecureIgnoreTlog</c>).</summary>
    public bool IgnoreTlog { get; init; }

    /// <summary>Skip the embedded SCT check (<c>ctlog.insecureIgnoreSCT</c>).</summary>
    public bool IgnoreSct { get; init; }

    /// <summary>Require at least one verified RFC 3161 timestamp.</summary>
    public bool RequireTimestamp { get; init; }

    /// <summary>Annotations the cosign simple-signing payload's <c>optional</c> map must contain.</summary>
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>The current time, used only when no verified timestamp exists (tests may fix it).</summary>
    public DateTimeOffset? Now { get; init; }

    /// <summary>The policy of the sigstore-conformance <c>verify-bundle</c> command: a certificate identity and OIDC issuer
    /// (exact), or a PEM public key; the given trusted root, else the embedded public-good root.</summary>
    public static VerificationPolicy ForBundle(string? certificateIdentity, string? certificateOidcIssuer, string? keyPem, TrustedRoot? trustedRoot)
    {
        if (keyPem is null && (string.IsNullOrEmpty(certificateIdentity) || string.IsNullOrEmpty(certificateOidcIssuer)))
        {
            throw new SigstoreConfigurationException("verify-bundle needs --key, or both --certificate-identity and --certificate-oidc-issuer");
        }
        VerificationKey? key = null;
        if (keyPem is not null)
        {
            try
            {
                key = VerificationKey.FromPem(keyPem);
            }
            catch (SigstoreVerificationException ex)
            {
                throw new SigstoreConfigurationException("--key: " + ex.Message, ex);
            }
        }
        return new VerificationPolicy
        {
            Key = key,
            // A bundle's key may be RSA-PSS (its trusted-root key details say so); only the Kyverno key attestor forbids it.
            AllowRsaPss = true,
            Identities = key is null ? [new CertificateIdentity(certificateIdentity, certificateOidcIssuer)] : [],
            Trust = TrustedMaterial.FromRoot(trustedRoot ?? TrustedRoot.PublicGood),
        };
    }

    internal TrustedMaterial EffectiveTrust => Trust ?? TrustedMaterial.FromRoot(TrustedRoot.PublicGood);
}

/// <summary>The outcome of verifying a bundle or cosign signature, with what was verified.</summary>
public sealed record SignatureVerificationResult(bool Verified, string? FailureReason)
{
    /// <summary>The verified in-toto statement (DSSE content only).</summary>
    public InTotoStatement? Statement { get; init; }

    /// <summary>The raw verified DSSE payload (DSSE content only).</summary>
    public byte[]? Payload { get; init; }

    /// <summary>The signer identity for certificate-based signatures.</summary>
    public FulcioIdentity? Identity { get; init; }

    /// <summary>Verified times (Rekor integrated times and RFC 3161 times).</summary>
    public IReadOnlyList<DateTimeOffset> ObservedTimes { get; init; } = [];

    /// <inheritdoc/>
    public override string ToString() => Verified ? "verified" : "failed: " + FailureReason;
}

/// <summary>The parts of a signed thing, whatever its envelope: a bundle or a cosign OCI layer.</summary>
internal sealed class SignedEntity
{
    public required string What { get; init; }
    public X509Certificate2? Certificate { get; init; }
    public IReadOnlyList<X509Certificate2> Chain { get; init; } = [];
    public byte[] Signature { get; init; } = [];
    public DsseEnvelope? Envelope { get; init; }
    public byte[]? EnvelopeBytes { get; init; }
    public byte[]? MessageBytes { get; init; }
    public byte[]? MessageDigest { get; init; }
    public IReadOnlyList<TransparencyLogEntry> TlogEntries { get; init; } = [];
    public IReadOnlyList<byte[]> Timestamps { get; init; } = [];
    public bool VerifyAllTimestamps { get; init; }
    public bool AnySan { get; init; }
}
