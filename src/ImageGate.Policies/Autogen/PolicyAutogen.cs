using ImageGate.Policies.Loading;
using ImageGate.Policies.Model;

namespace ImageGate.Policies.Autogen;

/// <summary>Computes the pod-controller variants of a policy as Kyverno's autogen does: at most two
/// (<c>cronjobs</c> and <c>defaults</c>, in that order), each with the parent's name and metadata.</summary>
public static class PolicyAutogen
{
    private static readonly Dictionary<string, AutogenTarget> Controllers = new(StringComparer.Ordinal)
    {
        ["daemonsets"] = new("apps", "v1", "daemonsets", "DaemonSet"),
        ["deployments"] = new("apps", "v1", "deployments", "Deployment"),
        ["replicasets"] = new("apps", "v1", "replicasets", "ReplicaSet"),
        ["statefulsets"] = new("apps", "v1", "statefulsets", "StatefulSet"),
        ["jobs"] = new("batch", "v1", "jobs", "Job"),
        ["cronjobs"] = new("batch", "v1", "cronjobs", "CronJob"),
    };

    /// <summary>True when the match constraints select exactly core/v1 pods, by one rule without resource names,
    /// with no object selector and no exclusions.</summary>
    public static bool CanAutogen(MatchResources? match)
    {
        if (match is null || match.ObjectSelector is { IsEmpty: false } || match.ExcludeResourceRules.Count > 0
            || match.ResourceRules.Count != 1)
        {
            return false;
        }
        var rule = match.ResourceRules[0];
        return rule.ResourceNames.Count == 0
               && rule.ApiGroups is [""]
               && rule.ApiVersions is ["v1"]
               && rule.Resources is ["pods"];
    }

    /// <summary>The variants of a policy loaded by <see cref="PolicyLoader"/>; empty when autogen does not apply,
    /// when <c>autogen.podControllers.controllers</c> is <c>[]</c>, or for a variant itself.</summary>
    public static IReadOnlyList<AutogenVariant> Variants(ImageValidatingPolicy policy)
    {
        if (policy.AutogenKey is not null || !CanAutogen(policy.Spec.MatchConstraints))
        {
            return [];
        }
        var names = policy.Spec.Autogen.Controllers ?? [.. Controllers.Keys];
        var targets = names.Distinct().Where(Controllers.ContainsKey).Select(n => Controllers[n]).ToList();
        var variants = new List<AutogenVariant>();
        foreach (var key in new[] { AutogenRewriter.CronJobsKey, AutogenRewriter.DefaultsKey })
        {
            var keyTargets = targets
                .Where(t => (t.Resource == "cronjobs") == (key == AutogenRewriter.CronJobsKey))
                .OrderBy(t => t.Group, StringComparer.Ordinal)
                .ThenBy(t => t.Version, StringComparer.Ordinal)
                .ThenBy(t => t.Resource, StringComparer.Ordinal)
                .ThenBy(t => t.Kind, StringComparer.Ordinal)
                .ToList();
            if (keyTargets.Count == 0)
            {
                continue;
            }
            var spec = RewriteSpec(policy, key) with
            {
                MatchConstraints = MatchConstraintsFor(keyTargets, policy.Spec.MatchConstraints!),
            };
            variants.Add(new AutogenVariant(key, keyTargets, policy with { Spec = spec, AutogenKey = key }));
        }
        return variants;
    }

    /// <summary>The policy followed by its variants, the order the engine evaluates them in.</summary>
    public static IReadOnlyList<ImageValidatingPolicy> WithVariants(ImageValidatingPolicy policy) =>
        [policy, .. Variants(policy).Select(v => v.Policy)];

    private static ImageValidatingPolicySpec RewriteSpec(ImageValidatingPolicy policy, string key)
    {
        if (policy.SpecNode is null)
        {
            throw new InvalidOperationException(
                $"policy {policy.Name} was not loaded from YAML; autogen needs a policy from {nameof(PolicyLoader)}");
        }
        // Re-read the written spec with every string rewritten: the same effect as Kyverno's rewrite of the
        // serialised spec, while spans keep pointing at the parent's source.
        var context = new LoadContext(policy.Span.File, PolicyLoaderOptions.Default)
        {
            SeedEraAllowed = policy.SeedEraAllowed,
            Transform = text => AutogenRewriter.Rewrite(text, key),
        };
        return SpecReader.Read(new MappingReader(context, policy.SpecNode, policy.Spec.Path));
    }

    private static MatchResources MatchConstraintsFor(IReadOnlyList<AutogenTarget> targets, MatchResources parent)
    {
        var operations = parent.ResourceRules[0].Operations;
        var rules = targets
            .GroupBy(t => (t.Group, t.Version))
            .OrderBy(g => g.Key.Group, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Version, StringComparer.Ordinal)
            .Select(g => new ResourceRule(
                [g.Key.Group],
                [g.Key.Version],
                operations,
                [.. g.Select(t => t.Resource).Order(StringComparer.Ordinal)],
                [],
                null)
            {
                Path = parent.ResourceRules[0].Path,
                Span = parent.ResourceRules[0].Span,
            })
            .ToList();
        return new MatchResources(rules, [], parent.NamespaceSelector, null, null)
        {
            Path = parent.Path,
            Span = parent.Span,
            Fields = parent.Fields,
        };
    }
}
