namespace ImageGate.Policies.Loading;

/// <summary>Limits that keep loading bounded in time and memory.</summary>
public sealed record PolicyLoaderOptions
{
    /// <summary>The defaults: 16 MiB per file, depth 100, 100,000 nodes per document.</summary>
    public static PolicyLoaderOptions Default { get; } = new();

    /// <summary>Largest policy file read, in bytes (characters for text).</summary>
    public long MaxFileBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Deepest YAML nesting accepted.</summary>
    public int MaxDepth { get; init; } = 100;

    /// <summary>Most nodes read from one document, counting every alias expansion.</summary>
    public int MaxNodesPerDocument { get; init; } = 100_000;

    /// <summary>Most documents read from one file.</summary>
    public int MaxDocumentsPerFile { get; init; } = 10_000;
}
