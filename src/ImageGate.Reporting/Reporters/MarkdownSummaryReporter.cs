using System.Text;
using ImageGate.Reporting.Formatting;

namespace ImageGate.Reporting;

/// <summary>Which Markdown report <see cref="MarkdownSummaryReporter"/> writes.</summary>
public enum MarkdownVariant
{
    /// <summary>The full job summary (<c>$GITHUB_STEP_SUMMARY</c>, Azure DevOps summary tab), under <see cref="ReportOptions.MaxSummaryBytes"/>.</summary>
    StepSummary,
    /// <summary>The short pull-request comment: counts and the most important findings, under <see cref="ReportOptions.MaxCommentChars"/>.</summary>
    Comment,
}

/// <summary>The job summary or PR comment in GitHub-flavoured Markdown: counts, then failing images most important first
/// with policy, linked file:line and reason, the annotations the log left out, digest pins and run messages, kept within
/// GitHub's size limits with a note saying what was cut.</summary>
public sealed class MarkdownSummaryReporter(ReportOptions? options = null, MarkdownVariant variant = MarkdownVariant.StepSummary) : IReporter
{
    // Room kept free for the closing notes (each well under 400 bytes).
    private const int FooterReserve = 1024;

    private readonly ReportOptions _options = options ?? new ReportOptions();

    /// <summary>The variant this reporter writes.</summary>
    public MarkdownVariant Variant => variant;

    /// <summary>The report as a string (what <see cref="Write"/> writes).</summary>
    public string Render(RunResult result)
    {
        var writer = new StringWriter();
        Write(result, writer);
        return writer.ToString();
    }

    /// <inheritdoc />
    public void Write(RunResult result, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(writer);
        var comment = variant == MarkdownVariant.Comment;
        var output = comment
            ? new BoundedText(Math.Max(0, _options.MaxCommentChars - FooterReserve), s => s.Length)
            : new BoundedText(Math.Max(0, _options.MaxSummaryBytes - FooterReserve), Encoding.UTF8.GetByteCount);
        WriteCounts(result, output);
        var violations = Importance.Order(result.Findings.Where(f => f.IsViolation)).ToList();
        var rowLimit = comment ? Math.Max(0, _options.MaxCommentRows) : int.MaxValue;
        var rowsCut = 0;
        if (violations.Count > 0)
        {
            output.TryAppendLine("### Failing images");
            output.TryAppendLine("");
            output.TryAppendLine("| Result | Action | Policy | Image | Location | Reason |");
            output.TryAppendLine("|---|---|---|---|---|---|");
            var listed = 0;
            while (listed < violations.Count && listed < rowLimit && output.TryAppendLine(Row(violations[listed], comment)))
            {
                listed++;
            }
            output.TryAppendLine("");
            if (listed < violations.Count && listed >= rowLimit)
            {
                var where = string.IsNullOrEmpty(_options.RunUrl) ? "the job summary" : $"[the job summary]({Markdown.Url(_options.RunUrl)})";
                output.TryAppendLine($"{violations.Count - listed} more finding(s) are listed in {where} and the SARIF report.");
                output.TryAppendLine("");
            }
            else
            {
                rowsCut = violations.Count - listed;
            }
        }

        var omittedAnnotations = comment ? 0 : WriteOmittedAnnotations(result, output);
        var otherCut = WritePins(result, output) + WriteDiagnostics(result, output, comment);

        var text = new StringBuilder(output.ToString());
        if (rowsCut + otherCut > 0 || output.Full)
        {
            var limit = comment ? $"{_options.MaxCommentChars} characters" : $"{_options.MaxSummaryBytes} bytes";
            text.Append($"> **Truncated:** {rowsCut} more finding(s)")
                .Append(otherCut > 0 ? $" and {otherCut} other item(s)" : "")
                .Append($" are not shown because this report is limited to {limit}. The SARIF and JSON reports list every finding.\n");
        }
        if (omittedAnnotations > 0)
        {
            text.Append($"\n{omittedAnnotations} annotation(s) were left out of the log, which shows at most "
                + $"{Math.Max(1, _options.MaxAnnotationsPerLevel)} per type and step.\n");
        }
        if (comment && !string.IsNullOrEmpty(_options.RunUrl))
        {
            text.Append($"\n[Full report]({Markdown.Url(_options.RunUrl)})\n");
        }
        writer.Write(text.ToString());
    }

    private void WriteCounts(RunResult result, BoundedText output)
    {
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
    }

    // The annotations GitHub would not show (10 per type and step), one short line each, so the summary accounts for
    // every one. Returns how many were left out of the log but could not be listed here.
    private int WriteOmittedAnnotations(RunResult result, BoundedText output)
    {
        var omitted = AnnotationPlan.Select(result, _options, _options.MaxAnnotationsPerLevel).Omitted;
        if (omitted.Count == 0)
        {
            return 0;
        }
        var counts = string.Join(", ", omitted.GroupBy(a => a.Level).OrderBy(g => g.Key)
            .Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}(s)"));
        if (!output.TryAppendLine("### Annotations not shown in the log")
            || !output.TryAppendLine("")
            || !output.TryAppendLine($"The log shows at most {Math.Max(1, _options.MaxAnnotationsPerLevel)} annotations per type and step; "
                + $"these {omitted.Count} ({counts}) were left out:")
            || !output.TryAppendLine(""))
        {
            return omitted.Count;
        }
        for (var i = 0; i < omitted.Count; i++)
        {
            var a = omitted[i];
            var what = a.Finding is { } f
                ? $"{Markdown.EscapeText(AnnotationPlan.Title(f))} on {Markdown.EscapeText(f.Resource.DisplayName)}"
                    + (f.FirstImage is { } image ? " " + Markdown.Code(image) : "")
                : Markdown.EscapeText(Text.Truncate(a.Message, 300));
            if (!output.TryAppendLine($"- **{a.Level.ToString().ToLowerInvariant()}** {Location(a.Location)} {what}"))
            {
                return omitted.Count - i;
            }
        }
        output.TryAppendLine("");
        return 0;
    }

    private int WritePins(RunResult result, BoundedText output)
    {
        var pins = result.Findings.Where(f => f.IsViolation).SelectMany(f => f.Images)
            .Where(i => i.PinnedReference is not null && i.PinnedReference != i.Reference)
            .DistinctBy(i => (i.Reference, i.Span)).ToList();
        if (pins.Count == 0)
        {
            return 0;
        }
        output.TryAppendLine("### Suggested digest pins");
        output.TryAppendLine("");
        output.TryAppendLine("| Image | Pin to | Location |");
        output.TryAppendLine("|---|---|---|");
        for (var i = 0; i < pins.Count; i++)
        {
            var image = pins[i];
            if (!output.TryAppendLine($"| {Markdown.Code(image.Reference)} | {Markdown.Code(image.PinnedReference!)} | {Location(image.Span)} |"))
            {
                return pins.Count - i;
            }
        }
        output.TryAppendLine("");
        return 0;
    }

    private int WriteDiagnostics(RunResult result, BoundedText output, bool comment)
    {
        // The comment keeps to what needs action: errors and warnings.
        var diagnostics = result.Diagnostics.Where(d => !comment || d.Level != DiagnosticLevel.Notice).ToList();
        if (diagnostics.Count == 0)
        {
            return 0;
        }
        output.TryAppendLine("### Run messages");
        output.TryAppendLine("");
        for (var i = 0; i < diagnostics.Count; i++)
        {
            var d = diagnostics[i];
            var where = d.Location is null ? "" : " " + Location(d.Location);
            var line = $"- **{d.Level.ToString().ToLowerInvariant()}**{where}: {Markdown.EscapeText(Text.Truncate(d.Message, _options.MaxMessageLength))}";
            if (!output.TryAppendLine(line))
            {
                return diagnostics.Count - i;
            }
        }
        output.TryAppendLine("");
        return 0;
    }

    private string Row(Finding f, bool comment)
    {
        var max = comment ? Math.Min(_options.MaxMessageLength, 500) : _options.MaxMessageLength;
        var reason = new StringBuilder(Markdown.EscapeText(Text.Truncate(f.Message, max)));
        if (!string.IsNullOrWhiteSpace(f.SuggestedFix))
        {
            reason.Append("<br>Fix: ").Append(Markdown.EscapeText(Text.Truncate(f.SuggestedFix, max)));
        }
        if (_options.Explain && !comment)
        {
            foreach (var r in f.AttestorReasons.Take(50))
            {
                reason.Append("<br>").Append(Markdown.EscapeText(Text.Truncate($"{r.Image}: attestor {r.Attestor}: {r.Reason}", max)));
            }
        }
        var policy = Markdown.Code(f.PolicyKey) + (f.AutogenVariant is null ? "" : " (" + Markdown.EscapeText(f.AutogenVariant) + ")");
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

    /// <summary>Text that refuses appends which would take it past a budget (UTF-8 bytes or characters); once one line
    /// did not fit it takes no more, so the report never skips an item and shows a later one.</summary>
    private sealed class BoundedText(int max, Func<string, int> measure)
    {
        private readonly StringBuilder _text = new();
        private int _size;

        /// <summary>True once a line did not fit.</summary>
        public bool Full { get; private set; }

        public bool TryAppendLine(string line)
        {
            var size = measure(line) + 1;
            if (Full || _size + size > max)
            {
                Full = true;
                return false;
            }
            _text.Append(line).Append('\n');
            _size += size;
            return true;
        }

        public override string ToString() => _text.ToString();
    }
}
