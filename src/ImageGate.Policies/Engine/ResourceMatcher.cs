using ImageGate.Policies.Matching;
using ImageGate.Policies.Model;

namespace ImageGate.Policies.Engine;

/// <summary><c>matchConstraints</c> with Kyverno's semantics (kyverno-ivpol §2.6): namespace selector,
/// object selector, exclude rules, then resource rules, where an empty rule list matches everything.</summary>
public static class ResourceMatcher
{
    /// <summary>True when the policy's constraints select the resource. Throws <see cref="FormatException"/>
    /// for an invalid selector when the rules otherwise match.</summary>
    public static bool Matches(MatchResources? match, EngineResource resource, ResourceKind kind, string operation, EngineOptions options)
    {
        if (match is null)
        {
            return true;
        }
        FormatException? selectorError = null;
        var selected = true;
        try
        {
            selected = NamespaceSelected(match.NamespaceSelector, resource, kind, options)
                && Selected(match.ObjectSelector, resource.Labels);
        }
        catch (FormatException ex)
        {
            selectorError = ex;
        }
        if (match.ExcludeResourceRules.Any(r => RuleMatches(r, resource, kind, operation)))
        {
            return false;
        }
        var ruled = match.ResourceRules.Count == 0 || match.ResourceRules.Any(r => RuleMatches(r, resource, kind, operation));
        if (!ruled)
        {
            return false;
        }
        if (selectorError is not null)
        {
            throw selectorError;
        }
        return selected;
    }

    private static bool NamespaceSelected(LabelSelector? selector, EngineResource resource, ResourceKind kind, EngineOptions options)
    {
        if (selector is null || selector.IsEmpty)
        {
            return true;
        }
        if (!kind.Namespaced && kind.Kind != "Namespace")
        {
            return true;
        }
        IReadOnlyDictionary<string, string> labels;
        if (kind.Kind == "Namespace")
        {
            labels = resource.Labels;
        }
        else
        {
            var ns = NamespaceOf(resource);
            labels = options.NamespaceLabels.TryGetValue(ns, out var known)
                ? known
                : new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = ns };
        }
        return Selected(selector, labels);
    }

    /// <summary>The namespace a namespaced object lands in: its own, or <c>default</c>.</summary>
    public static string NamespaceOf(EngineResource resource) => resource.Namespace.Length > 0 ? resource.Namespace : "default";

    private static bool Selected(LabelSelector? selector, IReadOnlyDictionary<string, string> labels) =>
        LabelSelectorMatcher.Matches(selector, labels);

    private static bool RuleMatches(ResourceRule rule, EngineResource resource, ResourceKind kind, string operation)
    {
        if (!AnyOrContains(rule.Operations, operation) || !AnyOrContains(rule.ApiGroups, kind.Group) || !AnyOrContains(rule.ApiVersions, kind.Version))
        {
            return false;
        }
        if (!rule.Resources.Any(r => r == "*" || r == "*/*" || r == kind.Resource))
        {
            return false;
        }
        var scope = rule.Scope ?? "*";
        if (scope == "Cluster" && kind.Namespaced || scope == "Namespaced" && !kind.Namespaced)
        {
            return false;
        }
        return rule.ResourceNames.Count == 0 || rule.ResourceNames.Contains(resource.Name);
    }

    private static bool AnyOrContains(IReadOnlyList<string> values, string value) =>
        values.Contains("*") || values.Contains(value);
}
