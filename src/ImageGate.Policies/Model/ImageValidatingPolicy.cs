namespace ImageGate.Policies.Model;

/// <summary>An <c>ImageValidatingPolicy</c> or <c>NamespacedImageValidatingPolicy</c>, defaults applied.
/// Autogen variants (<see cref="AutogenKey"/> set) share the parent's name and metadata.</summary>
public sealed record ImageValidatingPolicy(
    PolicyKind Kind,
    string ApiVersion,
    ObjectMetadata Metadata,
    ImageValidatingPolicySpec Spec) : PolicyNode
{
    /// <summary>The field spelling the document used.</summary>
    public PolicyVocabulary Vocabulary { get; init; } = PolicyVocabulary.Current;

    /// <summary>Null for the policy as written; <c>defaults</c> or <c>cronjobs</c> for an autogen variant.</summary>
    public string? AutogenKey { get; init; }

    /// <summary><c>metadata.name</c>.</summary>
    public string Name => Metadata.Name;

    /// <summary><c>metadata.namespace</c> for a namespaced policy, otherwise null.</summary>
    public string? Namespace => Kind == PolicyKind.NamespacedImageValidatingPolicy ? Metadata.Namespace : null;

    /// <summary>The kind as Kubernetes spells it.</summary>
    public string KindName => Kind.ToString();

    /// <summary>True when the policy is reported as a warning rather than a failure
    /// (annotation <c>policies.kyverno.io/scored: "false"</c>).</summary>
    public bool Scored => !(Metadata.Annotations.TryGetValue("policies.kyverno.io/scored", out var scored) && scored == "false");

    /// <summary>The YAML spec this policy was read from; autogen re-reads it with rewritten text.</summary>
    internal YamlDotNet.RepresentationModel.YamlMappingNode? SpecNode { get; init; }

    /// <summary>Whether seed-era fields are accepted for this document (v1alpha1 only).</summary>
    internal bool SeedEraAllowed { get; init; }
}

/// <summary>The parts of <c>metadata</c> a policy or exception needs.</summary>
public sealed record ObjectMetadata(
    string Name,
    string? Namespace,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations) : PolicyNode;

/// <summary><c>spec</c> of an image validating policy, with the defaults of the CRD and the engine applied.</summary>
public sealed record ImageValidatingPolicySpec : PolicyNode
{
    /// <summary>Which resources the policy applies to; null matches every resource in the engine.</summary>
    public MatchResources? MatchConstraints { get; init; }

    /// <summary>Boolean CEL conditions, all of which must hold.</summary>
    public IReadOnlyList<NamedExpression> MatchConditions { get; init; } = [];

    /// <summary>Default <see cref="FailurePolicy.Fail"/>.</summary>
    public FailurePolicy FailurePolicy { get; init; } = FailurePolicy.Fail;

    /// <summary>Default <c>[Deny]</c> (also when the list is empty).</summary>
    public IReadOnlyList<ValidationAction> ValidationActions { get; init; } = [ValidationAction.Deny];

    /// <summary>Audit annotations written to reports.</summary>
    public IReadOnlyList<AuditAnnotation> AuditAnnotations { get; init; } = [];

    /// <summary>Lazily evaluated variables, in declaration order.</summary>
    public IReadOnlyList<NamedExpression> Variables { get; init; } = [];

    /// <summary>Validations, evaluated in order; the first failure decides.</summary>
    public IReadOnlyList<ValidationRule> Validations { get; init; } = [];

    /// <summary>Images the policy considers; empty matches every image.</summary>
    public IReadOnlyList<ImageReferenceMatcher> MatchImageReferences { get; init; } = [];

    /// <summary>Custom image extractors (<c>images[]</c>), exposed as <c>images.&lt;name&gt;</c>.</summary>
    public IReadOnlyList<NamedExpression> Images { get; init; } = [];

    /// <summary>Trusted authorities, exposed as <c>attestors.&lt;name&gt;</c>.</summary>
    public IReadOnlyList<Attestor> Attestors { get; init; } = [];

    /// <summary>Attestation kinds, exposed as <c>attestations.&lt;name&gt;</c>.</summary>
    public IReadOnlyList<Attestation> Attestations { get; init; } = [];

    /// <summary>Registry credentials; null means the run's default credential sources.</summary>
    public RegistryCredentials? Credentials { get; init; }

    /// <summary>Digest handling (all true by default).</summary>
    public ValidationConfigurations ValidationConfigurations { get; init; } = ValidationConfigurations.Defaults;

    /// <summary>Autogen settings.</summary>
    public AutogenConfiguration Autogen { get; init; } = AutogenConfiguration.AllControllers;

    /// <summary>Evaluation mode and switches.</summary>
    public EvaluationConfiguration Evaluation { get; init; } = EvaluationConfiguration.Defaults;

    /// <summary><c>webhookConfiguration.timeoutSeconds</c>; null means the API server's 10 s.</summary>
    public int? WebhookTimeoutSeconds { get; init; }
}

/// <summary><c>validationConfigurations</c> (seed era: spec-level fields); every flag defaults to true.</summary>
public sealed record ValidationConfigurations(bool MutateDigest, bool VerifyDigest, bool Required)
{
    /// <summary>The CRD defaults: all true.</summary>
    public static ValidationConfigurations Defaults { get; } = new(true, true, true);
}

/// <summary><c>autogen.podControllers.controllers</c> (seed era: <c>generation.podControllers</c>).</summary>
/// <param name="Controllers">Null means all six controllers; an empty list disables autogen.</param>
public sealed record AutogenConfiguration(IReadOnlyList<string>? Controllers)
{
    /// <summary>No setting: variants for all six controllers.</summary>
    public static AutogenConfiguration AllControllers { get; } = new((IReadOnlyList<string>?)null);
}

/// <summary><c>evaluation</c>: mode (default Kubernetes) and whether admission and background evaluation are on (default true).</summary>
public sealed record EvaluationConfiguration(EvaluationMode Mode, bool AdmissionEnabled, bool BackgroundEnabled)
{
    /// <summary>The defaults.</summary>
    public static EvaluationConfiguration Defaults { get; } = new(EvaluationMode.Kubernetes, true, true);
}

/// <summary><c>credentials</c>: registry authentication for the policy.</summary>
public sealed record RegistryCredentials(
    bool AllowInsecureRegistry,
    IReadOnlyList<CredentialProvider> Providers,
    IReadOnlyList<string> Secrets) : PolicyNode;
