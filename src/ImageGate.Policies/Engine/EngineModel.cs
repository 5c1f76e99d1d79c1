using System.Text.Json.Nodes;
using ImageGate.Policies.Model;

namespace ImageGate.Policies.Engine;

/// <summary>One Kubernetes object to evaluate, with where it was written.</summary>
public sealed record EngineResource(JsonObject Object, SourceSpan Location)
{
    /// <summary><c>apiVersion</c>.</summary>
    public string ApiVersion => (string?)Object["apiVersion"] ?? "";

    /// <summary><c>kind</c>.</summary>
    public string Kind => (string?)Object["kind"] ?? "";

    /// <summary><c>metadata.name</c> (or <c>generateName</c> when the name is empty).</summary>
    public string Name => (string?)Object["metadata"]?["name"] ?? (string?)Object["metadata"]?["generateName"] ?? "";

    /// <summary><c>metadata.namespace</c>, or empty.</summary>
    public string Namespace => (string?)Object["metadata"]?["namespace"] ?? "";

    /// <summary>Labels of the object.</summary>
    public IReadOnlyDictionary<string, string> Labels => ReadLabels(Object);

    /// <summary>The labels of an object's metadata.</summary>
    public static IReadOnlyDictionary<string, string> ReadLabels(JsonObject? obj)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (obj?["metadata"]?["labels"] is JsonObject labels)
        {
            foreach (var (k, v) in labels)
            {
                result[k] = v?.ToString() ?? "";
            }
        }
        return result;
    }
}

/// <summary>How the pipeline imitates the cluster.</summary>
public enum EvaluationPhase
{
    /// <summary>Objects are evaluated as the API server would send them on CREATE (the default).</summary>
    Admission,

    /// <summary>Objects are evaluated as existing resources; policies with background evaluation disabled are skipped.</summary>
    Background,
}

/// <summary>Inputs that stand in for the cluster: namespaces, cluster resources, image context.</summary>
public sealed record EngineOptions
{
    /// <summary>Admission (CREATE) or background evaluation.</summary>
    public EvaluationPhase Phase { get; init; } = EvaluationPhase.Admission;

    /// <summary>Admission operation (CREATE, UPDATE, DELETE, CONNECT).</summary>
    public string Operation { get; init; } = "CREATE";

    /// <summary>Namespace labels by namespace name (from <c>--values</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> NamespaceLabels { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>();

    /// <summary>Objects that <c>resource.get/list</c> can see (from <c>--cluster-resources</c>).</summary>
    public IReadOnlyList<JsonObject> ClusterResources { get; init; } = [];

    /// <summary>Global context entries by name.</summary>
    public IReadOnlyDictionary<string, JsonNode?> GlobalContext { get; init; } = new Dictionary<string, JsonNode?>();

    /// <summary>Image metadata supplied offline, keyed by the exact image string.</summary>
    public IReadOnlyDictionary<string, JsonObject> ImageContext { get; init; } = new Dictionary<string, JsonObject>();

    /// <summary>Hosts that <c>http.get/post</c> may reach; empty refuses every call.</summary>
    public IReadOnlyList<string> AllowedHttpHosts { get; init; } = [];

    /// <summary>Resolve tags to digests before validation, as the mutating webhook does (decision 6).</summary>
    public bool ResolveDigests { get; init; } = true;

    /// <summary>CEL cost all expressions of one policy may spend on one resource together (the Kubernetes default,
    /// 10,000,000); each expression also keeps its own limit.</summary>
    public long CelCostBudget { get; init; } = ImageGate.Cel.CelCostBudget.DefaultLimit;

    /// <summary>Known kinds (built-ins plus CRDs).</summary>
    public Matching.KindRegistry Kinds { get; init; } = new();
}

/// <summary>The outcome of one policy on one resource.</summary>
public enum PolicyStatus
{
    /// <summary>Every validation held.</summary>
    Pass,

    /// <summary>A validation, digest or required check failed.</summary>
    Fail,

    /// <summary>The policy could not be evaluated (compile, runtime or registry error).</summary>
    Error,

    /// <summary>A PolicyException applied.</summary>
    Skip,
}

/// <summary>What one policy said about one resource.</summary>
public sealed record PolicyResult(ImageValidatingPolicy Policy, EngineResource Resource, PolicyStatus Status, string Message)
{
    /// <summary>Kyverno's rule name: the policy name, or <c>evaluation</c>, <c>exception</c>, <c>match</c>, <c>mutateDigest</c>.</summary>
    public string Rule { get; init; } = Policy.Name;

    /// <summary>Images the policy considered (after <c>matchImageReferences</c>), as the validations saw them.</summary>
    public IReadOnlyList<string> Images { get; init; } = [];

    /// <summary>The image the failure is about, when one is.</summary>
    public string? FailingImage { get; init; }

    /// <summary>Audit annotations (report properties).</summary>
    public IReadOnlyDictionary<string, string> AuditAnnotations { get; init; } = new Dictionary<string, string>();

    /// <summary>Exception keys (<c>namespace/name</c>) that made the result a skip.</summary>
    public IReadOnlyList<string> Exceptions { get; init; } = [];

    /// <summary>Index of the failing validation.</summary>
    public int? ValidationIndex { get; init; }

    /// <summary>Where in the policy the problem is (a failing validation, an expression that did not compile).</summary>
    public SourceSpan? PolicyLocation { get; init; }

    /// <summary>Raw image → pinned <c>repo:tag@digest</c>, for the suggested fix.</summary>
    public IReadOnlyDictionary<string, string> PinnedImages { get; init; } = new Dictionary<string, string>();

    /// <summary>Every attestor tried and why it failed, for <c>--explain</c>.</summary>
    public IReadOnlyList<AttestorFailure> AttestorReasons { get; init; } = [];

    /// <summary>Warnings about this evaluation (for example a webhook timeout).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>Why one attestor did not verify one image.</summary>
public sealed record AttestorFailure(string Image, string Attestor, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Image}: attestor {Attestor}: {Reason}";
}
