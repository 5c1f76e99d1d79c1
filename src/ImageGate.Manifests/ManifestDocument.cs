using YamlDotNet.RepresentationModel;

namespace ImageGate.Manifests;

/// <summary>One Kubernetes object read from a source file: a document's root mapping or an item of a
/// <c>List</c>. The YamlDotNet nodes keep their marks, so any component can locate any field.</summary>
public sealed class ManifestDocument
{
    /// <summary>The file as shown to the user (relative to the working directory when under it), or <c>&lt;stdin&gt;</c>.</summary>
    public required string File { get; init; }

    /// <summary>0-based index of the YAML document in its file (empty documents count).</summary>
    public required int DocumentIndex { get; init; }

    /// <summary>0-based index in the enclosing <c>List</c>'s <c>items</c>, or null for a top-level object.</summary>
    public int? ItemIndex { get; init; }

    /// <summary>The object itself.</summary>
    public required YamlMappingNode Root { get; init; }

    /// <summary>Where the object is in <see cref="File"/>.</summary>
    public required SourceSpan Span { get; init; }

    /// <summary><c>apiVersion</c>, or empty.</summary>
    public string ApiVersion { get; init; } = "";

    /// <summary><c>kind</c>, or empty.</summary>
    public string Kind { get; init; } = "";

    /// <summary><c>metadata.name</c> (or <c>metadata.generateName</c>), or empty.</summary>
    public string Name { get; init; } = "";

    /// <summary><c>metadata.namespace</c>, or null when not set.</summary>
    public string? Namespace { get; init; }

    /// <summary>For objects from a <c>helm template</c> stream: the chart template that produced it.</summary>
    public HelmOrigin? Helm { get; init; }

    /// <summary>For <c>kustomize build</c> output with origin annotations: the source file the object came from
    /// (the <c>path</c> of <c>config.kubernetes.io/origin</c>), relative to the kustomization.</summary>
    public string? KustomizeOrigin { get; init; }

    /// <summary>The container images of a workload (empty for other kinds), in source order.</summary>
    public IReadOnlyList<ContainerImage> Images { get; init; } = [];

    /// <summary>The field path prefix of this object inside its document (<c>items[2].</c> for List items).</summary>
    public string FieldPrefix => ItemIndex is null ? "" : $"items[{ItemIndex}].";

    /// <summary><c>Kind/namespace/name</c>, leaving out an unset namespace.</summary>
    public string DisplayName => Namespace is null ? $"{Kind}/{Name}" : $"{Kind}/{Namespace}/{Name}";
}

/// <summary>Where a Helm-rendered object came from: the <c># Source:</c> path and, when the chart is in the
/// tree, the template file (and, for images, the template line).</summary>
public sealed record HelmOrigin(string SourcePath, string Chart, TemplateLocation? Template);

/// <summary>A place in a chart template: the file as shown to the user and, when found, the span inside it.</summary>
public sealed record TemplateLocation(string File, SourceSpan? Span)
{
    /// <summary><c>file:line</c> when the line is known, otherwise the file.</summary>
    public override string ToString() => Span is { } span ? $"{File}:{span.StartLine}" : File;
}

/// <summary>One container image of a workload.</summary>
/// <param name="ContainerName">The container's <c>name</c>, or empty.</param>
/// <param name="ListName"><c>containers</c>, <c>initContainers</c> or <c>ephemeralContainers</c>.</param>
/// <param name="Image">The raw image string as written.</param>
/// <param name="FieldPath">The field path inside the object, e.g. <c>spec.template.spec.containers[0].image</c>.</param>
/// <param name="Span">Where the image scalar is in the file.</param>
/// <param name="Template">For Helm-rendered objects, where the image is in the chart template.</param>
public sealed record ContainerImage(
    string ContainerName,
    string ListName,
    string Image,
    string FieldPath,
    SourceSpan Span,
    TemplateLocation? Template);
