using ImageGate.Reporting;

namespace ImageGate.Reporting.Tests;

[TestClass]
public sealed class TableReporterTests
{
    [TestMethod]
    public void Header_rows_details_and_counts_like_kyverno_apply()
    {
        var text = Samples.Render(new TableReporter(Samples.Options), Samples.Mixed());
        var lines = text.Split('\n');
        Assert.AreEqual("Applying 1 policy rule(s) to 7 resource(s) with 1 exception(s)...", lines[0]);
        StringAssert.StartsWith(lines[2], "ID  POLICY");
        var rows = lines.Skip(3).TakeWhile(l => l.Length > 0).ToList();
        Assert.AreEqual(7, rows.Count);
        StringAssert.Contains(rows[1], "default/Pod/web");
        StringAssert.Contains(rows[1], "ghcr.io/acme/web:1.2.3");
        StringAssert.Contains(rows[1], "deploy/web.yaml:12");
        StringAssert.Contains(rows[1], "Deny (blocking)");
        StringAssert.Contains(text, "policy check-signature -> resource default/Pod/web failed (Deny, blocking):\n1 - check-signature image ghcr.io/acme/web:1.2.3 failed signature verification\n");
        StringAssert.Contains(text, "policy check-signature -> resource default/Pod/broken error (Deny, blocking):");
        StringAssert.EndsWith(text, "\npass: 1, fail: 3, warn: 1, error: 1, skip: 1 \n");
    }

    [TestMethod]
    public void Hostile_messages_stay_on_one_line_and_cells_are_bounded()
    {
        var finding = Samples.Finding(message: Samples.Hostile + "\npolicy fake -> resource x failed:", image: new string('i', 500));
        var text = Samples.Render(new TableReporter(Samples.Options), new RunResult([finding]));
        Assert.AreEqual(1, text.Split('\n').Count(l => l.StartsWith("policy ", StringComparison.Ordinal)));
        Assert.IsFalse(text.Contains('\u001b'), "no terminal escape sequences");
        var row = text.Split('\n')[3];
        Assert.IsTrue(row.Length < 300, row);
    }

    [TestMethod]
    public void Explain_prints_attestor_reasons_and_pins()
    {
        var finding = Samples.Finding() with
        {
            Images = [new ImageRef("ghcr.io/acme/web:1.2.3") { PinnedReference = "ghcr.io/acme/web:1.2.3@sha256:abc", Span = new SourceSpan("/repo/deploy/web.yaml", 12, 18) }],
            AttestorReasons = [new AttestorReason("ghcr.io/acme/web:1.2.3", "notary", "certificate expired")],
        };
        var plain = Samples.Render(new TableReporter(Samples.Options), new RunResult([finding]));
        Assert.IsFalse(plain.Contains("certificate expired", StringComparison.Ordinal));
        StringAssert.Contains(plain, "    suggested fix: ghcr.io/acme/web:1.2.3@sha256:abc\n");
        var explained = Samples.Render(new TableReporter(Samples.Options with { Explain = true }), new RunResult([finding]));
        StringAssert.Contains(explained, "    ghcr.io/acme/web:1.2.3: attestor notary: certificate expired\n");
    }

    [TestMethod]
    public void Diagnostics_are_printed_with_file_and_line()
    {
        var run = new RunResult([], [new Diagnostic(DiagnosticLevel.Error, "resource has no kind", new SourceSpan("/repo/deploy/bad.yaml", 9))]);
        var text = Samples.Render(new TableReporter(Samples.Options), run);
        StringAssert.Contains(text, "error: deploy/bad.yaml:9: resource has no kind\n");
        StringAssert.EndsWith(text, "pass: 0, fail: 0, warn: 0, error: 0, skip: 0 \n");
    }
}
