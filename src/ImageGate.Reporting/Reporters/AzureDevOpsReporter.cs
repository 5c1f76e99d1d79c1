using System.Text;
using ImageGate.Reporting.Formatting;

namespace ImageGate.Reporting;

/// <summary>Azure DevOps logging commands (<c>##vso[task.logissue type=error;sourcepath=…]message</c>): errors for Deny,
/// warnings for Warn, at most <see cref="ReportOptions.MaxLogIssuesPerType"/> per type.</summary>
public sealed class AzureDevOpsReporter(ReportOptions? options = null) : IReporter
{
    private readonly ReportOptions _options = options ?? new ReportOptions();

    /// <summary>Escapes a message: <c>%</c> → <c>%AZP25</c>, CR, LF.</summary>
    public static string EscapeData(string value) =>
        Text.VisibleControls(Text.ValidUtf16(value)).Replace("%", "%AZP25", StringComparison.Ordinal)
            .Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    /// <summary>Escapes a property value: as a message, plus <c>]</c> and <c>;</c>.</summary>
    public static string EscapeProperty(string value) =>
        EscapeData(value).Replace("]", "%5D", StringComparison.Ordinal).Replace(";", "%3B", StringComparison.Ordinal);

    /// <summary>Writes <c>##vso[task.complete]</c> with Failed, SucceededWithIssues or Succeeded for the run.</summary>
    public void WriteTaskComplete(RunResult result, TextWriter writer)
    {
        var code = result.ExitCode(_options.FailOn);
        var status = code != ExitCodes.Success ? "Failed"
            : result.Findings.Any(f => f.IsViolation) || result.Diagnostics.Count > 0 ? "SucceededWithIssues"
            : "Succeeded";
        var message = code == ExitCodes.InputError ? "ImageGate: input errors"
            : code == ExitCodes.Blocking ? $"ImageGate: {result.BlockingFindings(_options.FailOn).Count()} blocking finding(s)"
            : "ImageGate: no blocking findings";
        writer.Write($"##vso[task.complete result={status};]{EscapeData(message)}\n");
    }

    /// <inheritdoc />
    public void Write(RunResult result, TextWriter writer)
    {
        var (shown, omitted) = AnnotationPlan.Build(result, _options, _options.MaxLogIssuesPerType);
        foreach (var a in shown)
        {
            if (a.Level == AnnotationLevel.Notice)
            {
                // logissue knows only error and warning.
                // The agent looks for a command anywhere in a line, so defuse any in untrusted text.
                var text = Text.SingleLine(a.Message).Replace("##vso[", "## vso[", StringComparison.OrdinalIgnoreCase);
                writer.Write("##[section]ImageGate: " + text + "\n");
                continue;
            }
            writer.Write(Command(a));
            writer.Write('\n');
        }
        if (omitted > 0)
        {
            writer.Write($"##vso[task.logissue type=warning]{omitted} more issue(s) are not logged; the summary and SARIF list every finding.\n");
        }
    }

    private string Command(Annotation a)
    {
        var properties = new List<string> { "type=" + (a.Level == AnnotationLevel.Error ? "error" : "warning") };
        if (a.Location is { } span)
        {
            properties.Add("sourcepath=" + EscapeProperty(RepoPath.Absolute(span.File, _options.RepositoryRoot)));
            if (span.Line > 0)
            {
                properties.Add("linenumber=" + Text.Num(span.Line));
                if (span.Column > 0)
                {
                    properties.Add("columnnumber=" + Text.Num(span.Column));
                }
            }
        }
        if (a.Code is not null)
        {
            properties.Add("code=" + EscapeProperty(Text.SingleLine(a.Code)));
        }
        var message = a.Title == "ImageGate" ? a.Message : a.Title + ": " + a.Message;
        return new StringBuilder("##vso[task.logissue ").AppendJoin(';', properties).Append(']').Append(EscapeData(message)).ToString();
    }
}
