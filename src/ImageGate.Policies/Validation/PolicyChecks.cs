using System.Text.RegularExpressions;
using ImageGate.Policies.Loading;
using ImageGate.Policies.Model;

namespace ImageGate.Policies.Validation;

/// <summary>Checks beyond the CRD schema: what Kyverno's policy admission rejects, and fields that are accepted
/// but have no effect (warned so that authors are not surprised).</summary>
internal static partial class PolicyChecks
{
    private const int MaxMatchConditions = 64;

    public static void Check(ImageValidatingPolicy policy, LoadContext ctx)
    {
        var spec = policy.Spec;
        CheckMatchConstraints(spec, ctx);
        CheckActions(spec, ctx);
        if (spec.MatchConditions.Count > MaxMatchConditions)
        {
            var at = spec.LocationOf("matchConditions");
            ctx.Warning(DiagnosticCodes.Invalid, at.Path, at.Span,
                $"{spec.MatchConditions.Count} match conditions; Kubernetes allows at most {MaxMatchConditions}");
        }
        foreach (var validation in spec.Validations.Where(v => v.Reason is not null))
        {
            var at = validation.LocationOf("reason");
            ctx.Warning(DiagnosticCodes.Ignored, at.Path, at.Span, "reason is ignored by image validating policies");
        }
        WarnDuplicates(spec.MatchConditions, n => n.Name, "match condition", ctx);
        WarnDuplicates(spec.Variables, n => n.Name, "variable", ctx);
        WarnDuplicates(spec.Images, n => n.Name, "image extractor", ctx);
        WarnDuplicates(spec.Attestors, a => a.Name, "attestor", ctx);
        WarnDuplicates(spec.Attestations, a => a.Name, "attestation", ctx);
        WarnDuplicates(spec.AuditAnnotations, a => a.Key, "audit annotation key", ctx);
        foreach (var variable in spec.Variables.Where(v => !CelIdentifier().IsMatch(v.Name)))
        {
            var at = variable.LocationOf("name");
            ctx.Warning(DiagnosticCodes.Invalid, at.Path, at.Span,
                $"variable name \"{variable.Name}\" is not a CEL identifier; variables.{variable.Name} cannot be referenced");
        }
        foreach (var attestor in spec.Attestors)
        {
            CheckAttestor(attestor, ctx);
        }
        foreach (var attestation in spec.Attestations.Where(a => a.InTotoType is null && a.ReferrerType is null))
        {
            ctx.Warning(DiagnosticCodes.Required, attestation.Path, attestation.Span,
                "attestation has neither intoto nor referrer; nothing can verify it");
        }
        if (policy.Kind == PolicyKind.NamespacedImageValidatingPolicy)
        {
            CheckNamespacedLibraries(policy, ctx);
        }
        if (spec.WebhookTimeoutSeconds is { } timeout && timeout is < 1 or > 30)
        {
            ctx.Warning(DiagnosticCodes.Invalid, "spec.webhookConfiguration.timeoutSeconds", spec.Span,
                $"timeoutSeconds {timeout} is outside 1..30; the API server rejects such a webhook");
        }
    }

    private static void CheckMatchConstraints(ImageValidatingPolicySpec spec, LoadContext ctx)
    {
        var match = spec.MatchConstraints;
        if (spec.Evaluation.Mode == EvaluationMode.Json && match is null)
        {
            return; // JSON-mode policies judge arbitrary payloads (apply --json), not Kubernetes resources
        }
        if (match is null || match.ResourceRules.Count == 0)
        {
            var at = match?.LocationOf("resourceRules") ?? spec.LocationOf("matchConstraints");
            ctx.Error(DiagnosticCodes.Required, match is null ? at.Path : FieldPath.Child(match.Path, "resourceRules"), at.Span,
                "a matchConstraints with at least one resource rule is required (Kyverno rejects the policy)");
            return;
        }
        if (match.MatchPolicy == MatchPolicyType.Equivalent)
        {
            var at = match.LocationOf("matchPolicy");
            ctx.Warning(DiagnosticCodes.Ignored, at.Path, at.Span,
                "matchPolicy Equivalent is not performed: requests are matched exactly as written");
        }
        foreach (var rule in match.ResourceRules.Concat(match.ExcludeResourceRules))
        {
            var empty = new[]
            {
                ("apiGroups", rule.ApiGroups.Count),
                ("apiVersions", rule.ApiVersions.Count),
                ("operations", rule.Operations.Count),
                ("resources", rule.Resources.Count),
            }.Where(f => f.Item2 == 0).Select(f => f.Item1).ToList();
            if (empty.Count > 0)
            {
                ctx.Warning(DiagnosticCodes.Required, rule.Path, rule.Span,
                    $"the rule has no {string.Join(", ", empty)} and matches nothing");
            }
        }
    }

    /// <summary>The cluster refuses namespaced policies that read <c>globalContext</c>, and (unless a controller
    /// flag allows it) that call <c>http</c>.</summary>
    private static void CheckNamespacedLibraries(ImageValidatingPolicy policy, LoadContext ctx)
    {
        foreach (var item in PolicyExpressions.Of(policy))
        {
            var code = StringLiteral().Replace(item.Expression.Text, "''"); // text inside literals is not a call
            foreach (var (library, pattern) in new[] { ("globalContext", GlobalContextUse()), ("http", HttpUse()) })
            {
                if (pattern.IsMatch(code))
                {
                    ctx.Warning(DiagnosticCodes.Invalid, item.Expression.Path, item.Expression.Span,
                        $"{library}.* in a NamespacedImageValidatingPolicy: the cluster rejects such policies"
                        + (library == "http" ? " unless --allowHTTPInNamespacedPolicies is set" : ""));
                }
            }
        }
    }

    private static void CheckActions(ImageValidatingPolicySpec spec, LoadContext ctx)
    {
        if (spec.ValidationActions.Contains(ValidationAction.Deny) && spec.ValidationActions.Contains(ValidationAction.Warn))
        {
            var at = spec.LocationOf("validationActions");
            ctx.Warning(DiagnosticCodes.Invalid, at.Path, at.Span,
                "Deny and Warn should not be combined: a denied request is also warned about");
        }
    }

    private static void CheckAttestor(Attestor attestor, LoadContext ctx)
    {
        if (attestor.Cosign is { } cosign)
        {
            if (cosign.Key is null && cosign.Keyless is null && cosign.Certificate is null)
            {
                ctx.Warning(DiagnosticCodes.Required, cosign.Path, cosign.Span,
                    "cosign attestor has no key, keyless or certificate; signatures cannot be verified");
            }
            if (cosign.Key is { } key)
            {
                var sources = new[] { key.Data is not null, key.Kms is not null, key.Expression is not null, key.SecretRef is not null }
                    .Count(set => set);
                if (sources == 0)
                {
                    ctx.Error(DiagnosticCodes.OneOf, key.Path, key.Span,
                        key.SecretRef is null && ctx.SeedEraAllowed
                            ? "cosign.key needs one of data, kms, expression or secretRef"
                            : "cosign.key needs one of data, kms or expression");
                }
                else if (sources > 1)
                {
                    ctx.Warning(DiagnosticCodes.OneOf, key.Path, key.Span,
                        "cosign.key sets more than one of data, kms, expression, secretRef; expression replaces data and data wins over kms");
                }
            }
            if (cosign.Keyless is { } keyless)
            {
                if (keyless.Identities.Count == 0 && keyless.Fields.ContainsKey("identities"))
                {
                    var at = keyless.LocationOf("identities");
                    ctx.Warning(DiagnosticCodes.Required, at.Path, at.Span, "no identities: no keyless signature can verify");
                }
                if (keyless.AdditionalExtensions.Count > 0)
                {
                    var at = keyless.LocationOf("additionalExtensions");
                    ctx.Warning(DiagnosticCodes.Ignored, at.Path, at.Span,
                        "additionalExtensions is ignored by image validating policies");
                }
                foreach (var identity in keyless.Identities.Where(i =>
                             i.Issuer is null && i.Subject is null && i.IssuerRegExp is null && i.SubjectRegExp is null && i.SubjectExpression is null))
                {
                    ctx.Warning(DiagnosticCodes.Required, identity.Path, identity.Span, "identity sets no issuer or subject");
                }
            }
        }
        if (attestor.Notary is { Certs: null } notary)
        {
            ctx.Warning(DiagnosticCodes.Required, notary.Path, notary.Span,
                "notary attestor has no certs; signatures cannot be verified");
        }
    }

    private static void WarnDuplicates<T>(IReadOnlyList<T> items, Func<T, string> name, string what, LoadContext ctx)
        where T : PolicyNode
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (!seen.Add(name(item)))
            {
                ctx.Warning(DiagnosticCodes.Invalid, item.Path, item.Span,
                    $"duplicate {what} \"{name(item)}\": the later entry wins");
            }
        }
    }

    [GeneratedRegex(@"(?<![\w.])globalContext\s*\.")]
    private static partial Regex GlobalContextUse();

    [GeneratedRegex(@"(?<![\w.])http\s*\.\s*(get|Get|post|Post|client|Client)\s*\(")]
    private static partial Regex HttpUse();

    [GeneratedRegex(@"'(?:[^'\\]|\\.)*'|""(?:[^""\\]|\\.)*""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex CelIdentifier();
}
