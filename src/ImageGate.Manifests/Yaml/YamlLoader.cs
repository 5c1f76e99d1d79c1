using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ImageGate.Manifests.Yaml;

/// <summary>One YAML document of a source text: its 0-based index in the stream and its root node.</summary>
public sealed record YamlSourceDocument(string File, int Index, YamlNode Root);

/// <summary>Parses YAML (and JSON) text into representation nodes with marks, within <see cref="ManifestLimits"/>.</summary>
public static partial class YamlLoader
{
    /// <summary>Parses every document of <paramref name="text"/>; empty documents are kept with a null-scalar root.
    /// Throws <see cref="ManifestException"/> naming file:line:column on invalid YAML or an exceeded limit.</summary>
    public static IReadOnlyList<YamlSourceDocument> Load(string text, string file, ManifestLimits? limits = null)
    {
        limits ??= ManifestLimits.Default;
        if (text.Length > limits.MaxFileBytes)
        {
            throw new ManifestException(file, null, null, $"input is larger than the limit of {limits.MaxFileBytes} bytes");
        }
        SourceText.CheckCharacters(text, file);
        if (text.StartsWith('\uFEFF'))
        {
            // A BOM that reached us as a character (standard input, text): not part of the first key.
            text = text[1..];
        }
        var scanner = new Scanner(new StringReader(text), skipComments: true);
        var parser = new BoundedParser(new Parser(scanner), file, limits);
        var stream = new YamlStream();
        try
        {
            stream.Load(parser);
        }
        catch (ManifestException)
        {
            throw;
        }
        catch (AnchorNotFoundException e)
        {
            // Raised once the document is built, without a mark: locate the first use of the alias.
            var (line, column) = FindAlias(text, e.Message);
            throw new ManifestException(file, line, column, "invalid YAML: " + CleanMessage(e.Message).Replace("does not exists", "is not defined", StringComparison.Ordinal), e);
        }
        catch (YamlException e)
        {
            var at = e.Start.Index == 0 && e.Start.Line <= 1 && scanner.CurrentPosition.Index > 0 ? scanner.CurrentPosition : e.Start;
            throw new ManifestException(file, (int)at.Line, (int)at.Column, "invalid YAML: " + CleanMessage(e.Message), e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // The scanner can fail with a non-YAML exception on some truncated inputs; report where it stopped.
            var at = scanner.CurrentPosition;
            throw new ManifestException(file, (int)at.Line, (int)at.Column, "invalid YAML: the text cannot be parsed here (unterminated or malformed structure)", e);
        }

        // Kubernetes reads YAML merge keys ("<<: *base"); resolve them so no field hides behind one.
        var mayMerge = text.Contains("<<", StringComparison.Ordinal);
        var documents = new List<YamlSourceDocument>(stream.Documents.Count);
        for (var i = 0; i < stream.Documents.Count; i++)
        {
            var root = stream.Documents[i].RootNode;
            if (i < parser.DocumentHasAlias.Count && parser.DocumentHasAlias[i])
            {
                CheckAliasExpansion(root, file, limits);
            }
            if (mayMerge)
            {
                new MergeKeys(file, limits).Apply(root);
            }
            documents.Add(new YamlSourceDocument(file, i, root));
        }
        return documents;
    }

    /// <summary>Counts the nodes of the document as if every alias were expanded, stopping at the limit.
    /// Shared nodes are counted once per reference but computed once (memoised), so this runs in time
    /// proportional to the document, not to its expansion.</summary>
    private static void CheckAliasExpansion(YamlNode root, string file, ManifestLimits limits)
    {
        var sizes = new Dictionary<YamlNode, long>(ReferenceEqualityComparer.Instance);
        var inProgress = new HashSet<YamlNode>(ReferenceEqualityComparer.Instance);
        var total = Size(root, 0);
        if (total > limits.MaxExpandedNodes)
        {
            throw new ManifestException(file, (int)root.Start.Line, (int)root.Start.Column,
                $"aliases expand this document beyond the limit of {limits.MaxExpandedNodes} nodes (possible \"billion laughs\" attack)");
        }

        long Size(YamlNode node, int depth)
        {
            if (sizes.TryGetValue(node, out var known))
            {
                return known;
            }
            if (depth > limits.MaxDepth * 4)
            {
                throw new ManifestException(file, (int)node.Start.Line, (int)node.Start.Column, "aliases nest too deeply");
            }
            if (!inProgress.Add(node))
            {
                throw new ManifestException(file, (int)node.Start.Line, (int)node.Start.Column, "an alias refers to a node that contains it (recursive alias)");
            }
            long size = 1;
            switch (node)
            {
                case YamlMappingNode m:
                    foreach (var (k, v) in m.Children)
                    {
                        size = Add(size, Add(Size(k, depth + 1), Size(v, depth + 1)));
                    }
                    break;
                case YamlSequenceNode s:
                    foreach (var child in s.Children)
                    {
                        size = Add(size, Size(child, depth + 1));
                    }
                    break;
            }
            inProgress.Remove(node);
            sizes[node] = size;
            return size;
        }

        long Add(long a, long b) => Math.Min(a + b, limits.MaxExpandedNodes + 1);
    }

    private static (int Line, int Column) FindAlias(string text, string message)
    {
        var name = AnchorName().Match(message);
        var index = name.Success ? text.IndexOf("*" + name.Groups[1].Value, StringComparison.Ordinal) : -1;
        if (index < 0)
        {
            return (1, 1);
        }
        var lineStart = index == 0 ? 0 : text.LastIndexOf('\n', index - 1) + 1;
        return (1 + text.AsSpan(0, index).Count('\n'), index - lineStart + 1);
    }

    [GeneratedRegex(@"anchor '([^']+)'")]
    private static partial Regex AnchorName();

    private static string CleanMessage(string message) => LocationPrefix().Replace(message, "").Trim();

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex LocationPrefix();
}
