namespace ImageGate.Policies.Model;

/// <summary>A CEL <c>PolicyException</c> (policies.kyverno.io).</summary>
public sealed record PolicyException(string ApiVersion, ObjectMetadata Metadata, PolicyExceptionSpec Spec) : PolicyNode
{
    /// <summary><c>metadata.name</c>.</summary>
    public string Name => Metadata.Name;

    /// <summary><c>metadata.namespace</c> (defaults to <c>default</c>).</summary>
    public string? Namespace => Metadata.Namespace;

    /// <summary>The key Kyverno reports: <c>namespace/name</c>, or the name alone without a namespace.</summary>
    public string Key => string.IsNullOrEmpty(Metadata.Namespace) ? Metadata.Name : $"{Metadata.Namespace}/{Metadata.Name}";

    /// <summary>True when a <c>policyRefs</c> entry names this policy (exact name and kind). Autogen variants keep
    /// their parent's name and kind, so an exception applies to them too.</summary>
    public bool AppliesTo(ImageValidatingPolicy policy) =>
        Spec.PolicyRefs.Any(r => r.Name == policy.Name && r.Kind == policy.KindName);

    /// <summary>True when <c>expiresAt</c> is set and not after <paramref name="now"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => Spec.ExpiresAt is { } at && at <= now;
}

/// <summary>PolicyException <c>spec</c>.</summary>
public sealed record PolicyExceptionSpec : PolicyNode
{
    /// <summary>Policies this exception applies to.</summary>
    public IReadOnlyList<PolicyReference> PolicyRefs { get; init; } = [];

    /// <summary>Conditions (AND) evaluated in the policy's CEL environment; none means every matched resource.</summary>
    public IReadOnlyList<NamedExpression> MatchConditions { get; init; } = [];

    /// <summary>When the exception stops applying.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>How excepted resources are reported (default skip).</summary>
    public ExceptionReportResult ReportResult { get; init; } = ExceptionReportResult.Skip;

    /// <summary>Image exclusions (not used for image validating policies).</summary>
    public IReadOnlyList<string> Images { get; init; } = [];

    /// <summary>Allowed values (not used for image validating policies).</summary>
    public IReadOnlyList<string> AllowedValues { get; init; } = [];

    /// <summary>Report properties.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    /// <summary><c>evaluationMode</c> (not used).</summary>
    public string? EvaluationMode { get; init; }
}

/// <summary>One <c>policyRefs[]</c> entry.</summary>
public sealed record PolicyReference(string Name, string Kind) : PolicyNode;
