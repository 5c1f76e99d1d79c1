using System.Text;
using ImageGate.Ci.GitHub.Runner;
using ImageGate.Reporting;
using ImageGate.TestSupport;

namespace ImageGate.Ci.Tests.GitHub.Runner;

[TestClass]
public sealed class EnvironmentFilesTests
{
    [TestMethod]
    public void OutputsUseTheHeredocFormWithFreshDelimiters()
    {
        var text = EnvironmentFiles.FormatOutputs([new("result", "fail"), new("pinned-images", "a:1=a:1@sha256:aa\nb:2=b:2@sha256:bb"), new("sarif", "")]);
        var lines = text.Split('\n');
        StringAssert.Matches(lines[0], new System.Text.RegularExpressions.Regex("^result<<ghadelimiter_[0-9a-f-]{36}$"));
        Assert.AreEqual("fail", lines[1]);
        Assert.AreEqual(lines[0]["result<<".Length..], lines[2]);
        Assert.AreNotEqual(lines[0]["result<<".Length..], lines[3]["pinned-images<<".Length..], "each output has its own delimiter");
        var parsed = EnvironmentFiles.ParseOutputs(text);
        CollectionAssert.AreEqual(new[] { "result", "pinned-images", "sarif" }, parsed.Select(p => p.Key).ToArray());
        Assert.AreEqual("a:1=a:1@sha256:aa\nb:2=b:2@sha256:bb", parsed[1].Value);
        Assert.AreEqual("", parsed[2].Value);
    }

    [TestMethod]
    public void BadOutputNamesAreRefused()
    {
        Assert.ThrowsExactly<ArgumentException>(() => EnvironmentFiles.FormatOutputs([new("a\nb", "x")]));
        Assert.ThrowsExactly<ArgumentException>(() => EnvironmentFiles.FormatOutputs([new("a=b", "x")]));
    }

    [TestMethod]
    public void FilesAreAppendedAsUtf8WithoutBom()
    {
        using var files = new TestFiles("ci-envfiles");
        var output = files.Write("output", "earlier=1\n");
        EnvironmentFiles.AppendOutputs(output, [new("result", "pass")]);
        var parsed = EnvironmentFiles.ParseOutputs(File.ReadAllText(output));
        CollectionAssert.AreEqual(new[] { "earlier=1", "result=pass" }, parsed.Select(p => $"{p.Key}={p.Value}").ToArray());

        var summary = Path.Combine(files.Root, "summary.md");
        EnvironmentFiles.AppendSummary(summary, "## é one");
        EnvironmentFiles.AppendSummary(summary, "## two\n");
        var bytes = File.ReadAllBytes(summary);
        Assert.AreNotEqual(0xEF, bytes[0], "no BOM");
        Assert.AreEqual("## é one\n\n## two\n\n", Encoding.UTF8.GetString(bytes));
    }

    [TestMethod]
    public void MasksAreWrittenOncePerValueAndPerLine()
    {
        var stdout = new StringWriter();
        var commands = new WorkflowCommands(stdout);
        commands.AddMask("s3cr%t");
        commands.AddMask("s3cr%t");
        commands.AddMask("line-one\nline-two");
        commands.AddMask("  ");
        commands.AddMask("{\n  \"key\": \"k-1\"\n}");
        commands.Notice("done: 100%\nok", "ImageGate, scan");
        Assert.AreEqual(
            "::add-mask::s3cr%25t\n::add-mask::line-one%0Aline-two\n::add-mask::line-one\n::add-mask::line-two\n" +
            "::add-mask::{%0A  \"key\": \"k-1\"%0A}\n::add-mask::\"key\": \"k-1\"\n" +
            "::notice title=ImageGate%2C scan::done: 100%25%0Aok\n", stdout.ToString());
    }

    [TestMethod]
    public void StopCommandsUsesAFreshTokenAndResumes()
    {
        var stdout = new StringWriter();
        var commands = new WorkflowCommands(stdout);
        var first = commands.StopCommands();
        commands.ResumeCommands(first);
        var second = commands.StopCommands();
        Assert.AreNotEqual(first, second);
        StringAssert.Matches(first, new System.Text.RegularExpressions.Regex("^imagegate-[0-9a-f]{32}$"));
        Assert.AreEqual($"::stop-commands::{first}\n::{first}::\n::stop-commands::{second}\n", stdout.ToString());
    }

    private static RunResult Result(params (Outcome Outcome, ValidationAction Action)[] findings) =>
        new(findings.Select((f, i) => new Finding
        {
            Policy = "p" + i,
            Resource = new ResourceRef("v1", "Pod", "ns", "pod" + i),
            Result = f.Outcome,
            Actions = [f.Action],
        }));

    [TestMethod]
    [DataRow(FailOn.Deny, "fail", "1")]
    [DataRow(FailOn.Warn, "fail", "2")]
    [DataRow(FailOn.Never, "pass", "0")]
    public void ResultFollowsFailOn(FailOn failOn, string verdict, string blocking)
    {
        var result = Result((Outcome.Fail, ValidationAction.Deny), (Outcome.Fail, ValidationAction.Warn), (Outcome.Pass, ValidationAction.Deny));
        var outputs = ScanOutputs.Build(result, failOn, "out/imagegate.sarif", [new("nginx:1", "docker.io/nginx:1@sha256:ab")], ["deploy/app.yaml"]).ToDictionary();
        Assert.AreEqual(verdict, outputs["result"]);
        Assert.AreEqual(blocking, outputs["blocking"]);
        Assert.AreEqual("1", outputs["pass"]);
        Assert.AreEqual("2", outputs["fail"]);
        Assert.AreEqual("out/imagegate.sarif", outputs["sarif"]);
        Assert.AreEqual("nginx:1=docker.io/nginx:1@sha256:ab", outputs["pinned-images"]);
        Assert.AreEqual("deploy/app.yaml", outputs["pinned-files"]);
    }

    [TestMethod]
    public void InputErrorsMakeTheResultError()
    {
        var result = new RunResult([], [new Diagnostic(DiagnosticLevel.Error, "bad policy")]);
        Assert.AreEqual("error", ScanOutputs.Build(result, FailOn.Never, null, [], [])[0].Value);
    }
}
