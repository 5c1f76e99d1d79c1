namespace ImageGate.Policies.Model;

/// <summary>Where a CEL expression sits in a policy; decides its CEL environment and required output type.</summary>
public enum CelExpressionKind
{
    /// <summary><c>matchConditions[].expression</c> (policy or exception): must be <c>bool</c>.</summary>
    MatchCondition,

    /// <summary><c>variables[].expression</c>: any type.</summary>
    Variable,

    /// <summary><c>images[].expression</c>: <c>list(string)</c>, <c>list(dyn)</c> or <c>dyn</c>.</summary>
    ImageExtractor,

    /// <summary><c>matchImageReferences[].expression</c> (seed era <c>imageRules[].cel</c>): <c>bool</c>, over <c>ref</c> only.</summary>
    ImageReference,

    /// <summary><c>validations[].expression</c>: must be <c>bool</c>.</summary>
    Validation,

    /// <summary><c>validations[].messageExpression</c>: must be <c>string</c>.</summary>
    MessageExpression,

    /// <summary><c>auditAnnotations[].valueExpression</c>: <c>string</c> or <c>null</c>.</summary>
    AuditAnnotation,

    /// <summary>An attestor field given as CEL (key, certificate, chain, trusted root, notary certs): converted to string at run time.</summary>
    AttestorField,

    /// <summary><c>keyless.identities[].subjectExpression</c>.</summary>
    SubjectExpression,
}

/// <summary>A CEL expression of a policy with its kind and owning node.</summary>
public sealed record PolicyExpression(CelExpressionKind Kind, CelExpression Expression, PolicyNode Owner);

/// <summary>Lists every CEL expression of a policy or exception in document order, so a compiler can compile
/// them once and report errors with their path and span.</summary>
public static class PolicyExpressions
{
    /// <summary>All CEL expressions of a policy's spec.</summary>
    public static IEnumerable<PolicyExpression> Of(ImageValidatingPolicy policy)
    {
        var spec = policy.Spec;
        foreach (var c in spec.MatchConditions)
        {
            yield return new(CelExpressionKind.MatchCondition, c.Expression, c);
        }
        foreach (var v in spec.Variables)
        {
            yield return new(CelExpressionKind.Variable, v.Expression, v);
        }
        foreach (var i in spec.Images)
        {
            yield return new(CelExpressionKind.ImageExtractor, i.Expression, i);
        }
        foreach (var m in spec.MatchImageReferences.Where(m => m.Expression is not null))
        {
            yield return new(CelExpressionKind.ImageReference, m.Expression!, m);
        }
        foreach (var attestor in spec.Attestors)
        {
            foreach (var field in AttestorExpressions(attestor))
            {
                yield return field;
            }
        }
        foreach (var v in spec.Validations)
        {
            yield return new(CelExpressionKind.Validation, v.Expression, v);
            if (v.MessageExpression is { } message)
            {
                yield return new(CelExpressionKind.MessageExpression, message, v);
            }
        }
        foreach (var a in spec.AuditAnnotations)
        {
            yield return new(CelExpressionKind.AuditAnnotation, a.ValueExpression, a);
        }
    }

    /// <summary>The match conditions of an exception (compiled in the policy's environment).</summary>
    public static IEnumerable<PolicyExpression> Of(PolicyException exception) =>
        exception.Spec.MatchConditions.Select(c => new PolicyExpression(CelExpressionKind.MatchCondition, c.Expression, c));

    private static IEnumerable<PolicyExpression> AttestorExpressions(Attestor attestor)
    {
        var candidates = new List<(CelExpression?, PolicyNode?)>();
        if (attestor.Cosign is { } cosign)
        {
            candidates.Add((cosign.Key?.Expression, cosign.Key));
            candidates.Add((cosign.Certificate?.Cert?.Expression, cosign.Certificate?.Cert));
            candidates.Add((cosign.Certificate?.CertChain?.Expression, cosign.Certificate?.CertChain));
            candidates.Add((cosign.TrustedRoot?.Expression, cosign.TrustedRoot));
        }
        if (attestor.Notary is { } notary)
        {
            candidates.Add((notary.Certs?.Expression, notary.Certs));
            candidates.Add((notary.TsaCerts?.Expression, notary.TsaCerts));
        }
        foreach (var (expression, owner) in candidates)
        {
            if (expression is not null && owner is not null)
            {
                yield return new(CelExpressionKind.AttestorField, expression, owner);
            }
        }
        foreach (var identity in attestor.Cosign?.Keyless?.Identities ?? [])
        {
            if (identity.SubjectExpression is { } subject)
            {
                yield return new(CelExpressionKind.SubjectExpression, subject, identity);
            }
        }
    }
}
