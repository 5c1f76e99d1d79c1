using System.Text;
using ImageGate.Reporting;
using ImageGate.Reporting.Formatting;

namespace ImageGate.Reporting.Tests;

[TestClass]
public sealed class MarkdownSummaryReporterTests
{
    private static ReportOptions Options => Samples.Options with { LinkBaseUrl = "https://github.com/acme/app/blob/0123abc/" };

    // Cells of a GFM table row: split on pipes that are not backslash-escaped.
    private static List<string> Cells(string row)
    {
        var cells = new List<string>();
        var current = new StringBuilder();
        for (var i = 1; i < row.Length; i++)
        {
            if (row[i] == '\\' && i + 1 < row.Length)
            {
                current.Append(row[i]).Append(row[i + 1]);
                i++;
            }
            else if (row[i] == '|')
            {
                cells.Add(current.ToString().Trim());
                current.Clear();
            }
            else
            {
                current.Append(row[i]);
            }
        }
        return cells;
    }

    [TestMethod]
    public void Counts_table_and_failing_rows_with_links_blocking_first()
    {
        var text = Samples.Render(new MarkdownSummaryReporter(Options), Samples.Mixed());
        var lines = text.Split('\n');
        Assert.AreEqual("## ImageGate: ❌ 3 blocking finding(s)", lines[0]);
        var countsHeader = Array.IndexOf(lines, "| Pass | Fail | Warn | Error | Skip | Blocking |");
        CollectionAssert.AreEqual(new[] { "1", "3", "1", "1", "1", "3" }, Cells(lines[countsHeader + 2]).ToArray());

        var header = Array.IndexOf(lines, "| Result | Action | Policy | Image | Location | Reason |");
        var rows = lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|')).Select(Cells).ToList();
        Assert.AreEqual(5, rows.Count, "fail, error, unscored warn, Warn-action fail, Audit fail");
        CollectionAssert.AreEqual(new[] { "Deny", "Deny", "Deny", "Warn", "Audit" }, rows.Select(r => r[1]).ToArray());
        Assert.AreEqual("[`deploy/web.yaml:12`](https://github.com/acme/app/blob/0123abc/deploy/web.yaml#L12)", rows[0][4]);
        Assert.AreEqual("`ghcr.io/acme/web:1.2.3`", rows[0][3]);
        Assert.IsTrue(rows.All(r => r.Count == 6));
    }

    [TestMethod]
    public void No_violations_gives_a_green_headline_and_no_table()
    {
        var text = Samples.Render(new MarkdownSummaryReporter(Options), new RunResult([Samples.Finding(result: Outcome.Pass)]));
        StringAssert.StartsWith(text, "## ImageGate: ✅ no blocking findings");
        Assert.IsFalse(text.Contains("### Failing images", StringComparison.Ordinal));
    }

    [TestMethod]
    public void Hostile_text_cannot_break_the_table_mention_people_or_inject_html()
    {
        var finding = Samples.Finding(message: Samples.Hostile, image: "evil|image`x`\nnext", file: "/repo/a|b (c).yaml");
        var text = Samples.Render(new MarkdownSummaryReporter(Options), new RunResult([finding]));
        var lines = text.Split('\n');
        var header = Array.IndexOf(lines, "| Result | Action | Policy | Image | Location | Reason |");
        var row = lines[header + 2];
        Assert.AreEqual(6, Cells(row).Count, row);
        Assert.AreEqual("", lines[header + 3], "the row ended on its own line");
        Assert.IsFalse(row.Contains("<tag", StringComparison.Ordinal));
        Assert.IsFalse(row.Contains("@admin", StringComparison.Ordinal));
        StringAssert.Contains(row, "&lt;tag");
        StringAssert.Contains(row, "(https://github.com/acme/app/blob/0123abc/a%7Cb%20%28c%29.yaml#L12)");
    }

    [TestMethod]
    public void Code_spans_hold_backticks()
    {
        Assert.AreEqual("``a`b``", Markdown.Code("a`b"));
        Assert.AreEqual("`` `x ``", Markdown.Code("`x"));
        Assert.AreEqual("`a\\|b`", Markdown.Code("a|b"));
    }

    [TestMethod]
    public void Summary_stays_under_the_byte_limit_and_says_it_was_truncated()
    {
        var longMessage = new string('é', 3000);
        var findings = Enumerable.Range(0, 2000).Select(i => Samples.Finding(name: $"r{i}", order: i, message: longMessage));
        var text = Samples.Render(new MarkdownSummaryReporter(Options), new RunResult(findings));
        var bytes = Encoding.UTF8.GetByteCount(text);
        Assert.IsTrue(bytes <= 1_000_000, $"{bytes} bytes");
        Assert.IsTrue(bytes > 900_000, "the budget is used, not wasted");
        StringAssert.Contains(text, "**Truncated:**");
        var shown = text.Split('\n').Count(l => l.StartsWith("| fail |", StringComparison.Ordinal));
        StringAssert.Contains(text, $"**Truncated:** {2000 - shown} more finding(s)");
        StringAssert.Contains(text, "1990 annotation(s) were left out of the log");
    }

    [TestMethod]
    [DataRow(1200)]
    [DataRow(8192)]
    [DataRow(65_536)]
    public void Small_limits_are_respected_too(int limit)
    {
        var findings = Enumerable.Range(0, 1000).Select(i => Samples.Finding(name: $"r{i}", order: i));
        var text = Samples.Render(new MarkdownSummaryReporter(Options with { MaxSummaryBytes = limit }), new RunResult(findings));
        Assert.IsTrue(Encoding.UTF8.GetByteCount(text) <= limit, $"{Encoding.UTF8.GetByteCount(text)} > {limit}");
        StringAssert.Contains(text, "**Truncated:**");
    }

    [TestMethod]
    public void Small_limit_is_respected_with_few_findings()
    {
        var findings = Enumerable.Range(0, 100).Select(i => Samples.Finding(name: $"r{i}", order: i));
        var text = Samples.Render(new MarkdownSummaryReporter(Options with { MaxSummaryBytes = 8192 }), new RunResult(findings));
        Assert.IsTrue(Encoding.UTF8.GetByteCount(text) <= 8192);
        StringAssert.Contains(text, "**Truncated:**");
    }

    [TestMethod]
    public void Pins_diagnostics_and_explain_are_listed()
    {
        var pinned = "ghcr.io/acme/web:1.2.3@sha256:" + new string('c', 64);
        var finding = Samples.Finding() with
        {
            Images = [new ImageRef("ghcr.io/acme/web:1.2.3") { PinnedReference = pinned, Span = new SourceSpan("/repo/deploy/web.yaml", 12, 18) }],
            AttestorReasons = [new AttestorReason("ghcr.io/acme/web:1.2.3", "keyless", "subject mismatch")],
        };
        var run = new RunResult([finding], [new Diagnostic(DiagnosticLevel.Error, "unreadable file", new SourceSpan("/repo/x.yaml", 1))]);
        var text = Samples.Render(new MarkdownSummaryReporter(Options with { Explain = true }), run);
        StringAssert.StartsWith(text, "## ImageGate: ⛔ input errors");
        StringAssert.Contains(text, $"| `ghcr.io/acme/web:1.2.3` | `{pinned}` |");
        StringAssert.Contains(text, "- **error** [`x.yaml:1`](https://github.com/acme/app/blob/0123abc/x.yaml#L1): unreadable file");
        StringAssert.Contains(text, "<br>ghcr.io/acme/web:1.2.3: attestor keyless: subject mismatch");
    }

    [TestMethod]
    public void Without_a_link_base_locations_are_plain_code()
    {
        var text = Samples.Render(new MarkdownSummaryReporter(Samples.Options), new RunResult([Samples.Finding()]));
        StringAssert.Contains(text, "| `deploy/web.yaml:12` |");
    }

    [TestMethod]
    public void Summary_lists_the_annotations_the_log_left_out()
    {
        var findings = Enumerable.Range(0, 13).Select(i => Samples.Finding(name: $"d{i}", order: i, line: 10 + i));
        var text = Samples.Render(new MarkdownSummaryReporter(Options), new RunResult(findings));
        var lines = text.Split('\n');
        var header = Array.IndexOf(lines, "### Annotations not shown in the log");
        Assert.IsTrue(header > 0, text);
        Assert.AreEqual("The log shows at most 10 annotations per type and step; these 3 (3 error(s)) were left out:", lines[header + 2]);
        Assert.AreEqual("- **error** [`deploy/web.yaml:20`](https://github.com/acme/app/blob/0123abc/deploy/web.yaml#L20) "
            + "ImageGate: check-signature (fail) on default/Pod/d10 `ghcr.io/acme/web:1.2.3`", lines[header + 4]);
        Assert.AreEqual(3, lines.Count(l => l.StartsWith("- **error**", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void Summary_rows_are_most_important_first()
    {
        var findings = new[]
        {
            Samples.Finding(name: "warned", order: 0, line: 10, actions: [ValidationAction.Warn]) with { Severity = "critical" },
            Samples.Finding(name: "low", order: 1, line: 20) with { Severity = "low" },
            Samples.Finding(name: "critical", order: 2, line: 30) with { Severity = "critical" },
        };
        var text = Samples.Render(new MarkdownSummaryReporter(Options), new RunResult(findings));
        var rows = text.Split('\n').Where(l => l.StartsWith("| fail |", StringComparison.Ordinal)).Select(Cells).ToList();
        CollectionAssert.AreEqual(new[] { "Deny", "Deny", "Warn" }, rows.Select(r => r[1]).ToArray());
        CollectionAssert.AreEqual(new[] { "#L30)", "#L20)", "#L10)" }, rows.Select(r => r[4][r[4].LastIndexOf('#')..]).ToArray(),
            "Deny critical, Deny low, then Warn");
    }

    [TestMethod]
    public void Comment_variant_is_short_links_the_full_report_and_stays_under_the_comment_limit()
    {
        var options = Options with { RunUrl = "https://github.com/acme/app/actions/runs/42", MaxCommentRows = 5 };
        var findings = Enumerable.Range(0, 40).Select(i => Samples.Finding(name: $"r{i}", order: i));
        var run = new RunResult(findings, [new Diagnostic(DiagnosticLevel.Notice, "a notice"), new Diagnostic(DiagnosticLevel.Warning, "a warning")]);
        var reporter = new MarkdownSummaryReporter(options, MarkdownVariant.Comment);
        Assert.AreEqual(MarkdownVariant.Comment, reporter.Variant);
        var text = reporter.Render(run);
        Assert.AreEqual(5, text.Split('\n').Count(l => l.StartsWith("| fail |", StringComparison.Ordinal)));
        StringAssert.Contains(text, "35 more finding(s) are listed in [the job summary](https://github.com/acme/app/actions/runs/42) and the SARIF report.");
        StringAssert.EndsWith(text, "[Full report](https://github.com/acme/app/actions/runs/42)\n");
        StringAssert.Contains(text, "a warning");
        Assert.IsFalse(text.Contains("a notice", StringComparison.Ordinal), "notices stay out of the comment");
        Assert.IsFalse(text.Contains("Annotations not shown", StringComparison.Ordinal));
        Assert.IsFalse(text.Contains("Truncated", StringComparison.Ordinal));
    }

    [TestMethod]
    public void Comment_variant_of_a_huge_run_stays_under_65000_characters()
    {
        var longMessage = new string('x', 4000);
        var findings = Enumerable.Range(0, 3000).Select(i => Samples.Finding(name: $"r{i}", order: i, message: longMessage));
        var diagnostics = Enumerable.Range(0, 500).Select(i => new Diagnostic(DiagnosticLevel.Error, new string('d', 3000)));
        var text = new MarkdownSummaryReporter(Options with { MaxCommentRows = 1000 }, MarkdownVariant.Comment).Render(new RunResult(findings, diagnostics));
        Assert.IsTrue(text.Length <= 65_000, $"{text.Length} characters");
        Assert.IsTrue(text.Length > 50_000, "the budget is used");
        StringAssert.Contains(text, "**Truncated:**");
        StringAssert.Contains(text, "limited to 65000 characters");
        StringAssert.StartsWith(text, "## ImageGate: ⛔ input errors");
    }

    [TestMethod]
    public void Summary_of_a_huge_run_stays_under_one_mebibyte_with_every_section_bounded()
    {
        var findings = Enumerable.Range(0, 5000).Select(i => Samples.Finding(name: $"r{i}", order: i, message: new string('m', 300)) with
        {
            Images = [new ImageRef($"ghcr.io/acme/r{i}:1") { Span = new SourceSpan("/repo/deploy/web.yaml", 12, 18, 12, 40), PinnedReference = $"ghcr.io/acme/r{i}:1@sha256:" + new string('a', 64) }],
        });
        var diagnostics = Enumerable.Range(0, 5000).Select(i => new Diagnostic(DiagnosticLevel.Warning, new string('w', 500)));
        var text = Samples.Render(new MarkdownSummaryReporter(Options with { MaxSummaryBytes = 1 << 20 }), new RunResult(findings, diagnostics));
        Assert.IsTrue(Encoding.UTF8.GetByteCount(text) <= 1 << 20, $"{Encoding.UTF8.GetByteCount(text)} bytes");
        StringAssert.Contains(text, "**Truncated:**");
        StringAssert.Contains(text, "other item(s)");
    }
}
