using System.Text;
using ImageGate.Reporting.Formatting;

namespace ImageGate.Reporting;

/// <summary>Human output in the spirit of <c>kyverno apply</c>: a header, a table of every result with policy, image and
/// file:line, the failing results in detail, and the <c>pass: P, fail: F, …</c> count line.</summary>
public sealed class TableReporter(ReportOptions? options = null) : IReporter
{
    // Widest cell before it is shortened, so one hostile value cannot blow up the table.
    private const int MaxCellWidth = 60;

    private readonly ReportOptions _options = options ?? new ReportOptions();

    /// <inheritdoc />
    public void Write(RunResult result, TextWriter writer)
    {
        var header = new StringBuilder($"Applying {result.PolicyCount} policy rule(s) to {result.ResourceCount} resource(s)");
        if (result.ExceptionCount > 0)
        {
            header.Append($" with {result.ExceptionCount} exception(s)");
        }
        writer.Write(header.Append("...\n").ToString());

        foreach (var d in result.Diagnostics)
        {
            var where = d.Location is null ? "" : Location(d.Location) + ": ";
            writer.Write($"{d.Level.ToString().ToLowerInvariant()}: {where}{Text.SingleLine(Text.Truncate(d.Message, _options.MaxMessageLength))}\n");
        }

        if (result.Findings.Count > 0)
        {
            writer.Write('\n');
            WriteTable(result, writer);
        }

        var number = 0;
        foreach (var f in result.Findings.Where(f => f.IsViolation))
        {
            number++;
            var verdict = f.Result == Outcome.Error ? "error" : "failed";
            var variant = f.AutogenVariant is null ? "" : $" ({f.AutogenVariant})";
            var blocking = f.IsBlockingUnder(_options.FailOn) ? ", blocking" : "";
            writer.Write($"\npolicy {Text.SingleLine(f.PolicyKey)} -> resource {Text.SingleLine(f.Resource.DisplayName)}{Text.SingleLine(variant)} {verdict} ({string.Join("+", f.Actions)}{blocking}):\n");
            writer.Write($"{number} - {Text.SingleLine(f.RuleName)} {Text.SingleLine(Text.Truncate(f.Message, _options.MaxMessageLength))}\n");
            foreach (var image in f.Images)
            {
                var at = image.Span is null ? "" : " at " + Location(image.Span);
                writer.Write($"    image {Text.SingleLine(image.Reference)}{at}\n");
                if (image.PinnedReference is not null && image.PinnedReference != image.Reference)
                {
                    writer.Write($"    suggested fix: {Text.SingleLine(image.PinnedReference)}\n");
                }
            }
            if (!string.IsNullOrWhiteSpace(f.SuggestedFix))
            {
                writer.Write($"    suggested fix: {Text.SingleLine(Text.Truncate(f.SuggestedFix, _options.MaxMessageLength))}\n");
            }
            if (f.Images.Count == 0 && f.PrimaryLocation is { } location)
            {
                writer.Write($"    at {Location(location)}\n");
            }
            if (_options.Explain)
            {
                foreach (var r in f.AttestorReasons)
                {
                    writer.Write($"    {Text.SingleLine(r.Image)}: attestor {Text.SingleLine(r.Attestor)}: {Text.SingleLine(Text.Truncate(r.Reason, _options.MaxMessageLength))}\n");
                }
            }
        }

        var s = result.Summary;
        writer.Write($"\npass: {s.Pass}, fail: {s.Fail}, warn: {s.Warn}, error: {s.Error}, skip: {s.Skip} \n");
    }

    private void WriteTable(RunResult result, TextWriter writer)
    {
        string[] headings = ["ID", "POLICY", "RESOURCE", "IMAGE", "LOCATION", "RESULT", "ACTION"];
        var rows = new List<string[]>();
        var id = 0;
        foreach (var f in result.Findings)
        {
            id++;
            var policy = f.AutogenVariant is null ? f.PolicyKey : $"{f.PolicyKey} ({f.AutogenVariant})";
            var images = f.Images.Count switch
            {
                0 => "-",
                1 => f.Images[0].Reference,
                _ => $"{f.Images[0].Reference} +{f.Images.Count - 1}",
            };
            var location = f.PrimaryLocation is { } span ? Location(span) : "-";
            var action = string.Join("+", f.Actions) + (f.IsBlockingUnder(_options.FailOn) ? " (blocking)" : "");
            rows.Add([Text.Num(id), policy, f.Resource.DisplayName, images, location, Text.Name(f.Result), action]);
        }
        var cells = rows.Select(r => r.Select(c => Text.Truncate(Text.SingleLine(c), MaxCellWidth)).ToArray()).ToList();
        var widths = headings.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(r => r[i].Length))).ToArray();
        WriteRow(writer, headings, widths);
        foreach (var row in cells)
        {
            WriteRow(writer, row, widths);
        }
    }

    private static void WriteRow(TextWriter writer, string[] cells, int[] widths)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            sb.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
        }
        writer.Write(sb.ToString().TrimEnd() + "\n");
    }

    private string Location(SourceSpan span)
    {
        var path = RepoPath.Relative(span.File, _options.RepositoryRoot);
        return Text.SingleLine(span.Line > 0 ? $"{path}:{span.Line}" : path);
    }
}
