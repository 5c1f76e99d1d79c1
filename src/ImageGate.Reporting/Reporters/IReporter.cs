namespace ImageGate.Reporting;

/// <summary>Formats a run's findings; reporters never re-evaluate (decision 9).</summary>
public interface IReporter
{
    /// <summary>Writes the whole report for <paramref name="result"/> to <paramref name="writer"/>.</summary>
    void Write(RunResult result, TextWriter writer);
}

/// <summary>Settings shared by the reporters; every property has a sensible default.</summary>
public sealed record ReportOptions
{
    /// <summary>Repository root: file paths under it are reported relative to it with <c>/</c> separators.</summary>
    public string? RepositoryRoot { get; init; }

    /// <summary>Which findings count as blocking in reports (<c>fail-on</c>).</summary>
    public FailOn FailOn { get; init; } = FailOn.Deny;

    /// <summary>Print every attestor's failure reason (<c>--explain</c>).</summary>
    public bool Explain { get; init; }

    /// <summary>Tool version written into SARIF.</summary>
    public string ToolVersion { get; init; } = "0.0.0";

    /// <summary>Project home page written into SARIF <c>informationUri</c>; omitted when null.</summary>
    public string? InformationUri { get; init; }

    /// <summary>Repository URL for SARIF <c>versionControlProvenance</c> (e.g. <c>https://github.com/o/r</c>); omitted when null.</summary>
    public string? RepositoryUri { get; init; }

    /// <summary>Commit analysed, written with <see cref="RepositoryUri"/>.</summary>
    public string? Revision { get; init; }

    /// <summary>SARIF <c>automationDetails.id</c> category (text before the last <c>/</c>).</summary>
    public string SarifCategory { get; init; } = "imagegate";

    /// <summary>Timestamp written into PolicyReports; null means now.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Base URL for file links in Markdown, e.g. <c>https://github.com/o/r/blob/SHA/</c>; null writes plain <c>file:line</c>.</summary>
    public string? LinkBaseUrl { get; init; }

    /// <summary>Maximum UTF-8 size of the Markdown summary (GitHub refuses step summaries over 1 MiB).</summary>
    public int MaxSummaryBytes { get; init; } = 1_000_000;

    /// <summary>Link to the run or its job summary, written into the PR comment (e.g. <c>https://github.com/o/r/actions/runs/ID</c>); null omits it.</summary>
    public string? RunUrl { get; init; }

    /// <summary>Maximum length of the PR comment in characters (GitHub refuses bodies over 65,536).</summary>
    public int MaxCommentChars { get; init; } = 65_000;

    /// <summary>Failing findings listed in the PR comment; the rest are counted and left to the job summary.</summary>
    public int MaxCommentRows { get; init; } = 20;

    /// <summary>Maximum annotations per level (GitHub shows 10 errors, 10 warnings and 10 notices per step).</summary>
    public int MaxAnnotationsPerLevel { get; init; } = 10;

    /// <summary>Maximum Azure DevOps <c>task.logissue</c> commands per type (no documented cap; keep logs readable).</summary>
    public int MaxLogIssuesPerType { get; init; } = 100;

    /// <summary>Most results in one SARIF run (GitHub rejects runs over 25,000); the most severe are kept.</summary>
    public int MaxSarifResults { get; init; } = 25_000;

    /// <summary>Longest message written into one annotation, table cell or summary row before it is shortened.</summary>
    public int MaxMessageLength { get; init; } = 4000;
}
