namespace ImageGate.Policies.Model;

/// <summary><c>spec.matchConstraints</c> (admissionregistration/v1 MatchResources).</summary>
public sealed record MatchResources(
    IReadOnlyList<ResourceRule> ResourceRules,
    IReadOnlyList<ResourceRule> ExcludeResourceRules,
    LabelSelector? NamespaceSelector,
    LabelSelector? ObjectSelector,
    MatchPolicyType? MatchPolicy) : PolicyNode;

/// <summary>A NamedRuleWithOperations: which operations on which resources match.</summary>
public sealed record ResourceRule(
    IReadOnlyList<string> ApiGroups,
    IReadOnlyList<string> ApiVersions,
    IReadOnlyList<string> Operations,
    IReadOnlyList<string> Resources,
    IReadOnlyList<string> ResourceNames,
    string? Scope) : PolicyNode;

/// <summary>A Kubernetes label selector (null selector matches everything; so does an empty one).</summary>
public sealed record LabelSelector(
    IReadOnlyDictionary<string, string> MatchLabels,
    IReadOnlyList<LabelSelectorRequirement> MatchExpressions) : PolicyNode
{
    /// <summary>True when the selector has no labels and no expressions.</summary>
    public bool IsEmpty => MatchLabels.Count == 0 && MatchExpressions.Count == 0;
}

/// <summary>One <c>matchExpressions[]</c> requirement: <c>In</c>, <c>NotIn</c>, <c>Exists</c> or <c>DoesNotExist</c>.</summary>
public sealed record LabelSelectorRequirement(string Key, string Operator, IReadOnlyList<string> Values) : PolicyNode;
