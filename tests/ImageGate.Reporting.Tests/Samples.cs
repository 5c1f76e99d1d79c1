using ImageGate.Reporting;

namespace ImageGate.Reporting.Tests;

/// <summary>Findings used across the reporter tests.</summary>
internal static class Samples
{
    public const string Root = "/repo";

    public static readonly DateTimeOffset Timestamp = DateTimeOffset.FromUnixTimeSeconds(1_764_253_183);

    public static ReportOptions Options => new() { RepositoryRoot = Root, Timestamp = Timestamp, ToolVersion = "1.2.3" };

    public static Finding Finding(
        string policy = "check-signature",
        Outcome result = Outcome.Fail,
        ValidationAction[]? actions = null,
        string ns = "default",
        string name = "web",
        string kind = "Pod",
        string image = "ghcr.io/acme/web:1.2.3",
        string file = "/repo/deploy/web.yaml",
        int line = 12,
        string message = "image ghcr.io/acme/web:1.2.3 failed signature verification",
        long order = 0,
        bool scored = true) => new()
    {
        Policy = policy,
        Result = result,
        ValidationIndex = result == Outcome.Fail ? 0 : null,
        Actions = actions ?? [ValidationAction.Deny],
        Scored = scored,
        Message = message,
        InputOrder = order,
        Resource = new ResourceRef(kind == "Pod" ? "v1" : "apps/v1", kind, ns, name)
        {
            Span = new SourceSpan(file, line - 5, 1, line + 10, 1),
        },
        Images = [new ImageRef(image) { Span = new SourceSpan(file, line, 18, line, 18 + image.Length) }],
        PolicySpan = new SourceSpan("/repo/policies/check.yaml", 1, 1),
    };

    /// <summary>A run with one of each outcome and action.</summary>
    public static RunResult Mixed() => new(
        [
            Finding(result: Outcome.Pass, name: "ok", message: "success", order: 0),
            Finding(result: Outcome.Fail, name: "web", order: 1),
            Finding(result: Outcome.Fail, name: "warned", actions: [ValidationAction.Warn], order: 2),
            Finding(result: Outcome.Fail, name: "audited", actions: [ValidationAction.Audit], order: 3),
            Finding(result: Outcome.Error, name: "broken", message: "failed to evaluate policy: no such key", order: 4),
            Finding(result: Outcome.Skip, name: "excepted", message: "rule is skipped due to policy exception: default/allow", order: 5) with
            {
                Exceptions = ["allow"],
            },
            Finding(result: Outcome.Fail, name: "unscored", scored: false, order: 6),
        ])
    {
        PolicyCount = 1,
        ResourceCount = 7,
        ExceptionCount = 1,
    };

    /// <summary>A run with every kind of finding the reporters meet: each outcome and action, every policy check, Helm
    /// output mapped to chart templates, findings without manifest or any location, long and hostile messages, digest
    /// pins, autogen variants, namespaced policies, severities, many policies, files outside the repository, diagnostics.</summary>
    public static RunResult Rich()
    {
        var findings = new List<Finding>();
        var order = 0L;
        Finding Next(Finding f) => f with { InputOrder = order++ };

        findings.Add(Next(Finding(result: Outcome.Pass, name: "ok", message: "success")));
        findings.Add(Next(Finding(name: "web") with { Severity = "high", PolicyDescription = "Images must be signed by the release workflow.", Category = "Software Supply Chain Security" }));
        findings.Add(Next(Finding(name: "warned", actions: [ValidationAction.Warn]) with { Severity = "medium" }));
        findings.Add(Next(Finding(name: "audited", actions: [ValidationAction.Audit]) with { Severity = "low" }));
        findings.Add(Next(Finding(result: Outcome.Error, name: "broken", message: "failed to evaluate policy: policies/check.yaml:9: spec.validations[0].expression: no such key: x") with
        {
            PolicySpan = new SourceSpan("/repo/policies/check.yaml", 9, 19, 9, 60),
        }));
        findings.Add(Next(Finding(result: Outcome.Skip, name: "excepted", message: "rule is skipped due to policy exception: default/allow") with { Exceptions = ["default/allow"] }));
        findings.Add(Next(Finding(name: "unscored", scored: false)));
        findings.Add(Next(Finding(policy: "require-digest", name: "digestless", message: "image ghcr.io/acme/web:1.2.3 does not have a digest") with
        {
            ValidationIndex = null,
            Images = [new ImageRef("ghcr.io/acme/web:1.2.3")
            {
                Span = new SourceSpan("/repo/deploy/web.yaml", 12, 18, 12, 40),
                PinnedReference = "ghcr.io/acme/web:1.2.3@sha256:" + new string('a', 64),
            }],
        }));
        findings.Add(Next(Finding(policy: "require-verified", name: "unverified", message: "image ghcr.io/acme/web:1.2.3 is not verified: no policy performed a signature or attestation check on it") with
        {
            ValidationIndex = null,
        }));
        // Helm: the image line is in the chart template; the resource was read from the rendered output.
        findings.Add(Next(Finding(name: "chart-web", file: "/repo/rendered/all.yaml", line: 40) with
        {
            Resource = new ResourceRef("apps/v1", "Deployment", "default", "chart-web")
            {
                Span = new SourceSpan("/repo/rendered/all.yaml", 30, 1, 60, 1),
                TemplateSpan = new SourceSpan("/repo/charts/web/templates/deployment.yaml", 1, 1, 40, 1),
            },
            Images = [new ImageRef("ghcr.io/acme/web:1.2.3") { Span = new SourceSpan("/repo/charts/web/templates/deployment.yaml", 21, 18, 21, 60) }],
            AutogenVariant = "autogen-deployments",
        }));
        // Helm, image written in values only: the template document is the best place.
        findings.Add(Next(Finding(name: "chart-values", file: "/repo/rendered/all.yaml", line: 80) with
        {
            Resource = new ResourceRef("apps/v1", "Deployment", "default", "chart-values")
            {
                Span = new SourceSpan("/repo/rendered/all.yaml", 70, 1, 95, 1),
                TemplateSpan = new SourceSpan("/repo/charts/web/templates/worker.yaml", 1, 1, 30, 1),
            },
            Images = [new ImageRef("ghcr.io/acme/worker:2") { Span = new SourceSpan("/repo/rendered/all.yaml", 80, 18, 80, 39) }],
        }));
        // No manifest location: placed on the policy file.
        findings.Add(Next(Finding(result: Outcome.Error, name: "nowhere", message: "failed to compile policy: undeclared reference to 'imagez'") with
        {
            Images = [],
            Resource = new ResourceRef("v1", "Pod", "default", "nowhere"),
            PolicySpan = new SourceSpan("/repo/policies/check.yaml", 14, 7),
        }));
        // No location at all: a tool notification.
        findings.Add(Next(Finding(policy: "lost", name: "lost", actions: [ValidationAction.Warn]) with
        {
            Images = [],
            Resource = new ResourceRef("v1", "Pod", null, "lost"),
            PolicySpan = null,
        }));
        findings.Add(Next(Finding(name: "hostile", message: Hostile + " " + new string('é', 20_000), file: "/repo/my deploy/web #1.yaml")));
        findings.Add(Next(Finding(name: "outside", file: "/elsewhere/deploy.yaml")));
        findings.Add(Next(Finding(name: "team-web") with
        {
            Kind = PolicyKind.NamespacedImageValidatingPolicy,
            PolicyNamespace = "team",
            Severity = "critical",
        }));
        findings.Add(Next(Finding(name: "many-images") with
        {
            Images = [.. Enumerable.Range(0, 30).Select(i => new ImageRef($"ghcr.io/acme/img{i}:1") { Span = new SourceSpan("/repo/deploy/many.yaml", 10 + i, 18, 10 + i, 40) })],
        }));
        for (var p = 0; p < 40; p++)
        {
            findings.Add(Next(Finding(policy: $"policy-{p:D2}", name: $"app-{p}", line: 5 + p,
                actions: [p % 3 == 0 ? ValidationAction.Warn : ValidationAction.Deny]) with { ValidationIndex = p % 4, Severity = (p % 5) switch { 0 => "critical", 1 => "high", 2 => "medium", 3 => "low", _ => null } }));
        }
        return new RunResult(findings,
            [
                new Diagnostic(DiagnosticLevel.Error, "manifests/bad.yaml: mapping values are not allowed here", new SourceSpan("/repo/manifests/bad.yaml", 3, 7)),
                new Diagnostic(DiagnosticLevel.Warning, "policy field matchPolicy: Equivalent is not supported"),
                new Diagnostic(DiagnosticLevel.Notice, "2 documents without images were skipped"),
            ])
        {
            PolicyCount = 44,
            ResourceCount = findings.Count,
            ExceptionCount = 1,
        };
    }

    /// <summary>Text built to break naive formatters.</summary>
    public const string Hostile = "bad %25 % value\r\nnext:: line, with ]; and ::error::x\n<tag a=\"1\">&amp;</tag> ]]> `code` | pipe @admin \u0001\u001b\u007f end";

    public static string Render(IReporter reporter, RunResult result)
    {
        var writer = new StringWriter();
        reporter.Write(result, writer);
        return writer.ToString();
    }
}
