using System.Diagnostics;
using ImageGate.Reporting;

namespace ImageGate.Reporting.Tests;

[TestClass]
public sealed class AllReportersTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Every_format_is_deterministic_whatever_order_findings_arrive_in()
    {
        var findings = Samples.Mixed().Findings.ToList();
        var shuffled = findings.OrderBy(f => (f.InputOrder * 7919) % 13).ToList();
        foreach (var name in ReportFormats.Names)
        {
            var a = Samples.Render(ReportFormats.Create(name, Samples.Options)!, new RunResult(findings));
            var b = Samples.Render(ReportFormats.Create(name, Samples.Options)!, new RunResult(shuffled));
            Assert.AreEqual(a, b, name);
        }
    }

    [TestMethod]
    public void Every_format_handles_an_empty_run()
    {
        foreach (var name in ReportFormats.Names)
        {
            var text = Samples.Render(ReportFormats.Create(name, Samples.Options)!, new RunResult([]));
            Assert.IsNotNull(text, name);
        }
        Assert.AreEqual("", Samples.Render(new GitHubAnnotationsReporter(), new RunResult([])));
    }

    [TestMethod]
    public void Ten_thousand_findings_render_in_every_format_within_seconds()
    {
        var findings = Enumerable.Range(0, 10_000).Select(i => Samples.Finding(
            name: $"r{i}", ns: $"ns{i % 50}", order: i,
            result: (i % 4) switch { 0 => Outcome.Pass, 1 => Outcome.Fail, 2 => Outcome.Error, _ => Outcome.Skip },
            actions: [(i % 3) switch { 0 => ValidationAction.Deny, 1 => ValidationAction.Warn, _ => ValidationAction.Audit }]))
            .ToList();
        var run = new RunResult(findings);
        var total = Stopwatch.StartNew();
        foreach (var name in ReportFormats.Names)
        {
            var watch = Stopwatch.StartNew();
            var text = Samples.Render(ReportFormats.Create(name, Samples.Options)!, run);
            TestContext.WriteLine($"{name}: {watch.ElapsedMilliseconds} ms, {text.Length} chars");
            Assert.IsTrue(text.Length > 0, name);
        }
        Assert.IsTrue(total.Elapsed < TimeSpan.FromSeconds(60), $"took {total.Elapsed}");
    }
}
