namespace ImageGate.Reporting;

/// <summary>Outcome of one policy for one resource, as reports spell it.</summary>
public enum Outcome
{
    /// <summary>All validations held.</summary>
    Pass,
    /// <summary>A validation, verifyDigest or required check failed.</summary>
    Fail,
    /// <summary>The policy could not be evaluated (compile, match or runtime error).</summary>
    Error,
    /// <summary>A PolicyException excluded the resource.</summary>
    Skip,
    /// <summary>A failure of a policy annotated <c>policies.kyverno.io/scored: "false"</c>.</summary>
    Warn,
}

/// <summary>A policy's <c>validationActions</c> entry.</summary>
public enum ValidationAction
{
    /// <summary>Fail the pipeline (error annotation, exit code 1).</summary>
    Deny,
    /// <summary>Warn (warning annotation), never fail the pipeline.</summary>
    Warn,
    /// <summary>Record in reports only.</summary>
    Audit,
}

/// <summary>The kind of policy that produced a finding.</summary>
public enum PolicyKind
{
    /// <summary>Cluster-scoped <c>ImageValidatingPolicy</c>.</summary>
    ImageValidatingPolicy,
    /// <summary><c>NamespacedImageValidatingPolicy</c>.</summary>
    NamespacedImageValidatingPolicy,
}

/// <summary>Which findings make the run fail (<c>fail-on</c> input).</summary>
public enum FailOn
{
    /// <summary>Failures and errors of policies with the Deny action (the default, decision 5).</summary>
    Deny,
    /// <summary>Also failures and errors of policies with the Warn action.</summary>
    Warn,
    /// <summary>Findings never fail the run; input errors still do.</summary>
    Never,
}

/// <summary>Which check of a policy produced a verdict; SARIF rules are keyed by it.</summary>
public enum PolicyCheck
{
    /// <summary>One of <c>spec.validations</c> (see <see cref="Finding.ValidationIndex"/>).</summary>
    Validation,
    /// <summary><c>validationConfigurations.verifyDigest</c>: the image is not referenced by digest.</summary>
    VerifyDigest,
    /// <summary><c>validationConfigurations.required</c>: no policy verified the image.</summary>
    Required,
    /// <summary>The policy could not be compiled, matched or evaluated.</summary>
    Evaluation,
    /// <summary>A PolicyException excluded the resource.</summary>
    Exception,
    /// <summary>The policy as a whole (a pass, or a failure the engine did not attribute).</summary>
    Policy,
}

/// <summary>A 1-based source range; <see cref="EndColumn"/> is the column after the last character, 0 when unknown.</summary>
public sealed record SourceSpan(string File, int Line, int Column = 0, int EndLine = 0, int EndColumn = 0)
{
    /// <summary><c>file:line</c>, the form humans click on.</summary>
    public override string ToString() => Line > 0 ? $"{File}:{Line}" : File;
}

/// <summary>The Kubernetes object a finding is about, with where it was read from.</summary>
public sealed record ResourceRef(string ApiVersion, string Kind, string? Namespace, string Name)
{
    /// <summary>Location of the object's document in the evaluated (possibly rendered) file.</summary>
    public SourceSpan? Span { get; init; }

    /// <summary>For Helm output: the chart template the document came from, when it is in the repository.</summary>
    public SourceSpan? TemplateSpan { get; init; }

    /// <summary><c>[ns/]Kind/name</c>, as <c>kyverno apply</c> prints resources.</summary>
    public string DisplayName => string.IsNullOrEmpty(Namespace) ? $"{Kind}/{Name}" : $"{Namespace}/{Kind}/{Name}";
}

/// <summary>An image reference a finding concerns, where it is written, and its digest-pinned form when known.</summary>
public sealed record ImageRef(string Reference)
{
    /// <summary>Location of the image string in the manifest.</summary>
    public SourceSpan? Span { get; init; }

    /// <summary>The verified <c>repo:tag@digest</c> form to deploy instead (decision 6), when resolved.</summary>
    public string? PinnedReference { get; init; }
}

/// <summary>Why one attestor did not verify one image (printed by <c>--explain</c>).</summary>
public sealed record AttestorReason(string Image, string Attestor, string Reason);

/// <summary>One policy's verdict on one resource (or on one autogen variant of it): the unit every reporter formats.</summary>
public sealed record Finding
{
    private readonly Outcome _result;
    private readonly PolicyCheck? _check;
    private readonly IReadOnlyList<ValidationAction> _actions = [ValidationAction.Deny];

    /// <summary>Policy name.</summary>
    public required string Policy { get; init; }

    /// <summary>Policy kind.</summary>
    public PolicyKind Kind { get; init; } = PolicyKind.ImageValidatingPolicy;

    /// <summary>Namespace of a NamespacedImageValidatingPolicy.</summary>
    public string? PolicyNamespace { get; init; }

    /// <summary>Autogen variant name (e.g. <c>autogen-deployments</c>) when the verdict came from a pod-controller variant.</summary>
    public string? AutogenVariant { get; init; }

    /// <summary>Where the policy document is, used for findings that have no manifest location.</summary>
    public SourceSpan? PolicySpan { get; init; }

    /// <summary>Policy title or description (<c>policies.kyverno.io/title</c> / <c>description</c> annotations).</summary>
    public string? PolicyDescription { get; init; }

    /// <summary><c>policies.kyverno.io/category</c> annotation.</summary>
    public string? Category { get; init; }

    /// <summary><c>policies.kyverno.io/severity</c> annotation (critical, high, medium, low, info).</summary>
    public string? Severity { get; init; }

    /// <summary>Engine rule name: the policy name, or <c>exception</c>, <c>evaluation</c>, <c>match</c>. Defaults to the policy name.</summary>
    public string? Rule { get; init; }

    /// <summary>0-based index of the validation that decided the verdict, when one did.</summary>
    public int? ValidationIndex { get; init; }

    /// <summary>The check that decided the verdict. When not set, it is inferred from the outcome, the validation index
    /// and the engine's fixed verifyDigest and required messages.</summary>
    public PolicyCheck Check
    {
        get => _check ?? InferCheck();
        init => _check = value;
    }

    /// <summary>The evaluated object.</summary>
    public required ResourceRef Resource { get; init; }

    /// <summary>Images concerned, failing ones first when the engine knows which failed.</summary>
    public IReadOnlyList<ImageRef> Images { get; init; } = [];

    /// <summary>The reported outcome. A <see cref="Outcome.Fail"/> of an unscored policy reads as <see cref="Outcome.Warn"/>, as in Kyverno's reports.</summary>
    public required Outcome Result
    {
        get => _result == Outcome.Fail && !Scored ? Outcome.Warn : _result;
        init => _result = value;
    }

    /// <summary>False when the policy is annotated <c>policies.kyverno.io/scored: "false"</c>.</summary>
    public bool Scored { get; init; } = true;

    /// <summary>The engine's message (<c>success</c>, the validation message, the error text, …).</summary>
    public string Message { get; init; } = "";

    /// <summary>What to change, in words, when the engine knows (digest pins are on <see cref="ImageRef.PinnedReference"/>).</summary>
    public string? SuggestedFix { get; init; }

    /// <summary>Each attestor's failure reason per image.</summary>
    public IReadOnlyList<AttestorReason> AttestorReasons { get; init; } = [];

    /// <summary>The policy's <c>validationActions</c>; empty means the default <c>[Deny]</c>.</summary>
    public IReadOnlyList<ValidationAction> Actions
    {
        get => _actions;
        init => _actions = value is null || value.Count == 0 ? [ValidationAction.Deny] : value.Distinct().ToArray();
    }

    /// <summary>Audit annotations of the policy (report properties).</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    /// <summary>Names of the PolicyExceptions that produced a skip.</summary>
    public IReadOnlyList<string> Exceptions { get; init; } = [];

    /// <summary>Position of the finding in the run's input order (files, documents, policies); reporters keep this order.</summary>
    public long InputOrder { get; init; }

    /// <summary>The engine rule name, falling back to the policy name.</summary>
    public string RuleName => string.IsNullOrEmpty(Rule) ? Policy : Rule;

    /// <summary><c>name</c>, or <c>namespace/name</c> for a namespaced policy (the report key).</summary>
    public string PolicyKey => string.IsNullOrEmpty(PolicyNamespace) ? Policy : $"{PolicyNamespace}/{Policy}";

    /// <summary>True for fail, warn and error: the policy did not hold.</summary>
    public bool IsViolation => Result is Outcome.Fail or Outcome.Warn or Outcome.Error;

    /// <summary>The strongest action: Deny, then Warn, then Audit.</summary>
    public ValidationAction PrimaryAction =>
        Actions.Contains(ValidationAction.Deny) ? ValidationAction.Deny
        : Actions.Contains(ValidationAction.Warn) ? ValidationAction.Warn
        : ValidationAction.Audit;

    /// <summary>Decision 5 and 7: a fail or error under Deny blocks the pipeline.</summary>
    public bool Blocking => IsBlockingUnder(FailOn.Deny);

    /// <summary>Whether this finding fails the run under the given <c>fail-on</c> setting.</summary>
    public bool IsBlockingUnder(FailOn failOn) => IsViolation && failOn switch
    {
        FailOn.Deny => Actions.Contains(ValidationAction.Deny),
        FailOn.Warn => Actions.Contains(ValidationAction.Deny) || Actions.Contains(ValidationAction.Warn),
        _ => false,
    };

    /// <summary>Where to point a human or an annotation: for Helm output the image's line in the chart template, else the
    /// template document; otherwise the first image, else the resource, else the policy.</summary>
    public SourceSpan? PrimaryLocation =>
        (Resource.TemplateSpan is { } template
            ? Images.Select(i => i.Span).FirstOrDefault(s => s is not null && s.File == template.File) ?? template
            : null)
        ?? Images.Select(i => i.Span).FirstOrDefault(s => s is not null)
        ?? Resource.Span
        ?? PolicySpan;

    /// <summary>True when <see cref="PrimaryLocation"/> is only the start of a chart template's document, not the image's own line.</summary>
    public bool PrimaryLocationIsApproximate =>
        Resource.TemplateSpan is { } template && ReferenceEquals(PrimaryLocation, template);

    /// <summary>The fix to show: <see cref="SuggestedFix"/>, else the first digest pin that differs from the written reference.</summary>
    public string? FixText =>
        !string.IsNullOrWhiteSpace(SuggestedFix) ? SuggestedFix
        : Images.FirstOrDefault(i => i.PinnedReference is not null && i.PinnedReference != i.Reference) is { } pinned
            ? $"pin {pinned.Reference} to {pinned.PinnedReference}"
            : null;

    /// <summary>The first image reference, or null.</summary>
    public string? FirstImage => Images.Count > 0 ? Images[0].Reference : null;

    private PolicyCheck InferCheck()
    {
        if (_result == Outcome.Error)
        {
            return PolicyCheck.Evaluation;
        }
        if (_result == Outcome.Skip)
        {
            return PolicyCheck.Exception;
        }
        if (ValidationIndex is not null)
        {
            return PolicyCheck.Validation;
        }
        if (_result != Outcome.Fail)
        {
            return PolicyCheck.Policy;
        }
        // The engine's verifyDigest and required failures carry fixed messages and no validation index.
        return Message.Contains(" does not have a digest", StringComparison.Ordinal) ? PolicyCheck.VerifyDigest
            : Message.Contains("failed signature or attestation verification", StringComparison.Ordinal)
              || Message.Contains("is not verified: no policy performed", StringComparison.Ordinal) ? PolicyCheck.Required
            : PolicyCheck.Policy;
    }
}
