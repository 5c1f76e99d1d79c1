using ImageGate.Policies.Model;
using ImageGate.Policies.Validation;
using YamlDotNet.RepresentationModel;

namespace ImageGate.Policies.Loading;

/// <summary>Dispatches one YAML document by apiVersion and kind: policies and exceptions are read, lists are
/// opened, anything else is skipped with a notice.</summary>
internal sealed class DocumentReader(string file, PolicyLoaderOptions options)
{
    private const string Group = "policies.kyverno.io";

    private static readonly string[] PolicyVersions = ["v1alpha1", "v1beta1", "v1"];
    private static readonly string[] NamespacedPolicyVersions = ["v1beta1", "v1"];
    private static readonly string[] ExceptionVersions = ["v1alpha1", "v1beta1", "v1"];

    public List<ImageValidatingPolicy> Policies { get; } = [];

    public List<PolicyException> Exceptions { get; } = [];

    public List<PolicyDiagnostic> Diagnostics { get; } = [];

    public void Read(YamlNode root, string path = "")
    {
        if (YamlScalars.IsNull(root))
        {
            return; // an empty document
        }
        var span = new SourceSpan(file, (int)root.Start.Line, (int)root.Start.Column);
        if (root is not YamlMappingNode map)
        {
            Diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Error, DiagnosticCodes.Type,
                $"expected a Kubernetes object, got {YamlScalars.Describe(root)}", path, span));
            return;
        }
        var apiVersion = ScalarField(map, "apiVersion");
        var kind = ScalarField(map, "kind");
        if (string.IsNullOrEmpty(apiVersion) || string.IsNullOrEmpty(kind))
        {
            Diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Error, DiagnosticCodes.Required,
                "document has no apiVersion or kind; not a Kubernetes object", path, span));
            return;
        }
        if (apiVersion == "v1" && kind.EndsWith("List", StringComparison.Ordinal))
        {
            ReadList(map, path, span);
            return;
        }
        var slash = apiVersion.IndexOf('/');
        var group = slash < 0 ? "" : apiVersion[..slash];
        var version = slash < 0 ? apiVersion : apiVersion[(slash + 1)..];
        if (group != Group || kind is not ("ImageValidatingPolicy" or "NamespacedImageValidatingPolicy" or "PolicyException"))
        {
            Diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Notice, DiagnosticCodes.Skipped,
                $"skipped {kind} ({apiVersion}): not an ImageValidatingPolicy, NamespacedImageValidatingPolicy or PolicyException",
                path, span));
            return;
        }
        var served = kind switch
        {
            "ImageValidatingPolicy" => PolicyVersions,
            "NamespacedImageValidatingPolicy" => NamespacedPolicyVersions,
            _ => ExceptionVersions,
        };
        if (!served.Contains(version))
        {
            var versionNode = map.Children[new YamlScalarNode("apiVersion")];
            Diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Error, DiagnosticCodes.Enum,
                $"{kind} is not served in {apiVersion}; served versions: {string.Join(", ", served.Select(v => $"{Group}/{v}"))}",
                FieldPath.Child(path, "apiVersion"),
                new SourceSpan(file, (int)versionNode.Start.Line, (int)versionNode.Start.Column)));
            return;
        }
        var context = new LoadContext(file, options)
        {
            SeedEraAllowed = kind == "ImageValidatingPolicy" && version == "v1alpha1",
        };
        var reader = new MappingReader(context, map, path);
        reader.Take("apiVersion");
        reader.Take("kind");
        reader.Ignore("status");
        if (kind == "PolicyException")
        {
            var exception = ExceptionReader.Read(reader, apiVersion);
            Collect(context, exception, Exceptions);
        }
        else
        {
            var policy = ReadPolicy(reader, kind, apiVersion);
            Collect(context, policy, Policies);
        }
    }

    private void Collect<T>(LoadContext context, T? item, List<T> into) where T : class
    {
        Diagnostics.AddRange(context.Diagnostics);
        if (item is not null && !context.HasErrors)
        {
            into.Add(item);
        }
    }

    private static ImageValidatingPolicy? ReadPolicy(MappingReader root, string kind, string apiVersion)
    {
        var policyKind = kind == "ImageValidatingPolicy" ? PolicyKind.ImageValidatingPolicy : PolicyKind.NamespacedImageValidatingPolicy;
        var metadata = MetadataReader.Read(root, defaultNamespace: policyKind == PolicyKind.NamespacedImageValidatingPolicy ? "default" : null);
        root.Require("spec");
        var specReader = root.Object("spec");
        var spec = specReader is null ? null : SpecReader.Read(specReader);
        var fields = root.Finish();
        if (metadata is null || spec is null)
        {
            return null;
        }
        var policy = new ImageValidatingPolicy(policyKind, apiVersion, metadata, spec)
        {
            Path = root.Path,
            Span = root.Span,
            Fields = fields,
            Vocabulary = root.Context.UsedSeedEra ? PolicyVocabulary.SeedEra : PolicyVocabulary.Current,
            SpecNode = specReader!.Node,
            SeedEraAllowed = root.Context.SeedEraAllowed,
        };
        if (!root.Context.HasErrors)
        {
            PolicyChecks.Check(policy, root.Context); // only on schema-valid documents, so errors do not cascade
        }
        return policy;
    }

    private void ReadList(YamlMappingNode map, string path, SourceSpan span)
    {
        if (!map.Children.TryGetValue(new YamlScalarNode("items"), out var items) || YamlScalars.IsNull(items))
        {
            return;
        }
        if (items is not YamlSequenceNode sequence)
        {
            Diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Error, DiagnosticCodes.Type,
                "expected items to be a list", FieldPath.Child(path, "items"), span));
            return;
        }
        for (var i = 0; i < sequence.Children.Count && i < options.MaxDocumentsPerFile; i++)
        {
            Read(sequence.Children[i], FieldPath.Index(FieldPath.Child(path, "items"), i));
        }
    }

    private static string? ScalarField(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode s ? s.Value : null;
}

/// <summary>Reads the parts of <c>metadata</c> policies need; other metadata fields are allowed and ignored.</summary>
internal static class MetadataReader
{
    public static ObjectMetadata? Read(MappingReader root, string? defaultNamespace)
    {
        root.Require("metadata");
        if (root.Object("metadata") is not { } m)
        {
            return null;
        }
        m.Require("name");
        var name = m.String("name", rewrite: false) ?? "";
        var ns = m.String("namespace", rewrite: false);
        var metadata = new ObjectMetadata(
            name,
            string.IsNullOrEmpty(ns) ? defaultNamespace : ns,
            m.StringMap("labels"),
            m.StringMap("annotations"))
        {
            Path = m.Path,
            Span = m.Span,
            Fields = m.Fields,
        };
        return metadata;
    }
}
