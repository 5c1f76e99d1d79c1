using ImageGate.Manifests.Helm;
using ImageGate.Manifests.Workloads;
using ImageGate.Manifests.Yaml;
using YamlDotNet.RepresentationModel;

namespace ImageGate.Manifests;

/// <summary>Settings for reading manifests.</summary>
public sealed record ManifestReaderOptions
{
    /// <summary>Folders holding Helm charts (or a chart itself), searched first for <c># Source:</c> templates.</summary>
    public IReadOnlyList<string> ChartRoots { get; init; } = [];

    /// <summary>Paths are shown relative to this folder when they are inside it.</summary>
    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>Size and shape limits.</summary>
    public ManifestLimits Limits { get; init; } = ManifestLimits.Default;
}

/// <summary>Reads YAML or JSON manifests into <see cref="ManifestDocument"/>s: multi-document streams, <c>List</c>
/// items, Helm <c>helm template</c> output (mapped back to chart templates) and workload images.</summary>
public sealed class ManifestReader
{
    private const int MaxListNesting = 4;
    private readonly ManifestReaderOptions _options;
    private readonly ChartLocator _charts;
    private readonly TemplateImageLocator _templates;

    /// <summary>Creates a reader.</summary>
    public ManifestReader(ManifestReaderOptions? options = null)
    {
        _options = options ?? new ManifestReaderOptions();
        _charts = new ChartLocator(_options.ChartRoots.Select(r => Path.GetFullPath(r, _options.WorkingDirectory)).ToList());
        _templates = new TemplateImageLocator(_options.Limits.MaxFileBytes);
    }

    /// <summary>Notices about skipped documents (not Kubernetes objects), as <c>file:line: message</c>.</summary>
    public List<string> Notices { get; } = [];

    /// <summary>Makes a chart folder found in the input tree available for <c># Source:</c> mapping.</summary>
    public void RegisterChart(string chartDirectory) => _charts.Register(Path.GetFullPath(chartDirectory, _options.WorkingDirectory));

    /// <summary>Reads one file. Throws <see cref="ManifestException"/> when it cannot be read or parsed.</summary>
    public IReadOnlyList<ManifestDocument> ReadFile(string path)
    {
        var full = Path.GetFullPath(path, _options.WorkingDirectory);
        var display = PathDisplay.For(full, _options.WorkingDirectory);
        string text;
        try
        {
            var info = new FileInfo(full);
            if (!info.Exists)
            {
                throw new ManifestException(display, null, null, "file not found");
            }
            if (info.Length > _options.Limits.MaxFileBytes)
            {
                throw new ManifestException(display, null, null,
                    $"file is {info.Length} bytes, larger than the limit of {_options.Limits.MaxFileBytes} bytes");
            }
            CheckLinkStaysInside(full, display);
            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read);
            text = SourceText.Read(stream, display, _options.Limits.MaxFileBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ManifestException(display, null, null, "cannot read the file: " + e.Message, e);
        }
        return ReadText(text, display, Path.GetDirectoryName(full));
    }

    /// <summary>A file in the working directory that is (or passes through) a symbolic link must stay in it: a
    /// link in a pull request could otherwise make the run read any file of the machine.</summary>
    private void CheckLinkStaysInside(string full, string display)
    {
        var workspace = Path.GetFullPath(_options.WorkingDirectory);
        if (!Discovery.RealPath.IsInside(full, workspace))
        {
            return;
        }
        var real = Discovery.RealPath.Resolve(full)
            ?? throw new ManifestException(display, null, null, "symbolic links loop or nest too deeply");
        var realWorkspace = Discovery.RealPath.Resolve(workspace) ?? workspace;
        if (!Discovery.RealPath.IsInside(real, realWorkspace))
        {
            throw new ManifestException(display, null, null, "symbolic link points outside the working directory; not read");
        }
    }

    /// <summary>Reads standard input (or any reader), bounded by the file size limit.</summary>
    public IReadOnlyList<ManifestDocument> ReadStream(TextReader reader, string display = "<stdin>")
    {
        var limit = _options.Limits.MaxFileBytes;
        var buffer = new char[64 * 1024];
        var text = new System.Text.StringBuilder();
        int read;
        try
        {
            while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
            {
                text.Append(buffer, 0, read);
                if (text.Length > limit)
                {
                    throw new ManifestException(display, null, null, $"input is larger than the limit of {limit} bytes");
                }
            }
        }
        catch (System.Text.DecoderFallbackException e)
        {
            throw new ManifestException(display, null, null, $"input is not valid UTF-8 ({e.Message})");
        }
        return ReadText(text.ToString(), display, _options.WorkingDirectory);
    }

    /// <summary>Reads manifests from text shown as <paramref name="displayFile"/>. <paramref name="directory"/> is where
    /// the text came from, used to find Helm charts beside it.</summary>
    public IReadOnlyList<ManifestDocument> ReadText(string text, string displayFile, string? directory = null)
    {
        var documents = YamlLoader.Load(text, displayFile, _options.Limits);
        var sources = HelmSourceComments.Find(text);
        var result = new List<ManifestDocument>();
        var previousEndLine = 0;
        var nextSource = 0;
        foreach (var document in documents)
        {
            var root = document.Root;
            if (YamlNodes.IsNullScalar(root))
            {
                continue;
            }
            var span = YamlNodes.SpanOf(root, displayFile);
            // The last "# Source:" comment between the previous object and this one (both lists are in line order).
            string? source = null;
            while (nextSource < sources.Count && sources[nextSource].Line < span.StartLine)
            {
                if (sources[nextSource].Line > previousEndLine)
                {
                    source = sources[nextSource].Path;
                }
                nextSource++;
            }
            previousEndLine = span.EndLine;
            if (root is not YamlMappingNode mapping)
            {
                Notices.Add($"{span}: skipped document {document.Index}: it is a {Describe(root)}, not a Kubernetes object");
                continue;
            }
            AddObject(result, mapping, displayFile, document.Index, null, source, directory, 0);
        }
        return result;
    }

    private void AddObject(List<ManifestDocument> result, YamlMappingNode mapping, string file, int documentIndex,
        int? itemIndex, string? source, string? directory, int listDepth)
    {
        var kind = mapping.GetString("kind") ?? "";
        var span = YamlNodes.SpanOf(mapping, file);
        if (kind.EndsWith("List", StringComparison.Ordinal) && mapping.Get("items") is YamlSequenceNode items)
        {
            if (listDepth >= MaxListNesting)
            {
                throw new ManifestException(file, span.StartLine, span.StartColumn, $"Lists nest more than {MaxListNesting} levels");
            }
            for (var i = 0; i < items.Children.Count; i++)
            {
                if (items.Children[i] is YamlMappingNode item)
                {
                    AddObject(result, item, file, documentIndex, i, source, directory, listDepth + 1);
                }
                else
                {
                    var at = YamlNodes.SpanOf(items.Children[i], file);
                    Notices.Add($"{at}: skipped {kind} item {i}: it is a {Describe(items.Children[i])}, not a Kubernetes object");
                }
            }
            return;
        }
        if (kind.Length == 0 || mapping.GetString("apiVersion") is null)
        {
            Notices.Add($"{span}: skipped document {documentIndex}: no apiVersion/kind, not a Kubernetes object");
            return;
        }
        var metadata = mapping.GetMapping("metadata");
        var prefix = itemIndex is null ? "" : $"items[{itemIndex}].";
        var images = WorkloadImages.Extract(mapping, kind, file, prefix);
        HelmOrigin? helm = null;
        if (source is not null)
        {
            (helm, images) = MapToTemplate(source, directory, kind, images);
        }
        result.Add(new ManifestDocument
        {
            File = file,
            DocumentIndex = documentIndex,
            ItemIndex = itemIndex,
            Root = mapping,
            Span = span,
            ApiVersion = mapping.GetString("apiVersion") ?? "",
            Kind = kind,
            Name = metadata?.GetString("name") ?? metadata?.GetString("generateName") ?? "",
            Namespace = metadata?.GetString("namespace"),
            Helm = helm,
            KustomizeOrigin = KustomizeOriginPath(metadata),
            Images = images,
        });
    }

    private (HelmOrigin, IReadOnlyList<ContainerImage>) MapToTemplate(string source, string? directory, string kind, IReadOnlyList<ContainerImage> images)
    {
        var split = HelmSourceComments.Split(source);
        var chartDirectory = split is null ? null : _charts.Find(split.Value.Chart, directory);
        if (split is null || chartDirectory is null)
        {
            return (new HelmOrigin(source, split?.Chart ?? "", null), images);
        }
        var templatePath = Path.GetFullPath(Path.Combine(chartDirectory, split.Value.PathInChart));
        if (!File.Exists(templatePath))
        {
            return (new HelmOrigin(source, split.Value.Chart, null), images);
        }
        var templateDisplay = PathDisplay.For(templatePath, _options.WorkingDirectory);
        var objectSpan = _templates.LocateObject(templatePath, templateDisplay, kind);
        var imageSpans = _templates.LocateImages(templatePath, templateDisplay, images);
        var mapped = images.Select((image, i) => image with { Template = new TemplateLocation(templateDisplay, imageSpans[i]) }).ToList();
        return (new HelmOrigin(source, split.Value.Chart, new TemplateLocation(templateDisplay, objectSpan)), mapped);
    }

    /// <summary>The <c>path:</c> line of the <c>config.kubernetes.io/origin</c> annotation, or null.</summary>
    private static string? KustomizeOriginPath(YamlMappingNode? metadata)
    {
        var origin = metadata?.GetMapping("annotations")?.GetString("config.kubernetes.io/origin");
        if (origin is null)
        {
            return null;
        }
        foreach (var line in origin.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("path:", StringComparison.Ordinal))
            {
                return trimmed["path:".Length..].Trim().Trim('"', '\'');
            }
        }
        return null;
    }

    private static string Describe(YamlNode node) => node switch
    {
        YamlSequenceNode => "sequence",
        YamlScalarNode => "scalar",
        _ => "mapping",
    };
}

/// <summary>Turns full paths into the form shown to users.</summary>
public static class PathDisplay
{
    /// <summary>The path relative to <paramref name="workingDirectory"/> when inside it, else the full path; '/' separators.</summary>
    public static string For(string fullPath, string workingDirectory)
    {
        var relative = Path.GetRelativePath(workingDirectory, fullPath);
        var shown = relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? fullPath : relative;
        return shown.Replace('\\', '/');
    }
}
