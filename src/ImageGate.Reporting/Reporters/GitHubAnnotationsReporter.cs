using System.Text;
using ImageGate.Reporting.Formatting;

namespace ImageGate.Reporting;

/// <summary>GitHub Actions workflow commands (<c>::error file=…,line=…::message</c>): errors for Deny, warnings for Warn,
/// most important first (input errors, then by the policy's severity, then input order), at most
/// <see cref="ReportOptions.MaxAnnotationsPerLevel"/> per level (GitHub drops the rest of a step's annotations silently),
/// then one notice counting what was left out; the job summary lists those.</summary>
public sealed class GitHubAnnotationsReporter(ReportOptions? options = null) : IReporter
{
    private readonly ReportOptions _options = options ?? new ReportOptions();

    /// <summary>Escapes command data: <c>%</c>, CR and LF.</summary>
    public static string EscapeData(string value) =>
        Text.VisibleControls(Text.ValidUtf16(value)).Replace("%", "%25", StringComparison.Ordinal)
            .Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    /// <summary>Escapes a property value: as data, plus <c>:</c> and <c>,</c>.</summary>
    public static string EscapeProperty(string value) =>
        EscapeData(value).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);

    /// <inheritdoc />
    public void Write(RunResult result, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(writer);
        var selection = AnnotationPlan.Select(result, _options, _options.MaxAnnotationsPerLevel);
        foreach (var a in selection.Shown)
        {
            writer.Write(Command(a));
            writer.Write('\n');
        }
        if (selection.Omitted.Count > 0)
        {
            var counts = string.Join(", ", selection.Omitted.GroupBy(a => a.Level).OrderBy(g => g.Key)
                .Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}(s)"));
            writer.Write($"::notice title=ImageGate::{EscapeData($"{selection.Omitted.Count} more annotation(s) are not shown ({counts}): GitHub shows {Math.Max(1, _options.MaxAnnotationsPerLevel)} per type and step. The job summary lists them and SARIF has every finding.")}\n");
        }
    }

    private string Command(Annotation a)
    {
        var sb = new StringBuilder("::");
        sb.Append(a.Level switch
        {
            AnnotationLevel.Error => "error",
            AnnotationLevel.Warning => "warning",
            _ => "notice",
        });
        var properties = new List<string>();
        // The toolkit leaves out properties with empty values; a location without a file is no location.
        if (a.Location is { } span && RepoPath.Relative(span.File, _options.RepositoryRoot) is { Length: > 0 } file)
        {
            properties.Add("file=" + EscapeProperty(file));
            if (span.Line > 0)
            {
                var endLine = span.EndLine >= span.Line ? span.EndLine : span.Line;
                properties.Add("line=" + Text.Num(span.Line));
                properties.Add("endLine=" + Text.Num(endLine));
                // The runner drops columns of multi-line ranges.
                if (span.Column > 0 && endLine == span.Line)
                {
                    properties.Add("col=" + Text.Num(span.Column));
                    if (span.EndColumn > span.Column)
                    {
                        properties.Add("endColumn=" + Text.Num(span.EndColumn));
                    }
                }
            }
        }
        properties.Add("title=" + EscapeProperty(Text.SingleLine(a.Title)));
        sb.Append(' ').AppendJoin(',', properties).Append("::").Append(EscapeData(a.Message));
        return sb.ToString();
    }
}
