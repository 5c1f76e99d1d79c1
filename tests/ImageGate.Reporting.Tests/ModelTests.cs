using ImageGate.Reporting;

namespace ImageGate.Reporting.Tests;

[TestClass]
public sealed class ModelTests
{
    [TestMethod]
    [DataRow(Outcome.Fail, ValidationAction.Deny, true)]
    [DataRow(Outcome.Error, ValidationAction.Deny, true)]
    [DataRow(Outcome.Pass, ValidationAction.Deny, false)]
    [DataRow(Outcome.Skip, ValidationAction.Deny, false)]
    [DataRow(Outcome.Fail, ValidationAction.Warn, false)]
    [DataRow(Outcome.Error, ValidationAction.Warn, false)]
    [DataRow(Outcome.Fail, ValidationAction.Audit, false)]
    [DataRow(Outcome.Error, ValidationAction.Audit, false)]
    public void Blocking_follows_decision_5(Outcome result, ValidationAction action, bool blocking)
    {
        var finding = Samples.Finding(result: result, actions: [action]);
        Assert.AreEqual(blocking, finding.Blocking);
        Assert.AreEqual(blocking ? ExitCodes.Blocking : ExitCodes.Success, new RunResult([finding]).ExitCode());
    }

    [TestMethod]
    public void Missing_actions_default_to_deny()
    {
        var finding = Samples.Finding() with { Actions = [] };
        CollectionAssert.AreEqual(new[] { ValidationAction.Deny }, finding.Actions.ToArray());
        Assert.IsTrue(finding.Blocking);
    }

    [TestMethod]
    public void Deny_with_warn_is_blocking_and_primary_action_is_deny()
    {
        var finding = Samples.Finding(actions: [ValidationAction.Warn, ValidationAction.Deny, ValidationAction.Warn]);
        Assert.AreEqual(ValidationAction.Deny, finding.PrimaryAction);
        Assert.AreEqual(2, finding.Actions.Count);
        Assert.IsTrue(finding.Blocking);
    }

    [TestMethod]
    public void Unscored_failure_reads_as_warn_but_still_blocks_under_deny()
    {
        var finding = Samples.Finding(scored: false);
        Assert.AreEqual(Outcome.Warn, finding.Result);
        Assert.IsTrue(finding.Blocking, "the cluster would still deny it");
        Assert.AreEqual(Outcome.Pass, Samples.Finding(result: Outcome.Pass, scored: false).Result);
    }

    [TestMethod]
    public void Fail_on_setting_changes_what_blocks()
    {
        var warn = Samples.Finding(actions: [ValidationAction.Warn]);
        var run = new RunResult([warn]);
        Assert.AreEqual(0, run.ExitCode(FailOn.Deny));
        Assert.AreEqual(1, run.ExitCode(FailOn.Warn));
        Assert.AreEqual(0, new RunResult([Samples.Finding()]).ExitCode(FailOn.Never));
        Assert.AreEqual(0, new RunResult([Samples.Finding(actions: [ValidationAction.Audit])]).ExitCode(FailOn.Warn));
    }

    [TestMethod]
    public void Input_errors_exit_2_even_with_blocking_findings_and_under_never()
    {
        var diagnostics = new[] { new Diagnostic(DiagnosticLevel.Error, "no apiVersion", new SourceSpan("a.yaml", 3)) };
        Assert.AreEqual(2, new RunResult([Samples.Finding()], diagnostics).ExitCode());
        Assert.AreEqual(2, new RunResult([], diagnostics).ExitCode(FailOn.Never));
        Assert.AreEqual(0, new RunResult([], [new Diagnostic(DiagnosticLevel.Warning, "Deny and Warn together")]).ExitCode());
    }

    [TestMethod]
    public void Findings_are_ordered_by_input_order_stably()
    {
        var a = Samples.Finding(name: "a", order: 2);
        var b = Samples.Finding(name: "b", order: 1);
        var c = Samples.Finding(name: "c", order: 2);
        var run = new RunResult([a, b, c]);
        CollectionAssert.AreEqual(new[] { "b", "a", "c" }, run.Findings.Select(f => f.Resource.Name).ToArray());
    }

    [TestMethod]
    public void Summary_counts_each_reported_outcome()
    {
        var s = Samples.Mixed().Summary;
        Assert.AreEqual((1, 3, 1, 1, 1, 3), (s.Pass, s.Fail, s.Warn, s.Error, s.Skip, s.Blocking));
        Assert.AreEqual(7, s.Total);
    }

    [TestMethod]
    public void Primary_location_prefers_template_then_image_then_resource_then_policy()
    {
        var finding = Samples.Finding();
        Assert.AreEqual(12, finding.PrimaryLocation!.Line);
        var template = new SourceSpan("charts/web/templates/deployment.yaml", 20);
        Assert.AreEqual(template, (finding with { Resource = finding.Resource with { TemplateSpan = template } }).PrimaryLocation);
        var noImage = finding with { Images = [new ImageRef("x")] };
        Assert.AreEqual(7, noImage.PrimaryLocation!.Line);
        var nothing = noImage with { Resource = noImage.Resource with { Span = null } };
        Assert.AreEqual("/repo/policies/check.yaml", nothing.PrimaryLocation!.File);
    }

    [TestMethod]
    public void Policy_key_and_rule_name_defaults()
    {
        var f = Samples.Finding() with { Kind = PolicyKind.NamespacedImageValidatingPolicy, PolicyNamespace = "team" };
        Assert.AreEqual("team/check-signature", f.PolicyKey);
        Assert.AreEqual("check-signature", f.RuleName);
        Assert.AreEqual("exception", (f with { Rule = "exception" }).RuleName);
        Assert.AreEqual("default/Pod/web", f.Resource.DisplayName);
        Assert.AreEqual("Namespace/x", new ResourceRef("v1", "Namespace", null, "x").DisplayName);
    }

    [TestMethod]
    public void Report_formats_resolve_by_name()
    {
        foreach (var name in ReportFormats.Names)
        {
            Assert.IsNotNull(ReportFormats.Create(name), name);
        }
        Assert.IsInstanceOfType<SarifReporter>(ReportFormats.Create("SARIF"));
        Assert.IsNull(ReportFormats.Create("xml"));
    }

    [TestMethod]
    public void Helm_primary_location_prefers_the_image_line_inside_the_chart_template()
    {
        var template = new SourceSpan("/repo/charts/web/templates/deploy.yaml", 1, 1, 40, 1);
        var imageInTemplate = new SourceSpan("/repo/charts/web/templates/deploy.yaml", 21, 18, 21, 40);
        var finding = Samples.Finding() with
        {
            Resource = Samples.Finding().Resource with { TemplateSpan = template },
            Images = [new ImageRef("ghcr.io/acme/web:1.2.3") { Span = imageInTemplate }],
        };
        Assert.AreEqual(imageInTemplate, finding.PrimaryLocation);
        Assert.IsFalse(finding.PrimaryLocationIsApproximate);
        var valuesOnly = finding with { Images = [new ImageRef("ghcr.io/acme/web:1.2.3") { Span = new SourceSpan("/repo/rendered.yaml", 9, 18) }] };
        Assert.AreSame(template, valuesOnly.PrimaryLocation);
        Assert.IsTrue(valuesOnly.PrimaryLocationIsApproximate);
    }

    [TestMethod]
    [DataRow(Outcome.Fail, 2, "images must be signed", PolicyCheck.Validation)]
    [DataRow(Outcome.Fail, -1, "image ghcr.io/a/b:1 does not have a digest", PolicyCheck.VerifyDigest)]
    [DataRow(Outcome.Fail, -1, "image ghcr.io/a/b:1 failed signature or attestation verification", PolicyCheck.Required)]
    [DataRow(Outcome.Fail, -1, "image ghcr.io/a/b:1 is not verified: no policy performed a signature or attestation check on it", PolicyCheck.Required)]
    [DataRow(Outcome.Fail, -1, "something else", PolicyCheck.Policy)]
    [DataRow(Outcome.Error, -1, "failed to evaluate policy: boom", PolicyCheck.Evaluation)]
    [DataRow(Outcome.Skip, -1, "rule is skipped due to policy exception: a/b", PolicyCheck.Exception)]
    [DataRow(Outcome.Pass, -1, "success", PolicyCheck.Policy)]
    public void Check_is_inferred_from_the_outcome_the_validation_index_and_the_engine_messages(Outcome outcome, int index, string message, PolicyCheck expected)
    {
        var finding = Samples.Finding(result: outcome, message: message) with { ValidationIndex = index < 0 ? null : index };
        Assert.AreEqual(expected, finding.Check);
        Assert.AreEqual(PolicyCheck.Required, (finding with { Check = PolicyCheck.Required }).Check, "an explicit check wins");
    }

    [TestMethod]
    public void Unscored_failures_still_read_as_warn_and_keep_their_validation_check()
    {
        var finding = Samples.Finding(scored: false);
        Assert.AreEqual(Outcome.Warn, finding.Result);
        Assert.AreEqual(PolicyCheck.Validation, finding.Check);
    }
}
