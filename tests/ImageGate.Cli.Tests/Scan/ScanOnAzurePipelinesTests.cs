using ImageGate.Ci.AzureDevOps;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Sarif;
using ImageGate.TestSupport.AzureDevOpsApi;
using ImageGate.TestSupport.Policies;

namespace ImageGate.Cli.Tests.Scan;

/// <summary><c>imagegate scan</c> in an Azure Pipelines job: logging commands, and the pull-request thread and status
/// sent to a loopback Azure DevOps REST API that checks each request.</summary>
[TestClass]
public sealed class ScanOnAzurePipelinesTests
{
    private const string Token = "ado-job-token-3e9b7a51c2";

    private static readonly string Policy = TestPolicies.GhcrOnly;

    private static string Pod(string image) => TestManifests.Pods("shop", ("web", image));

    private static void AssertTokenOnlyMarkedSecret(ScanRunner.Result run)
    {
        var lines = (run.Stdout + run.Stderr).Split('\n').Where(l => l.Contains(Token, StringComparison.Ordinal)).ToList();
        Assert.IsTrue(lines.All(l => l == "##vso[task.setsecret]" + Token), string.Join("\n", lines));
    }

    [TestMethod]
    public async Task Pull_request_build_gets_one_thread_updated_in_place_and_a_status_per_run()
    {
        await using var stub = new AzureDevOpsApiStub(Token);
        using var files = new TestFiles("scan-azure");
        files.Write("policies/ghcr-only.yaml", Policy);
        var manifest = files.Write("deploy/web.yaml", Pod("docker.io/library/nginx:1.27"));
        var env = stub.Environment();
        string[] args = ["scan", "--policies", "policies", "--manifests", "deploy", "--sarif", "out/imagegate.sarif", "--comment", "--pr-status"];

        var first = ScanRunner.Run(args, files.Root, env);
        Assert.AreEqual(1, first.ExitCode, first.Stdout + first.Stderr);
        var lines = first.Stdout.Split('\n');
        Assert.IsTrue(lines.Any(l => l.StartsWith($"##vso[task.logissue type=error;sourcepath={manifest};linenumber=", StringComparison.Ordinal)), first.Stdout);
        // A script step: scan publishes the SARIF file and sets the step result itself.
        CollectionAssert.Contains(lines, $"##vso[artifact.upload containerfolder=CodeAnalysisLogs;artifactname=CodeAnalysisLogs]{Path.Combine(files.Root, "out", "imagegate.sarif")}");
        CollectionAssert.Contains(lines, "##vso[task.complete result=Failed;]ImageGate: 1 blocking finding(s)");
        SarifValidator.AssertValid(Path.Combine(files.Root, "out", "imagegate.sarif"));
        var thread = stub.Threads.Single();
        Assert.AreEqual("active", thread.Status);
        Assert.AreEqual("default", thread.Properties[AzureDevOpsPublisherOptions.ThreadMarkerProperty]);
        StringAssert.Contains(thread.Comments.Single().Content, "images must come from ghcr.io");
        Assert.AreEqual("failed", stub.Statuses.Single().State);
        AssertTokenOnlyMarkedSecret(first);

        // The fix lands: the same thread is edited and resolved, and a new status says succeeded.
        File.WriteAllText(manifest, Pod("ghcr.io/acme/web:1.4"));
        var second = ScanRunner.Run(args, files.Root, env);
        Assert.AreEqual(0, second.ExitCode, second.Stdout + second.Stderr);
        Assert.AreSame(thread, stub.Threads.Single());
        Assert.AreEqual("fixed", thread.Status);
        Assert.DoesNotContain("images must come from ghcr.io", thread.Comments.Single().Content);
        CollectionAssert.AreEqual(new[] { "failed", "succeeded" }, stub.Statuses.Select(s => s.State).ToArray());
        CollectionAssert.Contains(second.Stdout.Split('\n'), "##vso[task.complete result=Succeeded;]ImageGate: no blocking findings");
        Assert.IsEmpty(stub.Violations, string.Join("\n", stub.Violations));
        AssertTokenOnlyMarkedSecret(second);
    }

    [TestMethod]
    public async Task Under_the_task_scan_leaves_artifact_and_result_to_the_task_and_a_refusal_is_a_notice()
    {
        await using var stub = new AzureDevOpsApiStub(Token)
        {
            Refuse = ("POST", "threads", 403, "TF401027: You need the Git 'PullRequestContribute' permission to perform this action."),
        };
        using var files = new TestFiles("scan-azure");
        files.Write("policies/ghcr-only.yaml", Policy);
        files.Write("deploy/web.yaml", Pod("docker.io/library/nginx:1.27"));
        var env = stub.Environment();
        env[AzureDevOpsStep.TaskMarkerVariable] = "true";

        var run = ScanRunner.Run(["scan", "--policies=policies", "--manifests=deploy", "--sarif=imagegate.sarif", "--comment"], files.Root, env);
        Assert.AreEqual(1, run.ExitCode, run.Stdout + run.Stderr);
        Assert.DoesNotContain("##vso[artifact.upload", run.Stdout);
        Assert.DoesNotContain("##vso[task.complete", run.Stdout);
        StringAssert.Contains(run.Stderr, "azure-devops-thread: Azure DevOps refused to create the pull-request thread (HTTP 403)");
        StringAssert.Contains(run.Stderr, "Contribute to pull requests");
        Assert.IsEmpty(stub.Threads);
        Assert.IsEmpty(stub.Statuses, "no status without pr-status");
        AssertTokenOnlyMarkedSecret(run);
    }

    [TestMethod]
    public void A_malformed_agent_variable_is_an_input_error()
    {
        using var files = new TestFiles("scan-azure");
        files.Write("policies/ghcr-only.yaml", Policy);
        files.Write("deploy/web.yaml", Pod("ghcr.io/acme/web:1"));
        var env = new Dictionary<string, string> { ["TF_BUILD"] = "True", ["SYSTEM_PULLREQUEST_PULLREQUESTID"] = "abc" };
        var run = ScanRunner.Run(["scan", "--policies", "policies", "--manifests", "deploy"], files.Root, env);
        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.Stderr, "SYSTEM_PULLREQUEST_PULLREQUESTID is not a pull-request id: 'abc'");
    }
}
