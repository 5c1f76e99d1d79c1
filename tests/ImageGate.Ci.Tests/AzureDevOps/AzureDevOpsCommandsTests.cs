using ImageGate.Ci.AzureDevOps;
using ImageGate.Reporting;

namespace ImageGate.Ci.Tests.AzureDevOps;

[TestClass]
public sealed class AzureDevOpsCommandsTests
{
    private static string Write(Action<TextWriter> write)
    {
        using var writer = new StringWriter();
        write(writer);
        return writer.ToString();
    }

    [TestMethod]
    public void Sarif_is_uploaded_to_the_artifact_the_scans_tab_reads()
    {
        var path = Path.GetFullPath(Path.Combine(Path.GetTempPath(), "staging", "CodeAnalysisLogs", "imagegate.sarif"));
        Assert.AreEqual($"##vso[artifact.upload containerfolder=CodeAnalysisLogs;artifactname=CodeAnalysisLogs]{path}\n",
            Write(w => AzureDevOpsCommands.UploadArtifact(w, path)));
    }

    [TestMethod]
    public void Property_values_and_messages_are_escaped()
    {
        Assert.AreEqual("##vso[artifact.upload containerfolder=a%3Bb%5D;artifactname=x%AZP25y]" + Path.GetFullPath("r.sarif") + "\n",
            Write(w => AzureDevOpsCommands.UploadArtifact(w, "r.sarif", "x%y", "a;b]")));
        Assert.AreEqual("##vso[task.complete result=Failed;]2 blocking%0Afinding(s) 100%AZP25\n",
            Write(w => AzureDevOpsCommands.TaskComplete(w, AzureTaskResult.Failed, "2 blocking\nfinding(s) 100%")));
        Assert.AreEqual("##vso[task.logissue type=warning]Azure DevOps refused%0D%0Ait\n",
            Write(w => AzureDevOpsCommands.Warning(w, "Azure DevOps refused\r\nit")));
    }

    [TestMethod]
    public void Task_result_follows_the_exit_code()
    {
        Finding F(Outcome o, ValidationAction a) => new()
        {
            Policy = "p",
            Resource = new ResourceRef("v1", "Pod", "ns", "web"),
            Result = o,
            Actions = [a],
        };
        Assert.AreEqual(AzureTaskResult.Failed, AzureDevOpsCommands.ResultFor(new RunResult([F(Outcome.Fail, ValidationAction.Deny)]), FailOn.Deny));
        Assert.AreEqual(AzureTaskResult.SucceededWithIssues, AzureDevOpsCommands.ResultFor(new RunResult([F(Outcome.Fail, ValidationAction.Warn)]), FailOn.Deny));
        Assert.AreEqual(AzureTaskResult.Failed, AzureDevOpsCommands.ResultFor(new RunResult([F(Outcome.Fail, ValidationAction.Warn)]), FailOn.Warn));
        Assert.AreEqual(AzureTaskResult.Succeeded, AzureDevOpsCommands.ResultFor(new RunResult([F(Outcome.Pass, ValidationAction.Deny)]), FailOn.Deny));
        Assert.AreEqual(AzureTaskResult.Failed,
            AzureDevOpsCommands.ResultFor(new RunResult([], [new Diagnostic(DiagnosticLevel.Error, "bad policy")]), FailOn.Never));
    }

    [TestMethod]
    public void Secrets_and_output_variables()
    {
        Assert.AreEqual("##vso[task.setsecret]s3cr%AZP25t\n", Write(w => AzureDevOpsCommands.SetSecret(w, "s3cr%t")));
        Assert.ThrowsExactly<ArgumentException>(() => AzureDevOpsCommands.SetSecret(TextWriter.Null, "line1\nline2"));
        Assert.AreEqual("##vso[task.setvariable variable=sarifFile;isoutput=true]/tmp/a.sarif\n",
            Write(w => AzureDevOpsCommands.SetOutputVariable(w, "sarifFile", "/tmp/a.sarif")));
        Assert.ThrowsExactly<ArgumentException>(() => AzureDevOpsCommands.SetOutputVariable(TextWriter.Null, "bad;name]", "x"));
    }
}
