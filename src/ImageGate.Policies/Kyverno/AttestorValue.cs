using ImageGate.Cel;
using ImageGate.Policies.Model;
using ImageGate.Verification;

namespace ImageGate.Policies.Kyverno;

/// <summary>The CEL value of <c>attestors.&lt;name&gt;</c>: an <c>imageverify.attestor</c> whose expression
/// fields are evaluated on first use, against the activation of the evaluation that made it.</summary>
internal sealed class AttestorValue : ICelObject
{
    public static readonly CelType Type = CelType.Opaque("imageverify.attestor");

    private readonly Attestor attestor;
    private readonly Func<CelExpression, object> evaluate;
    private AttestorSpec? resolved;
    private string? error;

    public AttestorValue(Attestor attestor, Func<CelExpression, object> evaluate)
    {
        this.attestor = attestor;
        this.evaluate = evaluate;
    }

    public CelType CelType => Type;

    public string Name => attestor.Name;

    public bool TryGetField(string name, out object? value)
    {
        value = name switch
        {
            "name" => attestor.Name,
            _ => null,
        };
        return value is not null;
    }

    /// <summary>The attestor with expressions evaluated, or an error message.</summary>
    public (AttestorSpec? Spec, string? Error) Resolve()
    {
        if (resolved is null && error is null)
        {
            try
            {
                resolved = Build();
            }
            catch (AttestorExpressionException ex)
            {
                error = ex.Message;
            }
        }
        return (resolved, error);
    }

    private AttestorSpec Build()
    {
        if (attestor.Notary is { } notary)
        {
            return new NotaryAttestorSpec(attestor.Name)
            {
                CertificatesPem = Text(notary.Certs, "notary.certs"),
                TsaCertificatesPem = Text(notary.TsaCerts, "notary.tsaCerts"),
            };
        }
        var cosign = attestor.Cosign ?? throw new AttestorExpressionException($"attestor {attestor.Name} has neither cosign nor notary");
        return new CosignAttestorSpec(attestor.Name)
        {
            PublicKeyPem = cosign.Key is { } key ? key.Data ?? (key.Expression is { } e ? String(e, "cosign.key.expression") : null) : null,
            Kms = cosign.Key?.Kms,
            HashAlgorithm = cosign.Key?.HashAlgorithm ?? "sha256",
            CertificatePem = Text(cosign.Certificate?.Cert, "cosign.certificate.cert"),
            CertificateChainPem = Text(cosign.Certificate?.CertChain, "cosign.certificate.certChain"),
            KeylessIdentities = cosign.Keyless?.Identities.Select(i => new KeylessIdentitySpec(i.Issuer, i.Subject, i.IssuerRegExp, i.SubjectRegExp)).ToList(),
            KeylessRootsPem = cosign.Keyless?.Roots,
            RekorPublicKeyPem = cosign.CTLog?.RekorPubKey,
            CtLogPublicKeyPem = cosign.CTLog?.CTLogPubKey,
            TsaCertificateChainPem = cosign.CTLog?.TsaCertChain,
            InsecureIgnoreTlog = cosign.CTLog?.InsecureIgnoreTlog ?? false,
            InsecureIgnoreSct = cosign.CTLog?.InsecureIgnoreSct ?? false,
            TrustedRootJson = Text(cosign.TrustedRoot, "cosign.trustedRoot"),
            Annotations = cosign.Annotations,
            SignatureRepository = cosign.Source?.Repository,
            TagPrefix = cosign.Source?.TagPrefix,
        };
    }

    private string? Text(ValueOrExpression? value, string field) =>
        value is null ? null : value.Value ?? (value.Expression is { } e ? String(e, field) : null);

    private string String(CelExpression expression, string field)
    {
        var result = evaluate(expression);
        return result switch
        {
            string s => s,
            CelError err => throw new AttestorExpressionException($"attestor {attestor.Name}: {field}: {err.Message}"),
            _ => throw new AttestorExpressionException($"attestor {attestor.Name}: {field} must evaluate to a string, got {Values.TypeName(result)}"),
        };
    }
}

/// <summary>An attestor expression that failed or did not give a string.</summary>
internal sealed class AttestorExpressionException(string message) : Exception(message);
