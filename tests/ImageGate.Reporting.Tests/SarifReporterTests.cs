using System.Text.Json;
using ImageGate.Reporting;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Sarif;

namespace ImageGate.Reporting.Tests;

[TestClass]
public sealed class SarifReporterTests
{
    private static JsonElement Render(RunResult run, ReportOptions? options = null)
    {
        var text = Samples.Render(new SarifReporter(options ?? Samples.Options), run);
        SarifValidator.AssertValidText(text);
        return JsonDocument.Parse(text).RootElement;
    }

    private static JsonElement Run(JsonElement root) => root.GetProperty("runs")[0];

    [TestMethod]
    public void Mixed_run_is_valid_and_reports_only_violations()
    {
        var run = Run(Render(Samples.Mixed()));
        var results = run.GetProperty("results");
        Assert.AreEqual(5, results.GetArrayLength(), "fail, warn-action fail, audit fail, error, unscored fail");
        Assert.AreEqual("ImageGate", run.GetProperty("tool").GetProperty("driver").GetProperty("name").GetString());
        Assert.AreEqual("1.2.3", run.GetProperty("tool").GetProperty("driver").GetProperty("semanticVersion").GetString());
        Assert.AreEqual("imagegate/", run.GetProperty("automationDetails").GetProperty("id").GetString());
        Assert.AreEqual("utf16CodeUnits", run.GetProperty("columnKind").GetString());
        Assert.AreEqual("file:///repo/", run.GetProperty("originalUriBaseIds").GetProperty("%SRCROOT%").GetProperty("uri").GetString());
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules");
        Assert.AreEqual(2, rules.GetArrayLength(), "one rule per policy check: the validation and evaluation errors");
        Assert.AreEqual("IVPOL/check-signature/validation-0", rules[0].GetProperty("id").GetString());
        Assert.AreEqual("IVPOL/check-signature/evaluation", rules[1].GetProperty("id").GetString());
        Assert.IsFalse(string.IsNullOrEmpty(rules[0].GetProperty("help").GetProperty("markdown").GetString()));
        Assert.AreEqual("8.0", rules[0].GetProperty("properties").GetProperty("security-severity").GetString());
    }

    [TestMethod]
    public void Level_follows_the_action()
    {
        var levels = Run(Render(Samples.Mixed())).GetProperty("results").EnumerateArray()
            .Select(r => (r.GetProperty("properties").GetProperty("resource").GetString(), r.GetProperty("level").GetString()))
            .ToDictionary(x => x.Item1!, x => x.Item2);
        Assert.AreEqual("error", levels["default/Pod/web"]);
        Assert.AreEqual("warning", levels["default/Pod/warned"]);
        Assert.AreEqual("note", levels["default/Pod/audited"]);
        Assert.AreEqual("error", levels["default/Pod/broken"]);
    }

    [TestMethod]
    public void Location_is_the_image_with_a_full_region_and_a_relative_uri()
    {
        var result = Run(Render(Samples.Mixed())).GetProperty("results")[0];
        var physical = result.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.AreEqual("deploy/web.yaml", physical.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.AreEqual("%SRCROOT%", physical.GetProperty("artifactLocation").GetProperty("uriBaseId").GetString());
        var region = physical.GetProperty("region");
        Assert.AreEqual(12, region.GetProperty("startLine").GetInt32());
        Assert.AreEqual(18, region.GetProperty("startColumn").GetInt32());
        Assert.AreEqual(12, region.GetProperty("endLine").GetInt32());
        Assert.AreEqual(18 + "ghcr.io/acme/web:1.2.3".Length, region.GetProperty("endColumn").GetInt32());
        var related = result.GetProperty("relatedLocations")[0];
        Assert.AreEqual(7, related.GetProperty("physicalLocation").GetProperty("region").GetProperty("startLine").GetInt32());
        StringAssert.Contains(result.GetProperty("message").GetProperty("text").GetString(), "ghcr.io/acme/web:1.2.3");
    }

    [TestMethod]
    public void Helm_findings_point_at_the_chart_template_with_the_rendered_file_related()
    {
        var finding = Samples.Finding() with
        {
            Resource = Samples.Finding().Resource with { TemplateSpan = new SourceSpan("/repo/charts/web/templates/deploy.yaml", 3) },
        };
        var result = Run(Render(new RunResult([finding]))).GetProperty("results")[0];
        var uri = result.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString();
        Assert.AreEqual("charts/web/templates/deploy.yaml", uri);
        Assert.AreEqual("deploy/web.yaml", result.GetProperty("relatedLocations")[0].GetProperty("physicalLocation")
            .GetProperty("artifactLocation").GetProperty("uri").GetString());
    }

    [TestMethod]
    public void Finding_without_manifest_location_is_placed_on_the_policy_file()
    {
        var finding = Samples.Finding(result: Outcome.Error) with
        {
            Images = [],
            Resource = new ResourceRef("v1", "Pod", "default", "web"),
        };
        var result = Run(Render(new RunResult([finding]))).GetProperty("results")[0];
        Assert.AreEqual("policies/check.yaml", result.GetProperty("locations")[0].GetProperty("physicalLocation")
            .GetProperty("artifactLocation").GetProperty("uri").GetString());
    }

    [TestMethod]
    public void Finding_without_any_location_becomes_a_notification_not_a_result()
    {
        var finding = Samples.Finding(result: Outcome.Error, actions: [ValidationAction.Warn]) with
        {
            Images = [],
            Resource = new ResourceRef("v1", "Pod", "default", "web"),
            PolicySpan = null,
        };
        var run = Run(Render(new RunResult([finding, Samples.Finding(name: "located", policy: "other")])));
        Assert.AreEqual(1, run.GetProperty("results").GetArrayLength());
        var n = run.GetProperty("invocations")[0].GetProperty("toolExecutionNotifications")[0];
        Assert.AreEqual("warning", n.GetProperty("level").GetString());
        Assert.AreEqual("IVPOL/check-signature/evaluation", n.GetProperty("associatedRule").GetProperty("id").GetString());
        StringAssert.Contains(n.GetProperty("message").GetProperty("text").GetString(), "default/Pod/web");
        Assert.AreEqual(2, run.GetProperty("tool").GetProperty("driver").GetProperty("rules").GetArrayLength());
    }

    [TestMethod]
    public void Fingerprint_is_stable_across_runs_and_line_moves_but_differs_per_resource()
    {
        string Fingerprint(Finding f) => Run(Render(new RunResult([f]))).GetProperty("results")[0]
            .GetProperty("partialFingerprints").GetProperty(SarifReporter.FingerprintKey).GetString()!;
        var a = Fingerprint(Samples.Finding());
        Assert.AreEqual(a, Fingerprint(Samples.Finding()));
        Assert.AreEqual(a, Fingerprint(Samples.Finding(line: 40)), "moving the manifest lines keeps the alert");
        Assert.AreEqual(a, Fingerprint(Samples.Finding(image: "ghcr.io/acme/web:1.2.4")), "a new tag of the same repository is the same alert");
        Assert.AreNotEqual(a, Fingerprint(Samples.Finding(name: "api")));
        Assert.AreNotEqual(a, Fingerprint(Samples.Finding(policy: "other")));
        Assert.AreEqual(64, a.Length);
    }

    [TestMethod]
    public void Paths_with_spaces_are_escaped_and_files_outside_the_repository_use_file_uris()
    {
        var inside = Samples.Finding(file: "/repo/my deploy/web#1.yaml");
        var outside = Samples.Finding(file: "/elsewhere/web.yaml", name: "other") with { PolicySpan = new SourceSpan("/elsewhere/policy.yaml", 1) };
        var results = Run(Render(new RunResult([inside, outside]))).GetProperty("results");
        string Uri(int i) => results[i].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString()!;
        Assert.AreEqual("my%20deploy/web%231.yaml", Uri(0));
        Assert.AreEqual("file:///elsewhere/web.yaml", Uri(1));
        Assert.IsFalse(results[1].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").TryGetProperty("uriBaseId", out _));
    }

    [TestMethod]
    public void A_manifest_outside_the_repository_is_placed_on_the_policy_when_that_is_inside()
    {
        var outside = Samples.Finding(file: "/tmp/rendered/all.yaml", name: "rendered");
        var result = Run(Render(new RunResult([outside]))).GetProperty("results")[0];
        var physical = result.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.AreEqual("policies/check.yaml", physical.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.AreEqual("%SRCROOT%", physical.GetProperty("artifactLocation").GetProperty("uriBaseId").GetString());
        StringAssert.Contains(result.GetProperty("message").GetProperty("text").GetString(),
            "(/tmp/rendered/all.yaml is outside the repository; the alert is placed on the policy.)");
        Assert.AreEqual("file:///tmp/rendered/all.yaml", result.GetProperty("relatedLocations")[0].GetProperty("physicalLocation")
            .GetProperty("artifactLocation").GetProperty("uri").GetString(), "the manifest stays as a related location");
    }

    [TestMethod]
    public void Without_repository_root_relative_paths_stay_relative_and_no_base_is_declared()
    {
        var finding = Samples.Finding(file: "./deploy/web.yaml");
        var run = Run(Render(new RunResult([finding]), new ReportOptions()));
        Assert.IsFalse(run.TryGetProperty("originalUriBaseIds", out _));
        Assert.AreEqual("deploy/web.yaml", run.GetProperty("results")[0].GetProperty("locations")[0].GetProperty("physicalLocation")
            .GetProperty("artifactLocation").GetProperty("uri").GetString());
    }

    [TestMethod]
    public void Inverted_or_partial_spans_still_give_valid_regions()
    {
        var finding = Samples.Finding() with
        {
            Images = [new ImageRef("a") { Span = new SourceSpan("/repo/a.yaml", 9, 5, 3, 2) }],
        };
        var region = Run(Render(new RunResult([finding]))).GetProperty("results")[0].GetProperty("locations")[0]
            .GetProperty("physicalLocation").GetProperty("region");
        Assert.AreEqual(9, region.GetProperty("startLine").GetInt32());
        Assert.AreEqual(9, region.GetProperty("endLine").GetInt32(), "an end before the start keeps only the start line");
        Assert.IsFalse(region.TryGetProperty("endColumn", out _));
    }

    [TestMethod]
    public void Namespaced_policies_get_their_own_rule_and_severity_annotation_is_used()
    {
        var nivpol = Samples.Finding() with
        {
            Kind = PolicyKind.NamespacedImageValidatingPolicy,
            PolicyNamespace = "team",
            Severity = "critical",
            Category = "Supply chain",
            PolicyDescription = "Images must be signed by the release workflow.",
        };
        var run = Run(Render(new RunResult([Samples.Finding(), nivpol])));
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules");
        Assert.AreEqual(2, rules.GetArrayLength());
        Assert.AreEqual("NIVPOL/team/check-signature/validation-0", rules[1].GetProperty("id").GetString());
        Assert.AreEqual("9.5", rules[1].GetProperty("properties").GetProperty("security-severity").GetString());
        Assert.AreEqual("Images must be signed by the release workflow (validation 0).", rules[1].GetProperty("shortDescription").GetProperty("text").GetString());
        Assert.AreEqual(1, run.GetProperty("results")[1].GetProperty("ruleIndex").GetInt32());
    }

    [TestMethod]
    public void Diagnostics_become_tool_notifications_and_input_errors_mark_the_run_unsuccessful()
    {
        var run = Run(Render(new RunResult([], [new Diagnostic(DiagnosticLevel.Error, "no apiVersion", new SourceSpan("/repo/bad.yaml", 2, 1))])));
        var invocation = run.GetProperty("invocations")[0];
        Assert.IsFalse(invocation.GetProperty("executionSuccessful").GetBoolean());
        var n = invocation.GetProperty("toolExecutionNotifications")[0];
        Assert.AreEqual("error", n.GetProperty("level").GetString());
        Assert.AreEqual("bad.yaml", n.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.AreEqual(0, run.GetProperty("results").GetArrayLength());
    }

    [TestMethod]
    public void Over_the_cap_the_most_severe_results_are_kept_in_input_order()
    {
        var findings = Enumerable.Range(0, 30).Select(i => Samples.Finding(name: $"p{i}", order: i,
            actions: [i % 3 == 0 ? ValidationAction.Deny : ValidationAction.Audit])).ToList();
        var run = Run(Render(new RunResult(findings), Samples.Options with { MaxSarifResults = 12 }));
        var results = run.GetProperty("results").EnumerateArray().ToList();
        Assert.AreEqual(12, results.Count);
        Assert.AreEqual(10, results.Count(r => r.GetProperty("level").GetString() == "error"));
        var names = results.Select(r => r.GetProperty("properties").GetProperty("resource").GetString()).ToList();
        CollectionAssert.AreEqual(new[] { "default/Pod/p0", "default/Pod/p1", "default/Pod/p2" }, names.Take(3).ToArray());
        StringAssert.Contains(run.GetProperty("invocations")[0].GetProperty("toolExecutionNotifications")[0]
            .GetProperty("message").GetProperty("text").GetString(), "18 less severe");
    }

    [TestMethod]
    public void Hostile_and_long_messages_stay_valid_json()
    {
        var finding = Samples.Finding(message: Samples.Hostile + new string('x', 100_000), policy: "p\u0001\"");
        var result = Run(Render(new RunResult([finding]), Samples.Options with { MaxMessageLength = 1000 })).GetProperty("results")[0];
        var text = result.GetProperty("message").GetProperty("text").GetString()!;
        StringAssert.Contains(text, Samples.Hostile);
        Assert.IsTrue(text.Length < 1200);
        Assert.AreEqual("IVPOL/p\u0001\"/validation-0", result.GetProperty("ruleId").GetString());
    }

    [TestMethod]
    public void Version_control_provenance_and_information_uri_are_written_when_given()
    {
        var options = Samples.Options with { RepositoryUri = "https://github.com/acme/app", Revision = "0123abc", InformationUri = "https://example.org/imagegate" };
        var run = Run(Render(new RunResult([Samples.Finding()]), options));
        var provenance = run.GetProperty("versionControlProvenance")[0];
        Assert.AreEqual("https://github.com/acme/app", provenance.GetProperty("repositoryUri").GetString());
        Assert.AreEqual("0123abc", provenance.GetProperty("revisionId").GetString());
        Assert.AreEqual("%SRCROOT%", provenance.GetProperty("mappedTo").GetProperty("uriBaseId").GetString());
        Assert.AreEqual("https://example.org/imagegate", run.GetProperty("tool").GetProperty("driver").GetProperty("informationUri").GetString());
        var plain = Run(Render(new RunResult([Samples.Finding()])));
        Assert.IsFalse(plain.TryGetProperty("versionControlProvenance", out _));
        Assert.IsFalse(plain.GetProperty("tool").GetProperty("driver").TryGetProperty("informationUri", out _));
    }

    [TestMethod]
    public void Suggested_pins_are_reported()
    {
        var pinned = "ghcr.io/acme/web:1.2.3@sha256:" + new string('b', 64);
        var finding = Samples.Finding() with { Images = [new ImageRef("ghcr.io/acme/web:1.2.3") { PinnedReference = pinned }] };
        var result = Run(Render(new RunResult([finding]))).GetProperty("results")[0];
        Assert.AreEqual(pinned, result.GetProperty("properties").GetProperty("suggestedImages")[0].GetString());
        StringAssert.Contains(result.GetProperty("message").GetProperty("text").GetString(), pinned);
    }

    [TestMethod]
    public void Rich_run_passes_the_sarif_multitool_with_github_rules()
    {
        using var files = new TestFiles("sarif-rich");
        var path = files.Write("rich.sarif", Samples.Render(new SarifReporter(Samples.Options with
        {
            InformationUri = "https://example.org/imagegate",
            RepositoryUri = "https://github.com/acme/app",
            Revision = "0123456789abcdef0123456789abcdef01234567",
        }), Samples.Rich()));
        SarifValidator.AssertValid(path);
        // Beyond errors: no warnings either, apart from the tool's own note that the network rule is off.
        var issues = SarifValidator.Validate(path);
        var warnings = issues.Where(i => i.Level == "warning" && i.RuleId != "WRN999.RuleExplicitlyDisabled").ToList();
        Assert.AreEqual(0, warnings.Count, string.Join("\n", warnings));
        // The remaining notes are advice (message arguments, snippets, help URIs); listed for whoever reads the log.
        foreach (var group in issues.GroupBy(i => (i.Level, i.RuleId)).OrderBy(g => g.Key.RuleId, StringComparer.Ordinal))
        {
            Console.WriteLine($"{group.Key.Level} {group.Key.RuleId}: {group.Count()}");
        }
    }

    private static JsonElement RuleById(JsonElement run, string id) =>
        run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("id").GetString() == id);

    private static JsonElement ResultFor(JsonElement run, string resource) =>
        run.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("properties").GetProperty("resource").GetString() == resource);

    [TestMethod]
    public void Each_policy_check_gets_its_own_rule_with_help_tags_precision_and_severity()
    {
        var run = Run(Render(Samples.Rich()));
        var validation = RuleById(run, "IVPOL/check-signature/validation-0");
        Assert.AreEqual("CheckSignatureValidation0", validation.GetProperty("name").GetString());
        Assert.AreEqual("Images must be signed by the release workflow (validation 0).", validation.GetProperty("shortDescription").GetProperty("text").GetString());
        StringAssert.Contains(validation.GetProperty("fullDescription").GetProperty("text").GetString(), "ImageValidatingPolicy check-signature: validation 0");
        StringAssert.Contains(validation.GetProperty("fullDescription").GetProperty("text").GetString(), "Category: Software Supply Chain Security.");
        var markdown = validation.GetProperty("help").GetProperty("markdown").GetString()!;
        StringAssert.StartsWith(markdown, "## ImageValidatingPolicy `check-signature`");
        StringAssert.Contains(markdown, "### How to fix");
        StringAssert.Contains(validation.GetProperty("help").GetProperty("text").GetString(), "To fix:");
        Assert.AreEqual("error", validation.GetProperty("defaultConfiguration").GetProperty("level").GetString());
        var properties = validation.GetProperty("properties");
        CollectionAssert.AreEqual(new[] { "security", "supply-chain", "kyverno", "validation", "Software Supply Chain Security" },
            properties.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ToArray());
        Assert.AreEqual("high", properties.GetProperty("precision").GetString());
        Assert.AreEqual("8.0", properties.GetProperty("security-severity").GetString(), "severity: high");
        Assert.AreEqual(0, properties.GetProperty("validationIndex").GetInt32());

        var digest = RuleById(run, "IVPOL/require-digest/verify-digest");
        Assert.AreEqual("very-high", digest.GetProperty("properties").GetProperty("precision").GetString());
        StringAssert.Contains(digest.GetProperty("help").GetProperty("text").GetString(), "repository@sha256:digest");
        StringAssert.Contains(RuleById(run, "IVPOL/require-verified/required").GetProperty("fullDescription").GetProperty("text").GetString(),
            "validationConfigurations.required");
        StringAssert.Contains(RuleById(run, "IVPOL/check-signature/evaluation").GetProperty("shortDescription").GetProperty("text").GetString(),
            "must compile and evaluate");
        Assert.AreEqual("9.5", RuleById(run, "NIVPOL/team/check-signature/validation-0").GetProperty("properties").GetProperty("security-severity").GetString());
        Assert.AreEqual("warning", RuleById(run, "IVPOL/policy-00/validation-0").GetProperty("defaultConfiguration").GetProperty("level").GetString());

        // Every result points at its rule by id and index, and rule ids are unique.
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.AreEqual(rules.Count, rules.Distinct().Count());
        foreach (var result in run.GetProperty("results").EnumerateArray())
        {
            Assert.AreEqual(rules[result.GetProperty("ruleIndex").GetInt32()], result.GetProperty("ruleId").GetString());
        }
    }

    [TestMethod]
    public void Security_severity_follows_the_severity_annotation_then_the_action()
    {
        string Severity(string? severity, ValidationAction action) =>
            SarifReporter.SecuritySeverity(Samples.Finding(actions: [action]) with { Severity = severity });
        Assert.AreEqual("9.5", Severity("Critical", ValidationAction.Audit));
        Assert.AreEqual("8.0", Severity("high", ValidationAction.Audit));
        Assert.AreEqual("5.5", Severity("medium", ValidationAction.Deny));
        Assert.AreEqual("3.0", Severity("low", ValidationAction.Deny));
        Assert.AreEqual("1.0", Severity("info", ValidationAction.Deny));
        Assert.AreEqual("8.0", Severity(null, ValidationAction.Deny));
        Assert.AreEqual("5.5", Severity("unknown", ValidationAction.Warn));
        Assert.AreEqual("3.0", Severity(null, ValidationAction.Audit));
    }

    [TestMethod]
    public void Result_messages_name_policy_check_resource_and_image()
    {
        var run = Run(Render(Samples.Rich()));
        Assert.AreEqual("Policy check-signature validation 0 failed for default/Pod/web, image ghcr.io/acme/web:1.2.3: "
            + "image ghcr.io/acme/web:1.2.3 failed signature verification.",
            ResultFor(run, "default/Pod/web").GetProperty("message").GetProperty("text").GetString());
        StringAssert.StartsWith(ResultFor(run, "default/Pod/digestless").GetProperty("message").GetProperty("text").GetString(),
            "Policy require-digest verifyDigest failed for default/Pod/digestless");
        StringAssert.Contains(ResultFor(run, "default/Pod/digestless").GetProperty("message").GetProperty("text").GetString(),
            "Suggested: pin ghcr.io/acme/web:1.2.3 to ghcr.io/acme/web:1.2.3@sha256:");
        StringAssert.StartsWith(ResultFor(run, "default/Pod/broken").GetProperty("message").GetProperty("text").GetString(),
            "Policy check-signature could not be evaluated for default/Pod/broken");
        StringAssert.Contains(ResultFor(run, "default/Pod/many-images").GetProperty("message").GetProperty("text").GetString(),
            "image ghcr.io/acme/img0:1 and 29 more:");
    }

    [TestMethod]
    public void Helm_image_lines_in_templates_are_exact_and_values_only_images_use_the_template_document()
    {
        var run = Run(Render(Samples.Rich()));
        var exact = ResultFor(run, "default/Deployment/chart-web");
        var physical = exact.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.AreEqual("charts/web/templates/deployment.yaml", physical.GetProperty("artifactLocation").GetProperty("uri").GetString());
        var region = physical.GetProperty("region");
        CollectionAssert.AreEqual(new[] { 21, 18, 21, 60 }, new[] { "startLine", "startColumn", "endLine", "endColumn" }.Select(k => region.GetProperty(k).GetInt32()).ToArray());
        Assert.IsFalse(exact.GetProperty("message").GetProperty("text").GetString()!.Contains("start of the chart template", StringComparison.Ordinal));
        var related = exact.GetProperty("relatedLocations").EnumerateArray()
            .Select(r => r.GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString()).ToList();
        CollectionAssert.Contains(related, "rendered/all.yaml", "the rendered document is related");
        CollectionAssert.Contains(related, "policies/check.yaml", "the policy is related");

        var approximate = ResultFor(run, "default/Deployment/chart-values");
        var at = approximate.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.AreEqual("charts/web/templates/worker.yaml", at.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.AreEqual(1, at.GetProperty("region").GetProperty("startLine").GetInt32());
        StringAssert.EndsWith(approximate.GetProperty("message").GetProperty("text").GetString(), "(The line is the start of the chart template's document.)");
    }

    [TestMethod]
    public void Fingerprints_survive_line_shifts_and_file_moves_but_follow_the_check_and_resource()
    {
        string Fingerprint(Finding f) => SarifReporter.Fingerprint(f);
        var baseline = Samples.Finding();
        var shifted = baseline with
        {
            Images = [new ImageRef("ghcr.io/acme/web:1.2.3") { Span = new SourceSpan("/repo/deploy/web.yaml", 57, 20, 57, 42) }],
            Resource = baseline.Resource with { Span = new SourceSpan("/repo/deploy/web.yaml", 50, 1, 70, 1) },
            PolicySpan = new SourceSpan("/repo/policies/check.yaml", 30, 1),
        };
        Assert.AreEqual(Fingerprint(baseline), Fingerprint(shifted));
        Assert.AreEqual(Fingerprint(baseline), Fingerprint(Samples.Finding(file: "/repo/moved/web.yaml")));
        Assert.AreEqual(Fingerprint(baseline), Fingerprint(baseline with { Message = "a reworded message" }));
        Assert.AreNotEqual(Fingerprint(baseline), Fingerprint(baseline with { ValidationIndex = 1 }), "another validation is another alert");
        Assert.AreNotEqual(Fingerprint(baseline), Fingerprint(baseline with { AutogenVariant = "autogen-cronjobs" }));
        Assert.AreNotEqual(Fingerprint(baseline), Fingerprint(Samples.Finding(ns: "prod")));
        Assert.AreNotEqual(Fingerprint(baseline), Fingerprint(Samples.Finding(image: "ghcr.io/acme/api:1.2.3")));

        // And the written files agree: the same fingerprint in two runs whose lines moved.
        string Written(Finding f) => Run(Render(new RunResult([f]))).GetProperty("results")[0]
            .GetProperty("partialFingerprints").GetProperty(SarifReporter.FingerprintKey).GetString()!;
        Assert.AreEqual(Written(baseline), Written(shifted));
        Assert.AreEqual(Fingerprint(baseline), Written(baseline));
    }

    [TestMethod]
    [DataRow("imagegate", "imagegate/")]
    [DataRow("imagegate/prod", "imagegate/prod/")]
    [DataRow("/k8s/", "k8s/")]
    [DataRow("  ", "imagegate/")]
    public void Automation_details_category_is_configurable(string category, string expected)
    {
        var run = Run(Render(new RunResult([Samples.Finding()]), Samples.Options with { SarifCategory = category }));
        Assert.AreEqual(expected, run.GetProperty("automationDetails").GetProperty("id").GetString());
    }

    [TestMethod]
    public void Related_locations_are_bounded()
    {
        var result = ResultFor(Run(Render(Samples.Rich())), "default/Pod/many-images");
        Assert.AreEqual(SarifReporter.MaxRelatedLocations, result.GetProperty("relatedLocations").GetArrayLength());
        Assert.AreEqual(30, result.GetProperty("properties").GetProperty("images").GetArrayLength());
    }

    [TestMethod]
    public void Results_over_the_cap_keep_deny_then_severity_and_say_so_in_the_invocation()
    {
        var run = Run(Render(Samples.Rich(), Samples.Options with { MaxSarifResults = 5 }));
        var results = run.GetProperty("results").EnumerateArray().ToList();
        Assert.AreEqual(5, results.Count);
        Assert.IsTrue(results.All(r => r.GetProperty("level").GetString() == "error"));
        var kept = results.Select(r => r.GetProperty("properties").GetProperty("resource").GetString()).ToList();
        CollectionAssert.Contains(kept, "default/Pod/team-web", "critical first");
        var note = run.GetProperty("invocations")[0].GetProperty("toolExecutionNotifications")[0];
        Assert.AreEqual("warning", note.GetProperty("level").GetString());
        StringAssert.Contains(note.GetProperty("message").GetProperty("text").GetString(), "were left out of this SARIF file to stay within 5 results");
    }

    [TestMethod]
    public void Huge_policy_annotations_keep_rule_texts_within_githubs_limits()
    {
        var finding = Samples.Finding() with { PolicyDescription = new string('d', 100_000), Category = new string('c', 10_000) };
        var rule = Run(Render(new RunResult([finding]))).GetProperty("tool").GetProperty("driver").GetProperty("rules")[0];
        Assert.IsTrue(rule.GetProperty("shortDescription").GetProperty("text").GetString()!.Length <= 1024);
        Assert.IsTrue(rule.GetProperty("fullDescription").GetProperty("text").GetString()!.Length <= 1024);
        Assert.IsTrue(rule.GetProperty("help").GetProperty("text").GetString()!.Length < 3000);
        Assert.IsTrue(rule.GetProperty("help").GetProperty("markdown").GetString()!.Length < 3000);
        Assert.IsTrue(rule.GetProperty("properties").GetProperty("tags").EnumerateArray().All(t => t.GetString()!.Length <= 64));
    }
}
