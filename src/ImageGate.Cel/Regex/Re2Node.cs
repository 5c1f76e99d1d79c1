namespace ImageGate.Cel.Regex;

/// <summary>A node of a parsed RE2 pattern.</summary>
internal abstract record Re2Node;

/// <summary>Matches one code point of the set.</summary>
internal sealed record CharSetNode(CodePointSet Set) : Re2Node;

/// <summary>Matches the empty string.</summary>
internal sealed record EmptyNode : Re2Node;

/// <summary>The kinds of zero-width assertions RE2 supports.</summary>
internal enum AssertionKind
{
    BeginText,
    EndText,
    BeginLine,
    EndLine,
    WordBoundary,
    NotWordBoundary,
}

/// <summary>A zero-width assertion.</summary>
internal sealed record AssertionNode(AssertionKind Kind) : Re2Node;

/// <summary>Items matched one after another.</summary>
internal sealed record ConcatNode(IReadOnlyList<Re2Node> Items) : Re2Node;

/// <summary>Alternatives tried left to right (leftmost-first).</summary>
internal sealed record AlternationNode(IReadOnlyList<Re2Node> Alternatives) : Re2Node;

/// <summary>A group; <see cref="CaptureIndex"/> is 0 for a non-capturing group.</summary>
internal sealed record GroupNode(Re2Node Body, int CaptureIndex) : Re2Node;

/// <summary>A repetition; <see cref="Max"/> is -1 when unbounded.</summary>
internal sealed record RepeatNode(Re2Node Body, int Min, int Max, bool Greedy) : Re2Node;
