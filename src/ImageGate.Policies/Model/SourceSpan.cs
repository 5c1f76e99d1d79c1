namespace ImageGate.Policies.Model;

/// <summary>Where a policy node was written: file and 1-based start (and end) line and column.</summary>
public sealed record SourceSpan(string File, int Line, int Column, int EndLine, int EndColumn)
{
    /// <summary>A span that only knows its start.</summary>
    public SourceSpan(string file, int line, int column) : this(file, line, column, line, column)
    {
    }

    /// <summary>A span for nodes that were not read from a file (for example generated ones).</summary>
    public static SourceSpan None(string file) => new(file, 0, 0);

    /// <summary>Formats as <c>file:line:column</c> (or <c>file:line</c> when the column is unknown), the form
    /// compilers and SARIF viewers understand.</summary>
    public override string ToString() => Line <= 0 ? File : Column > 0 ? $"{File}:{Line}:{Column}" : $"{File}:{Line}";
}

/// <summary>Where one field of a node was written: its field path as the user spelled it and its span.</summary>
public sealed record FieldLocation(string Path, SourceSpan Span)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Span}: {Path}";
}
