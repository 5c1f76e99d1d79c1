namespace ImageGate.Reporting;

/// <summary>Severity of a run diagnostic.</summary>
public enum DiagnosticLevel
{
    /// <summary>Invalid or unreadable input: the run exits 2.</summary>
    Error,
    /// <summary>Something the user should fix that does not stop the run.</summary>
    Warning,
    /// <summary>Information.</summary>
    Notice,
}

/// <summary>How resources were evaluated, which reports record as <c>process</c>.</summary>
public enum EvaluationMode
{
    /// <summary>As the API server sends them on CREATE.</summary>
    Admission,
    /// <summary>As existing resources, like Kyverno's background scan.</summary>
    Background,
}

/// <summary>A message about the run itself rather than a policy verdict (bad input, skipped documents, notices).</summary>
public sealed record Diagnostic(DiagnosticLevel Level, string Message, SourceSpan? Location = null);

/// <summary>Counts of findings per reported outcome.</summary>
public sealed record RunSummary(int Pass, int Fail, int Warn, int Error, int Skip, int Blocking)
{
    /// <summary>Number of findings.</summary>
    public int Total => Pass + Fail + Warn + Error + Skip;
}

/// <summary>Process exit codes (decision 7).</summary>
public static class ExitCodes
{
    /// <summary>Nothing blocking.</summary>
    public const int Success = 0;
    /// <summary>At least one blocking finding.</summary>
    public const int Blocking = 1;
    /// <summary>Usage or input error.</summary>
    public const int InputError = 2;
}

/// <summary>Everything one run produced: findings in input order, diagnostics, and counts.</summary>
public sealed class RunResult
{
    /// <summary>Builds a result; findings are ordered by <see cref="Finding.InputOrder"/>, ties keeping the given order.</summary>
    public RunResult(IEnumerable<Finding> findings, IEnumerable<Diagnostic>? diagnostics = null)
    {
        ArgumentNullException.ThrowIfNull(findings);
        Findings = findings.Select((f, i) => (f, i))
            .OrderBy(x => x.f.InputOrder).ThenBy(x => x.i)
            .Select(x => x.f).ToArray();
        Diagnostics = diagnostics?.ToArray() ?? [];
        Summary = new RunSummary(
            Count(Outcome.Pass), Count(Outcome.Fail), Count(Outcome.Warn), Count(Outcome.Error), Count(Outcome.Skip),
            Findings.Count(f => f.Blocking));
    }

    /// <summary>Findings in deterministic input order.</summary>
    public IReadOnlyList<Finding> Findings { get; }

    /// <summary>Run-level errors, warnings and notices in the order they were raised.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>Counts per outcome; <see cref="RunSummary.Blocking"/> follows decision 5.</summary>
    public RunSummary Summary { get; }

    /// <summary>Number of policies applied (autogen variants not counted), for the table header.</summary>
    public int PolicyCount { get; init; }

    /// <summary>Number of resources evaluated.</summary>
    public int ResourceCount { get; init; }

    /// <summary>Number of PolicyExceptions loaded.</summary>
    public int ExceptionCount { get; init; }

    /// <summary>Admission or background evaluation.</summary>
    public EvaluationMode Mode { get; init; } = EvaluationMode.Admission;

    /// <summary>True when a diagnostic reports invalid input.</summary>
    public bool HasInputErrors => Diagnostics.Any(d => d.Level == DiagnosticLevel.Error);

    /// <summary>Findings that fail the run under <paramref name="failOn"/>.</summary>
    public IEnumerable<Finding> BlockingFindings(FailOn failOn = FailOn.Deny) => Findings.Where(f => f.IsBlockingUnder(failOn));

    /// <summary>Decision 7: 2 on input errors, else 1 when a finding blocks under <paramref name="failOn"/>, else 0.</summary>
    public int ExitCode(FailOn failOn = FailOn.Deny) =>
        HasInputErrors ? ExitCodes.InputError
        : BlockingFindings(failOn).Any() ? ExitCodes.Blocking
        : ExitCodes.Success;

    private int Count(Outcome outcome) => Findings.Count(f => f.Result == outcome);
}
