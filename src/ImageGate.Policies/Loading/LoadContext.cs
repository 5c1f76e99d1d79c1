using ImageGate.Policies.Model;
using ImageGate.Policies.Validation;
using YamlDotNet.RepresentationModel;

namespace ImageGate.Policies.Loading;

/// <summary>State shared while one document is read: the file, collected diagnostics, limits and the
/// vocabulary in force.</summary>
internal sealed class LoadContext(string file, PolicyLoaderOptions options)
{
    private int nodesRead;
    private bool budgetReported;

    public string File { get; } = file;

    public PolicyLoaderOptions Options { get; } = options;

    public List<PolicyDiagnostic> Diagnostics { get; } = [];

    /// <summary>True when the seed-era spelling is accepted (v1alpha1 documents).</summary>
    public bool SeedEraAllowed { get; init; }

    /// <summary>Rewrites every string value read (autogen variants); null leaves text unchanged.</summary>
    public Func<string, string>? Transform { get; init; }

    /// <summary>Set when a seed-era field was read.</summary>
    public bool UsedSeedEra { get; set; }

    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    public SourceSpan SpanOf(YamlNode node) =>
        new(File, (int)node.Start.Line, (int)node.Start.Column, (int)node.End.Line, (int)node.End.Column);

    public void Error(string code, string path, YamlNode node, string message) =>
        Add(new PolicyDiagnostic(DiagnosticSeverity.Error, code, message, path, SpanOf(node)));

    public void Error(string code, string path, SourceSpan span, string message) =>
        Add(new PolicyDiagnostic(DiagnosticSeverity.Error, code, message, path, span));

    public void Warning(string code, string path, SourceSpan span, string message) =>
        Add(new PolicyDiagnostic(DiagnosticSeverity.Warning, code, message, path, span));

    public void Notice(string code, string path, SourceSpan span, string message) =>
        Add(new PolicyDiagnostic(DiagnosticSeverity.Notice, code, message, path, span));

    /// <summary>Keeps at most <see cref="MaxDiagnostics"/> per document, then one line saying the rest was dropped.</summary>
    private void Add(PolicyDiagnostic diagnostic)
    {
        if (Diagnostics.Count < MaxDiagnostics)
        {
            Diagnostics.Add(diagnostic);
        }
        else if (Diagnostics.Count == MaxDiagnostics)
        {
            Diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Error, DiagnosticCodes.Limit,
                $"more than {MaxDiagnostics} problems in this document; the rest are not shown", "", diagnostic.Span));
        }
    }

    private const int MaxDiagnostics = 100;

    public string Rewrite(string text) => Transform is null ? text : Transform(text);

    /// <summary>Counts a node read; false once the document's node budget is spent (alias bombs).</summary>
    public bool CountNode(YamlNode node)
    {
        if (++nodesRead <= Options.MaxNodesPerDocument)
        {
            return true;
        }
        if (!budgetReported)
        {
            budgetReported = true;
            // Added past the diagnostics cap: this is the one error that explains the others.
            Diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Error, DiagnosticCodes.Limit,
                $"document has more than {Options.MaxNodesPerDocument} nodes (after alias expansion); not loaded", "", SpanOf(node)));
        }
        return false;
    }
}
