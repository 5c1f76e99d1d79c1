namespace ImageGate.Policies.Matching;

/// <summary>Group, version, resource and scope of a kind, as the API server's REST mapper knows it.</summary>
public sealed record ResourceKind(string Group, string Version, string Kind, string Resource, bool Namespaced)
{
    /// <summary>"group/version" or "version" for the core group.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
}

/// <summary>Maps apiVersion + kind to the resource a policy's <c>resourceRules</c> name. Built-in kinds
/// are known; CRDs can be added (from <c>--crd</c> files).</summary>
public sealed class KindRegistry
{
    private static readonly ResourceKind[] BuiltIn =
    [
        new("", "v1", "Pod", "pods", true),
        new("", "v1", "ReplicationController", "replicationcontrollers", true),
        new("", "v1", "Namespace", "namespaces", false),
        new("", "v1", "Service", "services", true),
        new("", "v1", "ConfigMap", "configmaps", true),
        new("", "v1", "Secret", "secrets", true),
        new("", "v1", "ServiceAccount", "serviceaccounts", true),
        new("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true),
        new("", "v1", "PersistentVolume", "persistentvolumes", false),
        new("", "v1", "Node", "nodes", false),
        new("", "v1", "PodTemplate", "podtemplates", true),
        new("apps", "v1", "Deployment", "deployments", true),
        new("apps", "v1", "StatefulSet", "statefulsets", true),
        new("apps", "v1", "DaemonSet", "daemonsets", true),
        new("apps", "v1", "ReplicaSet", "replicasets", true),
        new("batch", "v1", "Job", "jobs", true),
        new("batch", "v1", "CronJob", "cronjobs", true),
        new("networking.k8s.io", "v1", "Ingress", "ingresses", true),
        new("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true),
        new("rbac.authorization.k8s.io", "v1", "Role", "roles", true),
        new("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true),
        new("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false),
        new("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false),
        new("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true),
        new("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true),
        new("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false),
    ];

    private readonly Dictionary<(string ApiVersion, string Kind), ResourceKind> byKind = new();

    public KindRegistry()
    {
        foreach (var k in BuiltIn)
        {
            Add(k);
        }
    }

    /// <summary>Adds or replaces a kind (a CRD's served version).</summary>
    public void Add(ResourceKind kind) => byKind[(kind.ApiVersion, kind.Kind)] = kind;

    /// <summary>The resource for apiVersion + kind. Unknown kinds get the conventional lower-case plural
    /// and are treated as namespaced, as the CLI does for a kind without a mapping.</summary>
    public ResourceKind Resolve(string apiVersion, string kind)
    {
        if (byKind.TryGetValue((apiVersion, kind), out var known))
        {
            return known;
        }
        var slash = apiVersion.IndexOf('/');
        var group = slash < 0 ? "" : apiVersion[..slash];
        var version = slash < 0 ? apiVersion : apiVersion[(slash + 1)..];
        return new ResourceKind(group, version, kind, Pluralize(kind.ToLowerInvariant()), true);
    }

    private static string Pluralize(string lower) =>
        lower.EndsWith('s') || lower.EndsWith('x') || lower.EndsWith("ch") || lower.EndsWith("sh") ? lower + "es"
        : lower.EndsWith('y') && lower.Length > 1 && !"aeiou".Contains(lower[^2]) ? lower[..^1] + "ies"
        : lower + "s";
}
