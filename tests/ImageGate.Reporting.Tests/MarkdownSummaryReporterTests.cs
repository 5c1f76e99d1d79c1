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
}
