namespace ImageGate.Reporting;

/// <summary>The <c>-o</c> formats and the reporter for each.</summary>
public static class ReportFormats
{
    /// <summary>Format names accepted by <see cref="Create"/>.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["table", "json", "sarif", "policy-report", "junit", "markdown", "github", "azure-devops"];

    /// <summary>The reporter for <paramref name="format"/> (case-insensitive), or null when the name is unknown.</summary>
    public static IReporter? Create(string format, ReportOptions? options = null) => format.ToLowerInvariant() switch
    {
        "table" => new TableReporter(options),
        "json" => new JsonReporter(options),
        "sarif" => new SarifReporter(options),
        "policy-report" => new PolicyReportReporter(options),
        "junit" => new JUnitReporter(options),
        "markdown" => new MarkdownSummaryReporter(options),
        "github" => new GitHubAnnotationsReporter(options),
        "azure-devops" => new AzureDevOpsReporter(options),
        _ => null,
    };
}
