using ManifestException = ImageGate.Manifests.ManifestException;
using ImageGate.Manifests.Yaml;
using ImageGate.Policies.Model;
using ImageGate.Policies.Validation;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace ImageGate.Policies.Loading;

/// <summary>Loads ImageValidatingPolicy, NamespacedImageValidatingPolicy and PolicyException documents into the
/// model, validating them as Kyverno's CRDs do. Other kinds are skipped with a notice.</summary>
public static class PolicyLoader
{
    /// <summary>Loads every document of a YAML (or JSON) file.</summary>
    public static PolicyLoadResult LoadFile(string path, PolicyLoaderOptions? options = null)
    {
        options ??= PolicyLoaderOptions.Default;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return Failure(path, DiagnosticCodes.InvalidYaml, "file not found");
            }
            if (info.Length > options.MaxFileBytes)
            {
                return Failure(path, DiagnosticCodes.Limit, $"file is larger than {options.MaxFileBytes} bytes; not loaded");
            }
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            return LoadText(SourceText.Read(stream, path, options.MaxFileBytes), path, options);
        }
        catch (ManifestException e)
        {
            return new PolicyLoadResult([], [], [Located(e, e.Reason.StartsWith("file is larger", StringComparison.Ordinal) ? DiagnosticCodes.Limit : DiagnosticCodes.InvalidYaml)]);
        }
        catch (IOException e)
        {
            return Failure(path, DiagnosticCodes.InvalidYaml, "cannot read file: " + e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            return Failure(path, DiagnosticCodes.InvalidYaml, "cannot read file: " + e.Message);
        }
    }

    /// <summary>Loads several files, keeping their order.</summary>
    public static PolicyLoadResult LoadFiles(IEnumerable<string> paths, PolicyLoaderOptions? options = null) =>
        PolicyLoadResult.Combine(paths.Select(p => LoadFile(p, options)));

    /// <summary>Loads every document of YAML text; <paramref name="fileName"/> names it in diagnostics.</summary>
    public static PolicyLoadResult LoadText(string text, string fileName, PolicyLoaderOptions? options = null)
    {
        options ??= PolicyLoaderOptions.Default;
        if (text.Length > options.MaxFileBytes)
        {
            return Failure(fileName, DiagnosticCodes.Limit, $"input is larger than {options.MaxFileBytes} bytes; not loaded");
        }
        try
        {
            SourceText.CheckCharacters(text, fileName);
        }
        catch (ManifestException e)
        {
            return new PolicyLoadResult([], [], [Located(e, DiagnosticCodes.InvalidYaml)]);
        }
        if (text.StartsWith('\uFEFF'))
        {
            text = text[1..];
        }
        if (CheckStructure(text, fileName, options) is { } problem)
        {
            return new PolicyLoadResult([], [], [problem]);
        }
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            return new PolicyLoadResult([], [], [YamlError(fileName, e)]);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // YamlDotNet reports some malformed input (bad tag URIs, escapes, event order) with these (found by fuzzing).
            return Failure(fileName, DiagnosticCodes.InvalidYaml, "invalid YAML: the text cannot be parsed (" + e.Message + ")");
        }
        return LoadDocuments(stream.Documents.Select(d => d.RootNode), fileName, options);
    }

    /// <summary>Loads documents already parsed (for example by manifest discovery); their marks give the spans.</summary>
    public static PolicyLoadResult LoadDocuments(IEnumerable<YamlNode> roots, string fileName, PolicyLoaderOptions? options = null)
    {
        options ??= PolicyLoaderOptions.Default;
        var reader = new DocumentReader(fileName, options);
        foreach (var root in roots.Take(options.MaxDocumentsPerFile))
        {
            reader.Read(root);
        }
        return new PolicyLoadResult(reader.Policies, reader.Exceptions, reader.Diagnostics);
    }

    /// <summary>Loads one parsed document.</summary>
    public static PolicyLoadResult LoadDocument(YamlNode root, string fileName, PolicyLoaderOptions? options = null) =>
        LoadDocuments([root], fileName, options);

    /// <summary>Streams parser events once to refuse, before anything is built, input that is too deep, has too
    /// many documents, or expands through aliases to more nodes than a document may have (alias bombs).</summary>
    private static PolicyDiagnostic? CheckStructure(string text, string fileName, PolicyLoaderOptions options)
    {
        var parser = new Parser(new StringReader(text));
        var open = new Stack<(string? Anchor, long Start)>();
        var anchorSizes = new Dictionary<string, long>(StringComparer.Ordinal);
        long expanded = 0;
        var documents = 0;
        var keys = new ScalarKeyGuard();
        var last = Mark.Empty;
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                last = current.End;
                switch (current)
                {
                    case DocumentStart:
                        if (++documents > options.MaxDocumentsPerFile)
                        {
                            return Diagnostic(fileName, current.Start, DiagnosticCodes.Limit,
                                $"more than {options.MaxDocumentsPerFile} documents; not loaded");
                        }
                        expanded = 0;
                        anchorSizes.Clear();
                        break;
                    case NodeEvent node when !YamlTags.IsSupported(node.Tag):
                        return Diagnostic(fileName, current.Start, DiagnosticCodes.InvalidYaml, "invalid YAML: " + YamlTags.Unsupported(node.Tag));
                }
                if (keys.Observe(current) is { } badKey)
                {
                    return Diagnostic(fileName, current.Start, DiagnosticCodes.InvalidYaml, "invalid YAML: " + badKey);
                }
                switch (current)
                {
                    case MappingStart or SequenceStart:
                        if (open.Count >= options.MaxDepth)
                        {
                            return Diagnostic(fileName, current.Start, DiagnosticCodes.Limit,
                                $"YAML nested deeper than {options.MaxDepth} levels; not loaded");
                        }
                        var anchor = ((NodeEvent)current).Anchor;
                        open.Push((anchor.IsEmpty ? null : anchor.Value, expanded));
                        expanded++;
                        break;
                    case MappingEnd or SequenceEnd:
                        var (name, start) = open.Pop();
                        if (name is not null)
                        {
                            anchorSizes[name] = expanded - start;
                        }
                        break;
                    case Scalar scalar:
                        expanded++;
                        if (!scalar.Anchor.IsEmpty)
                        {
                            anchorSizes[scalar.Anchor.Value] = 1;
                        }
                        break;
                    case AnchorAlias alias:
                        // Saturating add: sizes compound exponentially in a bomb.
                        expanded = Math.Min(long.MaxValue / 2, expanded + anchorSizes.GetValueOrDefault(alias.Value.Value, 1));
                        break;
                }
                if (expanded > options.MaxNodesPerDocument)
                {
                    return Diagnostic(fileName, current.Start, DiagnosticCodes.Limit,
                        $"document expands to more than {options.MaxNodesPerDocument} nodes (counting alias expansion); not loaded");
                }
            }
        }
        catch (YamlException e)
        {
            return YamlError(fileName, e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // The scanner reports some malformed input this way (found by fuzzing); the last good event gives the position.
            return Diagnostic(fileName, last, DiagnosticCodes.InvalidYaml,
                "invalid YAML: the parser cannot continue after this position (" + e.Message + ")");
        }
        return null;
    }

    private static PolicyDiagnostic YamlError(string fileName, YamlException e)
    {
        // YamlDotNet prefixes messages with the position; keep only the reason.
        var message = e.Message;
        var close = message.IndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith('(') && close > 0)
        {
            message = message[(close + 3)..];
        }
        return Diagnostic(fileName, e.Start, DiagnosticCodes.InvalidYaml, "invalid YAML: " + message);
    }

    private static PolicyDiagnostic Located(ManifestException e, string code) =>
        new(DiagnosticSeverity.Error, code, e.Reason, "", e.Line is { } line ? new SourceSpan(e.File, line, e.Column ?? 1) : SourceSpan.None(e.File));

    private static PolicyDiagnostic Diagnostic(string fileName, Mark mark, string code, string message) =>
        new(DiagnosticSeverity.Error, code, message, "", new SourceSpan(fileName, (int)mark.Line, (int)mark.Column));

    private static PolicyLoadResult Failure(string fileName, string code, string message) =>
        new([], [], [new PolicyDiagnostic(DiagnosticSeverity.Error, code, message, "", SourceSpan.None(fileName))]);
}
