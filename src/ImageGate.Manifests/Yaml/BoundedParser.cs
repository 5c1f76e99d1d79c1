using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ImageGate.Manifests.Yaml;

/// <summary>Wraps a YAML parser and stops it with a located error when a document grows too large,
/// nests too deeply or the file holds too many documents. Also notes which documents use aliases.</summary>
internal sealed class BoundedParser(IParser inner, string file, ManifestLimits limits) : IParser
{
    private readonly ScalarKeyGuard _keys = new();
    private int _depth;
    private long _documentStart;
    private int _documents;

    /// <summary>Per document (in stream order): whether it contains an alias.</summary>
    public List<bool> DocumentHasAlias { get; } = [];

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        if (!inner.MoveNext())
        {
            return false;
        }
        var current = inner.Current!;
        if (_keys.Observe(current) is { } badKey)
        {
            throw Error(current.Start, badKey);
        }
        switch (current)
        {
            case DocumentStart:
                _documents++;
                if (_documents > limits.MaxDocumentsPerFile)
                {
                    throw Error(current.Start, $"more than {limits.MaxDocumentsPerFile} documents in one file");
                }
                _documentStart = current.Start.Index;
                DocumentHasAlias.Add(false);
                break;
            case MappingStart or SequenceStart:
                CheckTag((NodeEvent)current);
                _depth++;
                if (_depth > limits.MaxDepth)
                {
                    throw Error(current.Start, $"nesting deeper than {limits.MaxDepth} levels");
                }
                break;
            case MappingEnd or SequenceEnd:
                _depth--;
                break;
            case Scalar scalar:
                CheckTag(scalar);
                break;
            case AnchorAlias:
                if (DocumentHasAlias.Count > 0)
                {
                    DocumentHasAlias[^1] = true;
                }
                break;
        }
        if (current.End.Index - _documentStart > limits.MaxDocumentChars)
        {
            throw Error(current.Start, $"document is larger than the limit of {limits.MaxDocumentChars} characters");
        }
        return true;
    }

    private void CheckTag(NodeEvent node)
    {
        if (!YamlTags.IsSupported(node.Tag))
        {
            throw Error(node.Start, YamlTags.Unsupported(node.Tag));
        }
    }

    private ManifestException Error(Mark at, string reason) => new(file, (int)at.Line, (int)at.Column, reason);
}
