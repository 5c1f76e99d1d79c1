using YamlDotNet.Core.Events;

namespace ImageGate.Manifests.Yaml;

/// <summary>Watches a stream of parser events and reports a mapping key that is not a plain scalar. Kubernetes
/// objects are JSON, whose keys are strings; complex or alias keys only serve to build self-referencing keys,
/// which make YamlDotNet's node hashing recurse without end (a stack overflow no handler can catch).</summary>
public sealed class ScalarKeyGuard
{
    private enum Slot { SequenceItem, MappingKey, MappingValue }

    private readonly Stack<Slot> _open = new();

    /// <summary>Feeds one event; returns the reason when it is a mapping key other than a scalar, else null.</summary>
    public string? Observe(ParsingEvent parsingEvent)
    {
        switch (parsingEvent)
        {
            case MappingEnd or SequenceEnd:
                if (_open.Count > 0)
                {
                    _open.Pop();
                }
                return null;
            case StreamStart or StreamEnd or DocumentStart or DocumentEnd:
                _open.Clear();
                return null;
            case Comment:
                return null;
        }
        if (_open.Count > 0 && _open.Peek() != Slot.SequenceItem)
        {
            var isKey = _open.Pop() == Slot.MappingKey;
            _open.Push(isKey ? Slot.MappingValue : Slot.MappingKey);
            if (isKey && parsingEvent is not Scalar)
            {
                return parsingEvent is AnchorAlias
                    ? "a mapping key is an alias; Kubernetes objects only have string keys"
                    : "a mapping key is a mapping or a sequence; Kubernetes objects only have string keys";
            }
        }
        if (parsingEvent is MappingStart)
        {
            _open.Push(Slot.MappingKey);
        }
        else if (parsingEvent is SequenceStart)
        {
            _open.Push(Slot.SequenceItem);
        }
        return null;
    }
}
