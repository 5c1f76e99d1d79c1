using ImageGate.Ci.AzureDevOps;
using ImageGate.Reporting;
using ImageGate.TestSupport;

namespace ImageGate.Ci.Tests.AzureDevOps;

[TestClass]
public sealed class AzureDevOpsStepTests
{
    private static readonly Dictionary<string, string> Pipeline = new()
    {
        ["TF_BUILD"] = "True",
        ["SYSTEM_COLLECTIONURI"] = "https://dev.azure.com/contoso/",
        ["SYSTEM_TEAMPROJECTID"] = "p",
        ["BUILD_REPOSITORY_ID"] = "r",
    };

    private static Finding Failure(ValidationAction action) => new()
    {
        Policy = "require-signed-images",
        Resource = new ResourceRef("apps/v1", "Deployment", "shop", "web") { Span = new SourceSpan("deploy/web.yaml", 12, 7) },
        Result = Outcome.Fail,
        Actions = [action],
        Message = "image is not signed",
    };

    private static (AzureDevOpsStep Step, StringWriter Out) Step(Dictionary<string, string> env)
    {
        var writer = new StringWriter();
        var step = AzureDevOpsStep.Detect(n => env.GetValueOrDefault(n), writer);
        Assert.IsNotNull(step);
        return (step, writer);
    }

    [TestMethod]
    public void Outside_azure_pipelines_there_is_no_step()
    {
        Assert.IsNull(AzureDevOpsStep.Detect(n => n == "GITHUB_ACTIONS" ? "true" : null, TextWriter.Null));
        Assert.IsNull(AzureDevOpsStep.Detect(n => n == "TF_BUILD" ? "False" : null, TextWriter.Null));
    }

    [TestMethod]
    public void Script_step_publishes_sarif_and_sets_the_result()
    {
        using var files = new TestFiles("azure-step");
        var sarif = files.Write("CodeAnalysisLogs/imagegate.sarif", "{}");
        var (step, output) = Step(Pipeline);
        Assert.IsFalse(step.UnderTask);
        var result = new RunResult([Failure(ValidationAction.Deny)]);
        step.Finish(result, FailOn.Deny, sarif);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(2, lines, output.ToString());
        Assert.AreEqual($"##vso[artifact.upload containerfolder=CodeAnalysisLogs;artifactname=CodeAnalysisLogs]{sarif}", lines[0]);
        Assert.AreEqual("##vso[task.complete result=Failed;]ImageGate: 1 blocking finding(s)", lines[1]);
    }

    [TestMethod]
    public void Warn_findings_end_the_script_step_with_issues_and_no_sarif_means_no_upload()
    {
        var (step, output) = Step(Pipeline);
        step.Finish(new RunResult([Failure(ValidationAction.Warn)]), FailOn.Deny, "/nonexistent/imagegate.sarif");
        Assert.AreEqual("##vso[task.complete result=SucceededWithIssues;]ImageGate: 1 finding(s) that do not block\n", output.ToString());
    }

    [TestMethod]
    public void Under_the_task_the_task_publishes_and_sets_the_result()
    {
        var (step, output) = Step(new Dictionary<string, string>(Pipeline) { [AzureDevOpsStep.TaskMarkerVariable] = "true" });
        Assert.IsTrue(step.UnderTask);
        step.Finish(new RunResult([Failure(ValidationAction.Deny)]), FailOn.Deny, null);
        Assert.AreEqual("", output.ToString());
    }

    [TestMethod]
    public void Notices_become_warnings()
    {
        var (step, output) = Step(Pipeline);
        step.WriteNotice("azure-devops-thread", "Azure DevOps refused to create the pull-request thread (HTTP 403).");
        Assert.AreEqual(
            "##vso[task.logissue type=warning]azure-devops-thread: Azure DevOps refused to create the pull-request thread (HTTP 403).\n",
            output.ToString());
    }

    [TestMethod]
    public void Publishers_only_on_pull_request_builds()
    {
        var (ci, _) = Step(Pipeline);
        Assert.IsEmpty(ci.Publishers(thread: true, status: true, new ReportOptions()));
        var (pr, _) = Step(new Dictionary<string, string>(Pipeline) { ["SYSTEM_PULLREQUEST_PULLREQUESTID"] = "7" });
        CollectionAssert.AreEqual(new[] { "azure-devops-thread", "azure-devops-status" },
            pr.Publishers(thread: true, status: true, new ReportOptions()).Select(p => p.Name).ToArray());
        CollectionAssert.AreEqual(new[] { "azure-devops-status" },
            pr.Publishers(thread: false, status: true, new ReportOptions()).Select(p => p.Name).ToArray());
    }
}
