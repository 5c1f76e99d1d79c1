namespace ImageGate.Manifests;

/// <summary>A region of a source file. Lines and columns are 1-based; the end column is exclusive
/// (it points just after the last character), as SARIF regions expect.</summary>
public readonly record struct SourceSpan(string File, int StartLine, int StartColumn, int EndLine, int EndColumn)
{
    /// <summary>The start as <c>file:line:column</c>.</summary>
    public override string ToString() => $"{File}:{StartLine}:{StartColumn}";

    /// <summary>The start as <c>file:line</c>.</summary>
    public string ToLineString() => $"{File}:{StartLine}";
}
