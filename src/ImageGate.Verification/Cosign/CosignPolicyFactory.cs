using ImageGate.Sigstore;
using ImageGate.Sigstore.Bundles;
using ImageGate.Sigstore.Certificates;
using ImageGate.Sigstore.Cosign;

namespace ImageGate.Verification.Cosign;

/// <summary>Turns a Cosign attestor into the pure verifier's policy (key, certificate or keyless identities; inline
/// trusted root with explicit PEMs winning over it, else the embedded public-good root; tlog/SCT switches; annotations).</summary>
internal static class CosignPolicyFactory
{
    /// <summary>Largest inline trusted root accepted (Kyverno's limit is 1 MiB).</summary>
    private const int MaxTrustedRootChars = 1024 * 1024;

    /// <summary>Builds the policy; a configuration the attestor cannot be verified with throws <see cref="CosignAttestorException"/>.</summary>
    public static VerificationPolicy Build(CosignAttestorSpec spec, DateTimeOffset? now)
    {
        if (!string.IsNullOrWhiteSpace(spec.Kms))
        {
            throw new CosignAttestorException($"KMS keys ({spec.Kms}) are not supported; give the public key as key.data");
        }
        if (spec.TrustedRootJson is { Length: > MaxTrustedRootChars })
        {
            throw new CosignAttestorException($"trustedRoot is {spec.TrustedRootJson.Length} characters, more than {MaxTrustedRootChars}");
        }
        var settings = new CosignAttestorSettings
        {
            KeyPem = Blank(spec.PublicKeyPem),
            HashAlgorithm = Blank(spec.HashAlgorithm),
            Identities = (spec.KeylessIdentities ?? [])
                .Select(i => new CertificateIdentity(Blank(i.Subject), Blank(i.Issuer), Blank(i.SubjectRegExp), Blank(i.IssuerRegExp)))
                .ToList(),
            KeylessRootsPem = Blank(spec.KeylessRootsPem),
            CertificatePem = Blank(spec.CertificatePem),
            CertificateChainPem = Blank(spec.CertificateChainPem),
            RekorPublicKeyPem = Blank(spec.RekorPublicKeyPem),
            CtLogPublicKeyPem = Blank(spec.CtLogPublicKeyPem),
            TsaCertChainPem = Blank(spec.TsaCertificateChainPem),
            InsecureIgnoreTlog = spec.InsecureIgnoreTlog,
            InsecureIgnoreSct = spec.InsecureIgnoreSct,
            TrustedRootJson = Blank(spec.TrustedRootJson),
        };
        try
        {
            return settings.ToPolicy() with
            {
                Annotations = spec.Annotations.Count > 0 ? spec.Annotations : null,
                Now = now,
            };
        }
        catch (SigstoreConfigurationException ex)
        {
            throw new CosignAttestorException(ex.Message, ex);
        }
        catch (SigstoreVerificationException ex)
        {
            throw new CosignAttestorException(ex.Message, ex);
        }
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}

/// <summary>An attestor configuration that cannot be used (bad key, unsupported KMS): the attestor fails with this reason.</summary>
internal sealed class CosignAttestorException(string message, Exception? inner = null) : Exception(message, inner);
