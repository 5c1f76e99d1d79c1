using System.Text.Json.Nodes;
using ImageGate.Cel;
using ImageGate.Policies.Kyverno;
using ImageGate.Policies.Matching;

namespace ImageGate.Policies.Engine;

/// <summary>The admission request the API server would send for one resource (kyverno-ivpol §2.6, §2.8):
/// object and oldObject by operation, the <c>request</c> map and the namespace object. The object is a
/// copy, so pinning digests never changes the input.</summary>
internal sealed class RequestContext
{
    private readonly Dictionary<string, object?> baseValues;

    public RequestContext(EngineResource resource, ResourceKind kind, EngineOptions options)
    {
        Resource = resource;
        Kind = kind;
        var copy = (JsonObject)resource.Object.DeepClone();
        (Object, OldObject) = options.Operation switch
        {
            "DELETE" => (null, copy),
            "UPDATE" => (copy, (JsonObject)resource.Object.DeepClone()),
            _ => ((JsonObject?)copy, (JsonObject?)null),
        };
        var ns = kind.Namespaced ? ResourceMatcher.NamespaceOf(resource) : "";
        JsonObject? namespaceObject = null;
        if (ns.Length > 0 && options.NamespaceLabels.TryGetValue(ns, out var labels))
        {
            var labelObject = new JsonObject();
            foreach (var (k, v) in labels)
            {
                labelObject[k] = v;
            }
            namespaceObject = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Namespace",
                ["metadata"] = new JsonObject { ["name"] = ns, ["labels"] = labelObject },
            };
        }
        var request = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["uid"] = "",
            ["kind"] = Map(("group", kind.Group), ("version", kind.Version), ("kind", kind.Kind)),
            ["resource"] = Map(("group", kind.Group), ("version", kind.Version), ("resource", kind.Resource)),
            ["subResource"] = "",
            ["requestKind"] = Map(("group", kind.Group), ("version", kind.Version), ("kind", kind.Kind)),
            ["requestResource"] = Map(("group", kind.Group), ("version", kind.Version), ("resource", kind.Resource)),
            ["requestSubResource"] = "",
            ["name"] = resource.Name,
            ["namespace"] = ns,
            ["operation"] = options.Operation,
            ["userInfo"] = new Dictionary<string, object?>
            {
                ["username"] = "", // the CLI sends no user, as kyverno apply without --userinfo
                ["uid"] = "",
                ["groups"] = new List<object?>(),
                ["extra"] = new Dictionary<string, object?>(),
            },
            ["object"] = ActivationValues.OrNull(Object),
            ["oldObject"] = ActivationValues.OrNull(OldObject),
            ["dryRun"] = false,
            ["options"] = CelNull.Value,
        };
        baseValues = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["object"] = ActivationValues.OrNull(Object),
            ["oldObject"] = ActivationValues.OrNull(OldObject),
            ["request"] = request,
            ["namespaceObject"] = ActivationValues.OrNull(namespaceObject),
            ["image"] = ImageDataContext.Instance,
            ["imagedata"] = ImageDataContext.Instance,
            ["json"] = UtilityLibraries.Json,
            ["yaml"] = UtilityLibraries.Yaml,
            ["resource"] = UtilityLibraries.Resource,
            ["globalContext"] = UtilityLibraries.GlobalContext,
            ["http"] = UtilityLibraries.Http,
        };
    }

    public EngineResource Resource { get; }

    public ResourceKind Kind { get; }

    /// <summary>The object as the webhook sees it (null on DELETE); digest pinning patches it.</summary>
    public JsonObject? Object { get; }

    public JsonObject? OldObject { get; }

    /// <summary>The variables every expression sees: object, oldObject, request, namespaceObject and the library contexts.</summary>
    public IReadOnlyDictionary<string, object?> BaseActivation() => baseValues;

    private static Dictionary<string, object?> Map(params (string Key, string Value)[] entries) =>
        entries.ToDictionary(e => e.Key, e => (object?)e.Value, StringComparer.Ordinal);
}
