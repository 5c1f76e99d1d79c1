namespace ImageGate.Policies.Model;

/// <summary>The two policy kinds ImageGate evaluates.</summary>
public enum PolicyKind
{
    /// <summary>Cluster-scoped <c>ImageValidatingPolicy</c>.</summary>
    ImageValidatingPolicy,

    /// <summary>Namespaced <c>NamespacedImageValidatingPolicy</c>.</summary>
    NamespacedImageValidatingPolicy,
}

/// <summary>Which field spelling a policy document used.</summary>
public enum PolicyVocabulary
{
    /// <summary>Today's fields (<c>matchImageReferences</c>, <c>validationConfigurations</c>, ...).</summary>
    Current,

    /// <summary>The seed-era v1alpha1 fields (<c>imageRules</c>, spec-level <c>verifyDigest</c>, PEM strings, ...).</summary>
    SeedEra,
}

/// <summary><c>spec.failurePolicy</c>.</summary>
public enum FailurePolicy
{
    /// <summary>Errors in match conditions are errors (the default).</summary>
    Fail,

    /// <summary>Errors in match conditions mean "not matched".</summary>
    Ignore,
}

/// <summary>One entry of <c>spec.validationActions</c>.</summary>
public enum ValidationAction
{
    /// <summary>Reject the request (in CI: an error and a failing exit code).</summary>
    Deny,

    /// <summary>Record in reports only.</summary>
    Audit,

    /// <summary>Warn the client (in CI: a warning annotation).</summary>
    Warn,
}

/// <summary><c>spec.evaluation.mode</c>.</summary>
public enum EvaluationMode
{
    /// <summary>Kubernetes admission requests (the default).</summary>
    Kubernetes,

    /// <summary>Arbitrary JSON payloads.</summary>
    Json,
}

/// <summary><c>matchConstraints.matchPolicy</c>.</summary>
public enum MatchPolicyType
{
    /// <summary>Match only the listed group/version/resource.</summary>
    Exact,

    /// <summary>Also match equivalent versions (not performed by the engine; see the warning).</summary>
    Equivalent,
}

/// <summary>One entry of <c>credentials.providers</c>.</summary>
public enum CredentialProvider
{
    /// <summary>Docker <c>config.json</c>.</summary>
    Default,

    /// <summary>Amazon ECR.</summary>
    Amazon,

    /// <summary>Azure ACR.</summary>
    Azure,

    /// <summary>Google GCR/GAR.</summary>
    Google,

    /// <summary>GitHub GHCR.</summary>
    Github,
}

/// <summary>PolicyException <c>reportResult</c>.</summary>
public enum ExceptionReportResult
{
    /// <summary>Report excepted resources as skipped (the default).</summary>
    Skip,

    /// <summary>Report excepted resources as passed.</summary>
    Pass,
}

/// <summary>How a YAML scalar was written; lets a CEL error map a column inside the expression back to the file.</summary>
public enum ScalarStyle
{
    /// <summary>Unquoted.</summary>
    Plain,

    /// <summary>'single quoted'.</summary>
    SingleQuoted,

    /// <summary>"double quoted".</summary>
    DoubleQuoted,

    /// <summary>Block literal <c>|</c>: content starts on the next line.</summary>
    Literal,

    /// <summary>Block folded <c>&gt;</c>: content starts on the next line.</summary>
    Folded,
}
