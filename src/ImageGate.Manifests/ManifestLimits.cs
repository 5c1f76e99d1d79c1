namespace ImageGate.Manifests;

/// <summary>Bounds on what one input may cost to read. Every limit ends reading with a clear error.</summary>
public sealed record ManifestLimits
{
    /// <summary>Largest file (or standard input) read, in bytes.</summary>
    public long MaxFileBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>Largest single YAML document, in characters.</summary>
    public long MaxDocumentChars { get; init; } = 4L * 1024 * 1024;

    /// <summary>Most YAML documents in one file.</summary>
    public int MaxDocumentsPerFile { get; init; } = 100_000;

    /// <summary>Deepest nesting of mappings and sequences.</summary>
    public int MaxDepth { get; init; } = 200;

    /// <summary>Most nodes a document may have once its aliases are expanded ("billion laughs" guard).</summary>
    public long MaxExpandedNodes { get; init; } = 1_000_000;

    /// <summary>Most files one discovery may read.</summary>
    public int MaxFiles { get; init; } = 100_000;

    /// <summary>The defaults.</summary>
    public static ManifestLimits Default { get; } = new();
}
