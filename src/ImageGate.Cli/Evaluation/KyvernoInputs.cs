using System.Text.Json.Nodes;
using ImageGate.Manifests;
using ImageGate.Manifests.Discovery;
using ImageGate.Policies.Engine;

namespace ImageGate.Cli.Evaluation;

/// <summary>The Kyverno CLI's side files (kyverno-ivpol §5.4): a values file (namespace labels,
/// request operation), a context file (image metadata, resources for <c>resource.get/list</c>) and
/// cluster resource files. They stand in for the cluster, offline.</summary>
public sealed record KyvernoInputs
{
    /// <summary>Namespace labels by name, from <c>namespaces[]</c> and <c>namespaceSelector[]</c>.</summary>
    public Dictionary<string, IReadOnlyDictionary<string, string>> NamespaceLabels { get; } = new(StringComparer.Ordinal);

    /// <summary>The admission operation from <c>globalValues["request.operation"]</c>.</summary>
    public string? Operation { get; set; }

    /// <summary>Objects <c>resource.get/list</c> can see.</summary>
    public List<JsonObject> ClusterResources { get; } = [];

    /// <summary>Image metadata by exact image string.</summary>
    public Dictionary<string, JsonObject> Images { get; } = new(StringComparer.Ordinal);

    /// <summary>Reads a values file (<c>cli.kyverno.io/v1alpha1</c> <c>Value</c>).</summary>
    public void ReadValues(JsonObject values)
    {
        if (values["namespaces"] is JsonArray namespaces)
        {
            foreach (var ns in namespaces.OfType<JsonObject>())
            {
                if ((string?)ns["metadata"]?["name"] is { } name)
                {
                    NamespaceLabels[name] = EngineResource.ReadLabels(ns);
                }
            }
        }
        if (values["namespaceSelector"] is JsonArray selectors)
        {
            foreach (var s in selectors.OfType<JsonObject>())
            {
                if ((string?)s["name"] is { } name)
                {
                    NamespaceLabels[name] = (s["labels"] as JsonObject)?.ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? "", StringComparer.Ordinal)
                        ?? new Dictionary<string, string>();
                }
            }
        }
        if (values["globalValues"]?["request.operation"] is JsonValue op && op.TryGetValue<string>(out var operation))
        {
            Operation = operation.ToUpperInvariant() is "CONNECT" ? "CREATE" : operation.ToUpperInvariant();
        }
    }

    /// <summary>Reads a context file (<c>cli.kyverno.io/v1alpha1</c> <c>Context</c>).</summary>
    public void ReadContext(JsonObject context)
    {
        foreach (var r in (context["spec"]?["resources"] as JsonArray ?? []).OfType<JsonObject>())
        {
            ClusterResources.Add((JsonObject)r.DeepClone());
        }
        foreach (var i in (context["spec"]?["images"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if ((string?)i["image"] is { } image)
            {
                Images[image] = (JsonObject)i.DeepClone();
            }
        }
    }

    /// <summary>Reads side files given on the command line; every document is converted to JSON.
    /// Errors name the file and line.</summary>
    public static KyvernoInputs Read(IReadOnlyList<string> valuesFiles, IReadOnlyList<string> contextFiles, IReadOnlyList<string> clusterResourceFiles, string workingDirectory, List<ManifestException> errors)
    {
        var inputs = new KyvernoInputs();
        foreach (var (doc, json) in Documents(valuesFiles, workingDirectory, errors))
        {
            inputs.ReadValues(json);
        }
        foreach (var (doc, json) in Documents(contextFiles, workingDirectory, errors))
        {
            inputs.ReadContext(json);
        }
        foreach (var (doc, json) in Documents(clusterResourceFiles, workingDirectory, errors))
        {
            if (doc.Kind == "ClusterResource" && json["spec"]?["resources"] is JsonArray resources)
            {
                inputs.ClusterResources.AddRange(resources.OfType<JsonObject>().Select(r => (JsonObject)r.DeepClone()));
            }
            else
            {
                inputs.ClusterResources.Add(json);
            }
        }
        return inputs;
    }

    /// <summary>Adds the served versions of a CustomResourceDefinition to the kinds; false when it is not one.</summary>
    public static bool AddCrd(Policies.Matching.KindRegistry kinds, JsonObject crd)
    {
        var spec = crd["spec"];
        if ((string?)crd["kind"] != "CustomResourceDefinition" || (string?)spec?["group"] is not { Length: > 0 } group
            || (string?)spec["names"]?["kind"] is not { Length: > 0 } kind || (string?)spec["names"]?["plural"] is not { Length: > 0 } plural
            || spec["versions"] is not JsonArray versions)
        {
            return false;
        }
        var namespaced = (string?)spec["scope"] != "Cluster";
        foreach (var version in versions.OfType<JsonObject>())
        {
            if ((string?)version["name"] is { Length: > 0 } name && version["served"]?.GetValue<bool>() != false)
            {
                kinds.Add(new Policies.Matching.ResourceKind(group, name, kind, plural, namespaced));
            }
        }
        return true;
    }

    internal static IEnumerable<(ManifestDocument Document, JsonObject Json)> Documents(IReadOnlyList<string> paths, string workingDirectory, List<ManifestException> errors)
    {
        if (paths.Count == 0)
        {
            yield break;
        }
        var found = ManifestDiscovery.Discover(paths, new DiscoveryOptions { WorkingDirectory = workingDirectory, ContinueOnError = true });
        errors.AddRange(found.Errors);
        foreach (var doc in found.Documents)
        {
            JsonObject? json = null;
            try
            {
                json = YamlJson.Convert(doc.Root) as JsonObject;
            }
            catch (FormatException ex)
            {
                errors.Add(new ManifestException(doc.File, doc.Span.StartLine, doc.Span.StartColumn, ex.Message));
            }
            if (json is not null)
            {
                yield return (doc, json);
            }
        }
    }
}
