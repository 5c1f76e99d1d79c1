using ImageGate.Policies.Model;
using ImageGate.Policies.Validation;

namespace ImageGate.Policies.Loading;

/// <summary>What loading found: valid policies and exceptions in input order, and every diagnostic. A document
/// with an error is not returned.</summary>
public sealed record PolicyLoadResult(
    IReadOnlyList<ImageValidatingPolicy> Policies,
    IReadOnlyList<PolicyException> Exceptions,
    IReadOnlyList<PolicyDiagnostic> Diagnostics)
{
    /// <summary>Nothing loaded, nothing to say.</summary>
    public static PolicyLoadResult Empty { get; } = new([], [], []);

    /// <summary>Diagnostics that made a document invalid.</summary>
    public IReadOnlyList<PolicyDiagnostic> Errors => [.. Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)];

    /// <summary>Accepted, but suspicious.</summary>
    public IReadOnlyList<PolicyDiagnostic> Warnings => [.. Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning)];

    /// <summary>Informational (skipped documents of other kinds).</summary>
    public IReadOnlyList<PolicyDiagnostic> Notices => [.. Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Notice)];

    /// <summary>True when at least one document was invalid (the CLI exits 2).</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>The exceptions whose <c>policyRefs</c> name this policy (or its autogen variants' parent), in input order.</summary>
    public IReadOnlyList<PolicyException> ExceptionsFor(ImageValidatingPolicy policy) =>
        [.. Exceptions.Where(e => e.AppliesTo(policy))];

    /// <summary>Concatenates results, keeping their order.</summary>
    public static PolicyLoadResult Combine(IEnumerable<PolicyLoadResult> results)
    {
        var list = results.ToList();
        return new PolicyLoadResult(
            [.. list.SelectMany(r => r.Policies)],
            [.. list.SelectMany(r => r.Exceptions)],
            [.. list.SelectMany(r => r.Diagnostics)]);
    }
}
