using System.Text.Json;
using ImageGate.Reporting;

namespace ImageGate.Reporting.Tests;

[TestClass]
public sealed class JsonReporterTests
{
    private static JsonElement Render(RunResult run, ReportOptions? options = null) =>
        JsonDocument.Parse(Samples.Render(new JsonReporter(options ?? Samples.Options), run)).RootElement;

    [TestMethod]
    public void Output_has_every_contract_field_with_contract_types()
    {
        var root = Render(Samples.Mixed());
        Assert.AreEqual("1", root.GetProperty("version").GetString());
        var results = root.GetProperty("results");
        Assert.AreEqual(7, results.GetArrayLength());
        foreach (var r in results.EnumerateArray())
        {
            foreach (var key in new[] { "policy", "kind", "result", "message", "action" })
            {
                Assert.AreEqual(JsonValueKind.String, r.GetProperty(key).ValueKind, key);
            }
            Assert.AreEqual(JsonValueKind.Array, r.GetProperty("images").ValueKind);
            Assert.IsTrue(r.GetProperty("blocking").ValueKind is JsonValueKind.True or JsonValueKind.False);
            var resource = r.GetProperty("resource");
            foreach (var key in new[] { "apiVersion", "kind", "namespace", "name", "file" })
            {
                Assert.AreEqual(JsonValueKind.String, resource.GetProperty(key).ValueKind, key);
            }
            Assert.AreEqual(JsonValueKind.Number, resource.GetProperty("line").ValueKind);
            CollectionAssert.Contains(new[] { "pass", "fail", "error", "skip", "warn" }, r.GetProperty("result").GetString());
            CollectionAssert.Contains(new[] { "Deny", "Warn", "Audit" }, r.GetProperty("action").GetString());
        }
        var summary = root.GetProperty("summary");
        Assert.AreEqual(1, summary.GetProperty("pass").GetInt32());
        Assert.AreEqual(3, summary.GetProperty("fail").GetInt32());
        Assert.AreEqual(1, summary.GetProperty("error").GetInt32());
        Assert.AreEqual(1, summary.GetProperty("skip").GetInt32());
        Assert.AreEqual(1, summary.GetProperty("warn").GetInt32());
        Assert.AreEqual(1, root.GetProperty("exitCode").GetInt32());
    }

    [TestMethod]
    public void Result_is_the_outcome_whatever_the_action()
    {
        var results = Render(Samples.Mixed()).GetProperty("results").EnumerateArray()
            .ToDictionary(r => r.GetProperty("resource").GetProperty("name").GetString()!);
        Assert.AreEqual("fail", results["web"].GetProperty("result").GetString());
        Assert.IsTrue(results["web"].GetProperty("blocking").GetBoolean());
        Assert.AreEqual("fail", results["warned"].GetProperty("result").GetString());
        Assert.AreEqual("Warn", results["warned"].GetProperty("action").GetString());
        Assert.IsFalse(results["warned"].GetProperty("blocking").GetBoolean());
        Assert.AreEqual("fail", results["audited"].GetProperty("result").GetString());
        Assert.IsFalse(results["audited"].GetProperty("blocking").GetBoolean());
        Assert.AreEqual("warn", results["unscored"].GetProperty("result").GetString());
        Assert.AreEqual("error", results["broken"].GetProperty("result").GetString());
        Assert.AreEqual("allow", results["excepted"].GetProperty("exceptions")[0].GetString());
    }

    [TestMethod]
    public void Resource_location_is_repository_relative()
    {
        var first = Render(Samples.Mixed()).GetProperty("results")[0];
        var resource = first.GetProperty("resource");
        Assert.AreEqual("deploy/web.yaml", resource.GetProperty("file").GetString());
        Assert.AreEqual(7, resource.GetProperty("line").GetInt32());
        Assert.AreEqual("ghcr.io/acme/web:1.2.3", first.GetProperty("images")[0].GetString());
        var image = first.GetProperty("imageLocations")[0];
        Assert.AreEqual(12, image.GetProperty("line").GetInt32());
        Assert.AreEqual(18, image.GetProperty("column").GetInt32());
    }

    [TestMethod]
    public void Cluster_scoped_resource_has_null_namespace_and_unknown_line_is_null()
    {
        var finding = Samples.Finding() with { Resource = new ResourceRef("v1", "Namespace", null, "prod"), Images = [] };
        var resource = Render(new RunResult([finding])).GetProperty("results")[0].GetProperty("resource");
        Assert.AreEqual(JsonValueKind.Null, resource.GetProperty("namespace").ValueKind);
        Assert.AreEqual(JsonValueKind.Null, resource.GetProperty("file").ValueKind);
        Assert.AreEqual(JsonValueKind.Null, resource.GetProperty("line").ValueKind);
    }

    [TestMethod]
    public void Hostile_text_round_trips_and_lone_surrogates_become_replacement_characters()
    {
        var finding = Samples.Finding(message: Samples.Hostile + "\ud800", name: "a\"b\\c");
        var r = Render(new RunResult([finding])).GetProperty("results")[0];
        Assert.AreEqual(Samples.Hostile + "\ufffd", r.GetProperty("message").GetString());
        Assert.AreEqual("a\"b\\c", r.GetProperty("resource").GetProperty("name").GetString());
    }

    [TestMethod]
    public void Explain_reasons_pins_and_diagnostics_are_included()
    {
        var finding = Samples.Finding() with
        {
            AttestorReasons = [new AttestorReason("ghcr.io/acme/web:1.2.3", "notary", "no signature found")],
            Images = [new ImageRef("ghcr.io/acme/web:1.2.3") { PinnedReference = "ghcr.io/acme/web:1.2.3@sha256:" + new string('a', 64) }],
        };
        var root = Render(new RunResult([finding], [new Diagnostic(DiagnosticLevel.Error, "bad document", new SourceSpan("/repo/x.yaml", 4))]));
        var r = root.GetProperty("results")[0];
        Assert.AreEqual("no signature found", r.GetProperty("attestorReasons")[0].GetProperty("reason").GetString());
        StringAssert.EndsWith(r.GetProperty("imageLocations")[0].GetProperty("pinned").GetString(), new string('a', 64));
        StringAssert.StartsWith(r.GetProperty("suggestedFix").GetString(), "pin ghcr.io/acme/web:1.2.3 to ghcr.io/acme/web:1.2.3@sha256:");
        var d = root.GetProperty("diagnostics")[0];
        Assert.AreEqual("error", d.GetProperty("level").GetString());
        Assert.AreEqual("x.yaml", d.GetProperty("file").GetString());
        Assert.AreEqual(4, d.GetProperty("line").GetInt32());
        Assert.AreEqual(2, root.GetProperty("exitCode").GetInt32());
    }

    [TestMethod]
    public void Free_text_fix_wins_over_pins_and_is_null_when_absent()
    {
        var finding = Samples.Finding() with { SuggestedFix = "sign the image with the release workflow" };
        var results = Render(new RunResult([finding, Samples.Finding(name: "other", order: 1)])).GetProperty("results");
        Assert.AreEqual("sign the image with the release workflow", results[0].GetProperty("suggestedFix").GetString());
        Assert.AreEqual(JsonValueKind.Null, results[1].GetProperty("suggestedFix").ValueKind);
    }

    [TestMethod]
    public void Output_is_deterministic_whatever_the_order_findings_arrive_in()
    {
        var findings = Samples.Mixed().Findings;
        var forward = Samples.Render(new JsonReporter(Samples.Options), new RunResult(findings));
        var backward = Samples.Render(new JsonReporter(Samples.Options), new RunResult(findings.Reverse()));
        Assert.AreEqual(forward, backward);
    }
}
