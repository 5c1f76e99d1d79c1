using System.Text;
using ImageGate.Reporting.Formatting;

namespace ImageGate.Reporting;

/// <summary>The job summary (<c>$GITHUB_STEP_SUMMARY</c>, Azure DevOps summary tab, PR comment body): counts, then
/// failing items most important first with file:line links, kept under <see cref="ReportOptions.MaxSummaryBytes"/>.</summary>
public sealed class MarkdownSummaryReporter(ReportOptions? options = null) : IReporter
{
    // Room kept free for the truncation note (about 250 bytes).
    private const int FooterReserve = 512;

    private readonly ReportOptions _options = options ?? new ReportOptions();

    /// <inheritdoc />
    public void Write(RunResult result, TextWriter writer)
    {
        var output = new BoundedText(Math.Max(0, _options.MaxSummaryBytes - FooterReserve));
        var s = result.Summary;
        var blocking = result.BlockingFindings(_options.FailOn).Count();
        var headline = result.HasInputErrors ? "⛔ input errors"
            : blocking > 0 ? $"❌ {blocking} blocking finding(s)"
            : "✅ no blocking findings";
        output.TryAppendLine($"## ImageGate: {headline}");
        output.TryAppendLine("");
        output.TryAppendLine("| Pass | Fail | Warn | Error | Skip | Blocking |");
        output.TryAppendLine("|---:|---:|---:|---:|---:|---:|");
        output.TryAppendLine($"| {s.Pass} | {s.Fail} | {s.Warn} | {s.Error} | {s.Skip} | {blocking} |");
        output.TryAppendLine("");

        var omitted = 0;
        var violations = result.Findings.Select((f, i) => (f, i)).Where(x => x.f.IsViolation)
            .OrderBy(x => x.f.IsBlockingUnder(_options.FailOn) ? 0 : 1)
            .ThenBy(x => x.f.PrimaryAction).ThenBy(x => x.i)
            .Select(x => x.f).ToList();
        if (violations.Count > 0)
        {
            output.TryAppendLine("### Failing images");
            output.TryAppendLine("");
            output.TryAppendLine("| Result | Action | Policy | Image | Location | Reason |");
            output.TryAppendLine("|---|---|---|---|---|---|");
            foreach (var f in violations)
            {
                if (omitted > 0 || !output.TryAppendLine(Row(f)))
                {
                    omitted++;
                }
            }
            output.TryAppendLine("");
        }

        var pins = result.Findings.Where(f => f.IsViolation).SelectMany(f => f.Images)
            .Where(i => i.PinnedReference is not null && i.PinnedReference != i.Reference)
            .DistinctBy(i => (i.Reference, i.Span)).ToList();
        if (pins.Count > 0 && omitted == 0)
        {
            output.TryAppendLine("### Suggested digest pins");
            output.TryAppendLine("");
            output.TryAppendLine("| Image | Pin to | Location |");
            output.TryAppendLine("|---|---|---|");
            foreach (var image in pins)
            {
                var line = $"| {Markdown.Code(image.Reference)} | {Markdown.Code(image.PinnedReference!)} | {Location(image.Span)} |";
                if (!output.TryAppendLine(line))
                {
                    omitted++;
                    break;
                }
            }
            output.TryAppendLine("");
        }

        if (result.Diagnostics.Count > 0)
        {
            output.TryAppendLine("### Run messages");
            output.TryAppendLine("");
            foreach (var d in result.Diagnostics)
            {
                var where = d.Location is null ? "" : " " + Location(d.Location);
                var line = $"- **{d.Level.ToString().ToLowerInvariant()}**{where}: {Markdown.EscapeText(Text.Truncate(d.Message, _options.MaxMessageLength))}";
                if (!output.TryAppendLine(line))
                {
                    omitted++;
                    break;
                }
            }
            output.TryAppendLine("");
        }

        var text = output.ToString();
        if (omitted > 0)
        {
            text += $"> **Truncated:** {omitted} more item(s) are not shown because the summary is limited to "
                + $"{_options.MaxSummaryBytes} bytes. The SARIF and JSON reports list every finding.\n";
        }
        writer.Write(text);
    }

    private string Row(Finding f)
    {
        var reason = new StringBuilder(Markdown.EscapeText(Text.Truncate(f.Message, _options.MaxMessageLength)));
        if (!string.IsNullOrWhiteSpace(f.SuggestedFix))
        {
            reason.Append("<br>Fix: ").Append(Markdown.EscapeText(Text.Truncate(f.SuggestedFix, _options.MaxMessageLength)));
        }
        if (_options.Explain)
        {
            foreach (var r in f.AttestorReasons)
            {
                reason.Append("<br>").Append(Markdown.EscapeText(Text.Truncate($"{r.Image}: attestor {r.Attestor}: {r.Reason}", _options.MaxMessageLength)));
            }
        }
        var policy = f.AutogenVariant is null ? Markdown.Code(f.PolicyKey) : Markdown.Code(f.PolicyKey) + " (" + Markdown.EscapeText(f.AutogenVariant) + ")";
        var image = f.FirstImage is { } first ? Markdown.Code(first) + (f.Images.Count > 1 ? $" +{f.Images.Count - 1}" : "") : "—";
        return $"| {Text.Name(f.Result)} | {f.PrimaryAction} | {policy} | {image} | {Location(f.PrimaryLocation)} | {reason} |";
    }

    private string Location(SourceSpan? span)
    {
        if (span is null)
        {
            return "—";
        }
        var path = RepoPath.Relative(span.File, _options.RepositoryRoot);
        var label = span.Line > 0 ? $"{path}:{span.Line}" : path;
        if (string.IsNullOrEmpty(_options.LinkBaseUrl) || Path.IsPathRooted(path))
        {
            return Markdown.Code(label);
        }
        var anchor = span.Line <= 0 ? "" : span.EndLine > span.Line ? $"#L{span.Line}-L{span.EndLine}" : $"#L{span.Line}";
        var url = _options.LinkBaseUrl.TrimEnd('/') + "/" + string.Join("/", path.Split('/').Select(Uri.EscapeDataString)) + anchor;
        return Markdown.CodeLink(label, url);
    }

    /// <summary>Text that refuses appends which would take it past a UTF-8 byte budget.</summary>
    private sealed class BoundedText(int maxBytes)
    {
        private readonly StringBuilder _text = new();
        private int _bytes;

        public bool TryAppendLine(string line)
        {
            var size = Encoding.UTF8.GetByteCount(line) + 1;
            if (_bytes + size > maxBytes)
            {
                return false;
            }
            _text.Append(line).Append('\n');
            _bytes += size;
            return true;
        }

        public override string ToString() => _text.ToString();
    }
}
