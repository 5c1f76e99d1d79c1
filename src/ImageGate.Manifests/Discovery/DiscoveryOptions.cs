namespace ImageGate.Manifests.Discovery;

/// <summary>What to discover and how.</summary>
public sealed record DiscoveryOptions
{
    /// <summary>Globs of files or folders to leave out; a pattern without '/' matches a name anywhere.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>Folders holding Helm charts (or a chart itself), for <c># Source:</c> mapping.</summary>
    public IReadOnlyList<string> ChartRoots { get; init; } = [];

    /// <summary>When true, unreadable or invalid files are reported in <see cref="DiscoveryResult.Errors"/> and
    /// discovery goes on; otherwise the first one is thrown as a <see cref="ManifestException"/>.</summary>
    public bool ContinueOnError { get; init; }

    /// <summary>Relative inputs are resolved, and paths shown, relative to this folder.</summary>
    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>Standard input, read for the input <c>-</c>.</summary>
    public TextReader? Stdin { get; init; }

    /// <summary>Size and shape limits.</summary>
    public ManifestLimits Limits { get; init; } = ManifestLimits.Default;
}

/// <summary>The outcome of a discovery.</summary>
/// <param name="Files">The files read, in order, as shown to the user.</param>
/// <param name="Documents">Every Kubernetes object, in input order.</param>
/// <param name="Errors">Files that could not be read (only with <see cref="DiscoveryOptions.ContinueOnError"/>).</param>
/// <param name="Notices">Documents skipped because they are not Kubernetes objects.</param>
public sealed record DiscoveryResult(
    IReadOnlyList<string> Files,
    IReadOnlyList<ManifestDocument> Documents,
    IReadOnlyList<ManifestException> Errors,
    IReadOnlyList<string> Notices);
