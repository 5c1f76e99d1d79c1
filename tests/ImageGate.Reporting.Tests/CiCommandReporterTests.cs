using ImageGate.Reporting;
using ImageGate.Reporting.Formatting;

namespace ImageGate.Reporting.Tests;

[TestClass]
public sealed class CiCommandReporterTests
{
    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [TestMethod]
    public void GitHub_error_carries_exact_location_and_title()
    {
        var output = Samples.Render(new GitHubAnnotationsReporter(Samples.Options), new RunResult([Samples.Finding()]));
        Assert.AreEqual(
            "::error file=deploy/web.yaml,line=12,endLine=12,col=18,endColumn=40,title=ImageGate%3A check-signature (fail)::"
            + "default/Pod/web image ghcr.io/acme/web:1.2.3: image ghcr.io/acme/web:1.2.3 failed signature verification\n",
            output);
    }

    [TestMethod]
    public void GitHub_levels_follow_actions_and_audit_and_passes_are_silent()
    {
        var commands = Lines(Samples.Render(new GitHubAnnotationsReporter(Samples.Options), Samples.Mixed()))
            .Select(l => CommandParsers.GitHub(l)!).ToList();
        CollectionAssert.AreEqual(new[] { "error", "error", "error", "warning" }, commands.Select(c => c.Name).ToArray());
        Assert.IsFalse(commands.Any(c => c.Data.Contains("audited", StringComparison.Ordinal)));
        Assert.IsFalse(commands.Any(c => c.Data.Contains("default/Pod/ok", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void GitHub_hostile_text_survives_the_runner_parser_unchanged_apart_from_control_characters()
    {
        var finding = Samples.Finding(file: "/repo/we,ird:dir/%41.yaml", message: Samples.Hostile, policy: "pol:a,b%c\nd");
        var lines = Lines(Samples.Render(new GitHubAnnotationsReporter(Samples.Options), new RunResult([finding])));
        Assert.AreEqual(1, lines.Length, "one command on one line");
        var command = CommandParsers.GitHub(lines[0])!;
        Assert.AreEqual("error", command.Name);
        Assert.AreEqual("we,ird:dir/%41.yaml", command.Properties["file"]);
        Assert.AreEqual("12", command.Properties["line"]);
        Assert.AreEqual("ImageGate: pol:a,b%c d (fail)", command.Properties["title"]);
        var expected = Samples.Hostile.Replace("\u0001", "\\u0001").Replace("\u001b", "\\u001b").Replace("\u007f", "\\u007f");
        StringAssert.EndsWith(command.Data, ": " + expected);
    }

    [TestMethod]
    public void GitHub_escape_functions_match_the_toolkit_rules()
    {
        Assert.AreEqual("100%25%0D%0Adone::x", GitHubAnnotationsReporter.EscapeData("100%\r\ndone::x"));
        Assert.AreEqual("a%3Ab%2Cc%25%0A", GitHubAnnotationsReporter.EscapeProperty("a:b,c%\n"));
    }

    [TestMethod]
    public void GitHub_caps_each_level_at_ten_and_counts_the_rest_in_a_notice()
    {
        var findings = Enumerable.Range(0, 25).Select(i => Samples.Finding(name: $"d{i}", order: i))
            .Concat(Enumerable.Range(0, 12).Select(i => Samples.Finding(name: $"w{i}", order: 100 + i, actions: [ValidationAction.Warn])));
        var commands = Lines(Samples.Render(new GitHubAnnotationsReporter(Samples.Options), new RunResult(findings)))
            .Select(l => CommandParsers.GitHub(l)!).ToList();
        Assert.AreEqual(10, commands.Count(c => c.Name == "error"));
        Assert.AreEqual(10, commands.Count(c => c.Name == "warning"));
        var notice = commands.Single(c => c.Name == "notice");
        StringAssert.StartsWith(notice.Data, "17 more annotation(s)");
        StringAssert.Contains(commands[0].Data, "default/Pod/d0 ", "input order within a level");
    }

    [TestMethod]
    public void GitHub_input_errors_come_first()
    {
        var findings = Enumerable.Range(0, 10).Select(i => Samples.Finding(name: $"d{i}", order: i));
        var run = new RunResult(findings, [new Diagnostic(DiagnosticLevel.Error, "resource has no apiVersion", new SourceSpan("/repo/bad.yaml", 5, 1))]);
        var commands = Lines(Samples.Render(new GitHubAnnotationsReporter(Samples.Options), run)).Select(l => CommandParsers.GitHub(l)!).ToList();
        Assert.AreEqual("bad.yaml", commands[0].Properties["file"]);
        Assert.AreEqual("resource has no apiVersion", commands[0].Data);
        Assert.AreEqual(10, commands.Count(c => c.Name == "error"));
        StringAssert.StartsWith(commands.Single(c => c.Name == "notice").Data, "1 more");
    }

    [TestMethod]
    public void GitHub_multi_line_span_drops_columns_like_the_runner()
    {
        var finding = Samples.Finding() with { Images = [], Resource = Samples.Finding().Resource };
        var command = CommandParsers.GitHub(Lines(Samples.Render(new GitHubAnnotationsReporter(Samples.Options), new RunResult([finding])))[0])!;
        Assert.AreEqual("7", command.Properties["line"]);
        Assert.AreEqual("22", command.Properties["endLine"]);
        Assert.IsFalse(command.Properties.ContainsKey("col"));
    }

    [TestMethod]
    public void GitHub_explain_adds_every_attestor_reason()
    {
        var finding = Samples.Finding() with
        {
            AttestorReasons = [new AttestorReason("ghcr.io/acme/web:1.2.3", "keyless", "identity mismatch"), new AttestorReason("ghcr.io/acme/web:1.2.3", "notary", "no signature")],
        };
        var plain = CommandParsers.GitHub(Samples.Render(new GitHubAnnotationsReporter(Samples.Options), new RunResult([finding])))!;
        Assert.IsFalse(plain.Data.Contains("identity mismatch", StringComparison.Ordinal));
        var explained = CommandParsers.GitHub(Samples.Render(new GitHubAnnotationsReporter(Samples.Options with { Explain = true }), new RunResult([finding])))!;
        StringAssert.Contains(explained.Data, "\nghcr.io/acme/web:1.2.3: attestor keyless: identity mismatch\nghcr.io/acme/web:1.2.3: attestor notary: no signature");
    }

    [TestMethod]
    public void Azure_logissue_has_absolute_source_path_line_column_and_code()
    {
        var output = Samples.Render(new AzureDevOpsReporter(Samples.Options), new RunResult([Samples.Finding(file: "deploy/web.yaml")]));
        Assert.AreEqual(
            "##vso[task.logissue type=error;sourcepath=/repo/deploy/web.yaml;linenumber=12;columnnumber=18;code=IVPOL/check-signature/validation-0]"
            + "ImageGate: check-signature (fail): default/Pod/web image ghcr.io/acme/web:1.2.3: image ghcr.io/acme/web:1.2.3 failed signature verification\n",
            output);
    }

    [TestMethod]
    public void Azure_hostile_text_survives_the_agent_parser()
    {
        var finding = Samples.Finding(file: "/repo/a;b]c%d.yaml", message: Samples.Hostile + " ##vso[task.setvariable variable=x]y", policy: "p;]");
        var lines = Lines(Samples.Render(new AzureDevOpsReporter(Samples.Options), new RunResult([finding])));
        Assert.AreEqual(1, lines.Length);
        var command = CommandParsers.Azure(lines[0])!;
        Assert.AreEqual("task.logissue", command.Name);
        Assert.AreEqual("/repo/a;b]c%d.yaml", command.Properties["sourcepath"]);
        Assert.AreEqual("IVPOL/p;]/validation-0", command.Properties["code"]);
        Assert.AreEqual("error", command.Properties["type"]);
        StringAssert.Contains(command.Data, "bad %25 % value\r\nnext:: line, with ]; and");
        StringAssert.EndsWith(command.Data, "##vso[task.setvariable variable=x]y");
    }

    [TestMethod]
    public void Azure_escape_functions_match_the_task_lib_rules()
    {
        Assert.AreEqual("100%AZP25%0D%0A]x;", AzureDevOpsReporter.EscapeData("100%\r\n]x;"));
        Assert.AreEqual("a%5Db%3Bc%AZP25", AzureDevOpsReporter.EscapeProperty("a]b;c%"));
    }

    [TestMethod]
    public void Azure_caps_issues_and_notices_cannot_inject_commands()
    {
        var findings = Enumerable.Range(0, 7).Select(i => Samples.Finding(name: $"d{i}", order: i));
        var run = new RunResult(findings, [new Diagnostic(DiagnosticLevel.Notice, "note ##vso[task.setvariable variable=evil]1")]);
        var lines = Lines(Samples.Render(new AzureDevOpsReporter(Samples.Options with { MaxLogIssuesPerType = 5 }), run));
        Assert.AreEqual(5, lines.Count(l => l.StartsWith("##vso[task.logissue type=error", StringComparison.Ordinal)));
        var notice = lines.Single(l => l.StartsWith("##[section]", StringComparison.Ordinal));
        Assert.IsNull(CommandParsers.Azure(notice), "a notice line must not contain a command");
        StringAssert.Contains(lines[^1], "2 more issue(s)");
    }

    [TestMethod]
    public void Azure_task_complete_reflects_exit_code()
    {
        string Complete(RunResult run)
        {
            var w = new StringWriter();
            new AzureDevOpsReporter(Samples.Options).WriteTaskComplete(run, w);
            return CommandParsers.Azure(w.ToString().TrimEnd('\n'))!.Properties["result"];
        }
        Assert.AreEqual("Failed", Complete(new RunResult([Samples.Finding()])));
        Assert.AreEqual("SucceededWithIssues", Complete(new RunResult([Samples.Finding(actions: [ValidationAction.Warn])])));
        Assert.AreEqual("Succeeded", Complete(new RunResult([Samples.Finding(result: Outcome.Pass)])));
        Assert.AreEqual("Failed", Complete(new RunResult([], [new Diagnostic(DiagnosticLevel.Error, "bad")])));
    }

    [TestMethod]
    public void Annotation_plan_without_a_cap_serves_check_runs()
    {
        var findings = Enumerable.Range(0, 120).Select(i => Samples.Finding(name: $"d{i}", order: i,
            actions: [(i % 3) switch { 0 => ValidationAction.Deny, 1 => ValidationAction.Warn, _ => ValidationAction.Audit }]));
        var (shown, omitted) = AnnotationPlan.Build(new RunResult(findings), Samples.Options, int.MaxValue);
        Assert.AreEqual(0, omitted);
        Assert.AreEqual(40, shown.Count(a => a.Level == AnnotationLevel.Error));
        Assert.AreEqual(40, shown.Count(a => a.Level == AnnotationLevel.Warning));
        Assert.AreEqual("IVPOL/check-signature/validation-0", shown[0].Code);
        Assert.AreEqual(12, shown[0].Location!.Line);
    }

    [TestMethod]
    public void GitHub_orders_deny_before_warn_then_by_severity_then_input_order()
    {
        var findings = new[]
        {
            Samples.Finding(name: "warn-critical", order: 0, actions: [ValidationAction.Warn]) with { Severity = "critical" },
            Samples.Finding(name: "deny-low", order: 1) with { Severity = "low" },
            Samples.Finding(name: "deny-none", order: 2),
            Samples.Finding(name: "deny-critical", order: 3) with { Severity = "critical" },
            Samples.Finding(name: "deny-error", result: Outcome.Error, order: 4) with { Severity = "high" },
            Samples.Finding(name: "deny-critical-2", order: 5) with { Severity = "critical" },
            Samples.Finding(name: "warn-info", order: 6, actions: [ValidationAction.Warn]) with { Severity = "info" },
            Samples.Finding(name: "warn-medium", order: 7, actions: [ValidationAction.Warn]) with { Severity = "medium" },
            Samples.Finding(name: "audit-critical", order: 8, actions: [ValidationAction.Audit]) with { Severity = "critical" },
        };
        var commands = Lines(Samples.Render(new GitHubAnnotationsReporter(Samples.Options), new RunResult(findings)))
            .Select(l => CommandParsers.GitHub(l)!).ToList();
        var order = commands.Select(c => c.Name + " " + c.Data.Split(' ')[0]).ToArray();
        CollectionAssert.AreEqual(new[]
        {
            "error default/Pod/deny-critical", "error default/Pod/deny-critical-2", "error default/Pod/deny-error",
            "error default/Pod/deny-none", "error default/Pod/deny-low",
            "warning default/Pod/warn-critical", "warning default/Pod/warn-medium", "warning default/Pod/warn-info",
        }, order, "Audit findings are not annotated");
    }

    [TestMethod]
    public void GitHub_keeps_the_most_important_when_capping_and_the_closing_notice_counts_per_type()
    {
        var findings = Enumerable.Range(0, 14).Select(i => Samples.Finding(name: $"d{i}", order: i) with { Severity = i >= 10 ? "critical" : "low" })
            .Concat(Enumerable.Range(0, 11).Select(i => Samples.Finding(name: $"w{i}", order: 100 + i, actions: [ValidationAction.Warn])));
        var run = new RunResult(findings, Enumerable.Range(0, 12).Select(i => new Diagnostic(DiagnosticLevel.Notice, $"note {i}")));
        var commands = Lines(Samples.Render(new GitHubAnnotationsReporter(Samples.Options), run)).Select(l => CommandParsers.GitHub(l)!).ToList();
        var errors = commands.Where(c => c.Name == "error").Select(c => c.Data.Split(' ')[0]).ToList();
        CollectionAssert.AreEqual(new[] { "default/Pod/d10", "default/Pod/d11", "default/Pod/d12", "default/Pod/d13", "default/Pod/d0", "default/Pod/d1" },
            errors.Take(6).ToArray(), "the critical ones survive the cap");
        Assert.AreEqual(10, errors.Count);
        Assert.AreEqual(10, commands.Count(c => c.Name == "warning"));
        Assert.AreEqual(10, commands.Count(c => c.Name == "notice"), "nine notes and the closing notice");
        var closing = commands.Last();
        Assert.AreEqual("notice", closing.Name);
        Assert.AreEqual("8 more annotation(s) are not shown (4 error(s), 1 warning(s), 3 notice(s)): GitHub shows 10 per type and step. "
            + "The job summary lists them and SARIF has every finding.", closing.Data);
    }

    [TestMethod]
    public void GitHub_annotation_has_relative_file_full_region_and_a_title_naming_the_policy()
    {
        var finding = Samples.Finding(policy: "require-digest", file: "/repo/deploy/a,b:c.yaml", message: "image x does not have a digest") with
        {
            ValidationIndex = null,
            Kind = PolicyKind.NamespacedImageValidatingPolicy,
            PolicyNamespace = "team",
        };
        var line = Lines(Samples.Render(new GitHubAnnotationsReporter(Samples.Options), new RunResult([finding])))[0];
        StringAssert.StartsWith(line, "::error file=deploy/a%2Cb%3Ac.yaml,line=12,endLine=12,col=18,endColumn=40,title=ImageGate%3A team/require-digest (fail)::");
    }

    [TestMethod]
    public void Annotation_selection_lists_what_was_left_out_for_the_summary()
    {
        var findings = Enumerable.Range(0, 13).Select(i => Samples.Finding(name: $"d{i}", order: i));
        var selection = AnnotationPlan.Select(new RunResult(findings), Samples.Options, 10);
        Assert.AreEqual(10, selection.Shown.Count);
        CollectionAssert.AreEqual(new[] { "d10", "d11", "d12" }, selection.Omitted.Select(a => a.Finding!.Resource.Name).ToArray());
        Assert.AreEqual((selection.Shown.Count, selection.Omitted.Count), (AnnotationPlan.Build(new RunResult(findings), Samples.Options, 10).Shown.Count, 3));
    }

    [TestMethod]
    public void GitHub_location_without_a_file_writes_no_empty_properties()
    {
        var finding = Samples.Finding() with { Images = [], Resource = new ResourceRef("v1", "Pod", "a", "b") { Span = new SourceSpan("", 3) }, PolicySpan = null };
        var line = Lines(Samples.Render(new GitHubAnnotationsReporter(Samples.Options), new RunResult([finding])))[0];
        StringAssert.StartsWith(line, "::error title=ImageGate%3A check-signature (fail)::a/Pod/b");
    }
}
