namespace ImageGate.Reporting.Formatting;

/// <summary>How loud a finding is and in which order reporters list findings: Deny failures and errors first, then Warn,
/// then Audit; within a level by the policy's <c>policies.kyverno.io/severity</c>; ties keep input order.</summary>
public static class Importance
{
    /// <summary>Decision 5: Deny → error, Warn → warning, Audit → notice. An unscored failure under Deny still blocks, so it stays an error.</summary>
    public static AnnotationLevel Level(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        return finding.PrimaryAction switch
        {
            ValidationAction.Deny => AnnotationLevel.Error,
            ValidationAction.Warn => AnnotationLevel.Warning,
            _ => AnnotationLevel.Notice,
        };
    }

    /// <summary>Rank of a severity annotation: critical 0, high 1, medium 2, none 3, low 4, info 5.</summary>
    public static int SeverityRank(string? severity) => severity?.Trim().ToLowerInvariant() switch
    {
        "critical" => 0,
        "high" => 1,
        "medium" => 2,
        "low" => 4,
        "info" or "informational" => 5,
        _ => 3,
    };

    /// <summary>Sort key, lower first: level, then severity.</summary>
    public static int Rank(Finding finding) => (int)Level(finding) * 10 + SeverityRank(finding.Severity);

    /// <summary>The findings ordered most important first; equal ones keep their order.</summary>
    public static IEnumerable<Finding> Order(IEnumerable<Finding> findings) =>
        findings.Select((f, i) => (f, i)).OrderBy(x => Rank(x.f)).ThenBy(x => x.i).Select(x => x.f);
}
