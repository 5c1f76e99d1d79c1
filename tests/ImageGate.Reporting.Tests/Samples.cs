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

    /// <summary>Text built to break naive formatters.</summary>
    public const string Hostile = "bad %25 % value\r\nnext:: line, with ]; and ::error::x\n<tag a=\"1\">&amp;</tag> ]]> `code` | pipe @admin \u0001\u001b\u007f end";

    public static string Render(IReporter reporter, RunResult result)
    {
        var writer = new StringWriter();
        reporter.Write(result, writer);
        return writer.ToString();
    }
}
