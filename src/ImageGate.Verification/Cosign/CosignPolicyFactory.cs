using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ImageGate.Sigstore;
using ImageGate.Sigstore.Bundles;
using ImageGate.Sigstore.Certificates;
using ImageGate.Sigstore.Crypto;
using ImageGate.Sigstore.Trust;

namespace ImageGate.Verification.Cosign;

/// <summary>Turns a Cosign attestor into the pure verifier's policy: key, certificate or keyless identities, trust
/// material (inline trusted root, explicit PEMs winning over it, else the embedded public-good root) and switches.</summary>
internal static class CosignPolicyFactory
{
    /// <summary>Builds the policy; a configuration the attestor cannot be verified with throws <see cref="CosignAttestorException"/>.</summary>
    public static VerificationPolicy Build(CosignAttestorSpec spec, DateTimeOffset? now)
    {
        if (!string.IsNullOrWhiteSpace(spec.Kms))
        {
            throw new CosignAttestorException($"KMS keys ({spec.Kms}) are not supported; give the public key as key.data");
        }
        try
        {
            var policy = new VerificationPolicy
            {
                IgnoreTlog = spec.InsecureIgnoreTlog,
                IgnoreSct = spec.InsecureIgnoreSct,
                Annotations = spec.Annotations.Count > 0 ? spec.Annotations : null,
                Trust = Trust(spec),
                Now = now,
            };
            if (!string.IsNullOrWhiteSpace(spec.PublicKeyPem))
            {
                return policy with { Key = VerificationKey.FromPem(spec.PublicKeyPem), KeyHash = Hash(spec.HashAlgorithm) };
            }
            if (!string.IsNullOrWhiteSpace(spec.CertificatePem))
            {
                return policy with
                {
                    Certificate = Certificates(spec.CertificatePem, "certificate.cert")[0],
                    CertificateChain = string.IsNullOrWhiteSpace(spec.CertificateChainPem) ? [] : Certificates(spec.CertificateChainPem, "certificate.certChain"),
                };
            }
            var identities = (spec.KeylessIdentities ?? [])
                .Select(i => new CertificateIdentity(Blank(i.Subject), Blank(i.Issuer), Blank(i.SubjectRegExp), Blank(i.IssuerRegExp)))
                .ToList();
            if (identities.Count == 0)
            {
                throw new CosignAttestorException("the attestor has no key, certificate or keyless identities");
            }
            return policy with { Identities = identities };
        }
        catch (SigstoreVerificationException ex)
        {
            throw new CosignAttestorException(ex.Message, ex);
        }
        catch (SigstoreConfigurationException ex)
        {
            throw new CosignAttestorException(ex.Message, ex);
        }
    }

    private static TrustedMaterial? Trust(CosignAttestorSpec spec)
    {
        var explicitMaterial = new ExplicitTrustMaterial(spec.KeylessRootsPem, spec.RekorPublicKeyPem, spec.CtLogPublicKeyPem, spec.TsaCertificateChainPem);
        var hasExplicit = new[] { spec.KeylessRootsPem, spec.RekorPublicKeyPem, spec.CtLogPublicKeyPem, spec.TsaCertificateChainPem }.Any(s => !string.IsNullOrWhiteSpace(s));
        if (string.IsNullOrWhiteSpace(spec.TrustedRootJson) && !hasExplicit)
        {
            return null; // the pure verifier falls back to the embedded public-good root
        }
        var root = string.IsNullOrWhiteSpace(spec.TrustedRootJson) ? TrustedRoot.PublicGood : TrustedRoot.Parse(spec.TrustedRootJson, "trustedRoot");
        return TrustedMaterial.Combine(root, explicitMaterial);
    }

    private static HashAlgorithmName Hash(string name) => name.Trim().ToLowerInvariant() switch
    {
        "" or "sha256" => HashAlgorithmName.SHA256,
        "sha384" => HashAlgorithmName.SHA384,
        "sha512" => HashAlgorithmName.SHA512,
        _ => throw new CosignAttestorException($"unsupported key.hashAlgorithm '{name}' (sha256, sha384 or sha512)"),
    };

    private static List<X509Certificate2> Certificates(string pem, string what)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw new CosignAttestorException($"{what}: invalid PEM certificate: {ex.Message}", ex);
        }
        return collection.Count > 0 ? [.. collection] : throw new CosignAttestorException($"{what}: no PEM certificate found");
    }

    private static string? Blank(string? s) => string.IsNullOrEmpty(s) ? null : s;
}

/// <summary>An attestor configuration that cannot be used (bad key, unsupported KMS): the attestor fails with this reason.</summary>
internal sealed class CosignAttestorException(string message, Exception? inner = null) : Exception(message, inner);
