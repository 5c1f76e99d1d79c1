using System.Xml.Linq;
using ImageGate.Ci.GitHub.Runner;
using ImageGate.Ci.Publishing;
using ImageGate.Cli.Commands;
using ImageGate.Cli.Scan;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Sarif;
using ImageGate.TestSupport.Policies;

namespace ImageGate.Cli.Tests.Scan;

/// <summary><c>imagegate scan</c> in-process with GitHub's environment, on policies that need no registry.</summary>
[TestClass]
public sealed class ScanCommandTests
{
    private static readonly string DenyPolicy = TestPolicies.GhcrOnly;

    private static readonly string WarnPolicy =
        TestPolicies.PodPolicy("no-latest", "images.containers.all(i, !i.endsWith(':latest'))", "do not deploy latest", action: "Warn");

    private static readonly string Pods = TestManifests.Pods("a", ("ok", "ghcr.io/acme/app:1"), ("hub", "docker.io/library/nginx:1.27"), ("floating", "ghcr.io/acme/app:latest"));

    private sealed class Workspace : IDisposable
    {
        private readonly TestFiles files = new("scan-cli");

        public Workspace(string? denyPolicy = null)
        {
            files.Write("policies/deny.yaml", denyPolicy ?? DenyPolicy);
            files.Write("policies/warn.yaml", WarnPolicy);
            files.Write("deploy/pods.yaml", Pods);
            files.Write("event.json", """{"pull_request":{"number":42,"head":{"sha":"1111111111111111111111111111111111111111","repo":{"full_name":"acme/shop"}},"base":{"repo":{"full_name":"acme/shop"}}}}""");
            Environment = new Dictionary<string, string>
            {
                ["GITHUB_ACTIONS"] = "true",
                ["GITHUB_WORKSPACE"] = Root,
                ["GITHUB_REPOSITORY"] = "acme/shop",
                ["GITHUB_EVENT_NAME"] = "pull_request",
                ["GITHUB_EVENT_PATH"] = Path.Combine(Root, "event.json"),
                ["GITHUB_SHA"] = "2222222222222222222222222222222222222222",
                ["GITHUB_OUTPUT"] = Path.Combine(Root, "github-output"),
                ["GITHUB_STEP_SUMMARY"] = Path.Combine(Root, "step-summary.md"),
                ["INPUT_POLICIES"] = "policies/",
                ["INPUT_MANIFESTS"] = "deploy/**/*.yaml",
                ["INPUT_GITHUB-TOKEN"] = "ghs_0123456789abcdefSECRET",
            };
        }

        public string Root => files.Root;

        public void Write(string relative, string text) => files.Write(relative, text);

        public Dictionary<string, string> Environment { get; }

        public IReadOnlyDictionary<string, string> Outputs() => EnvironmentFiles.ParseOutputs(File.ReadAllText(Environment["GITHUB_OUTPUT"])).ToDictionary();

        public void Dispose() => files.Dispose();
    }

    [TestMethod]
    public void GitHubStepGetsMasksAnnotationsSummaryAndOutputs()
    {
        using var ws = new Workspace();
        var run = ScanRunner.Run(["scan"], ws.Root, ws.Environment);
        Assert.AreEqual(1, run.ExitCode, run.Stdout + run.Stderr);
        var lines = run.Stdout.Split('\n');
        Assert.AreEqual("::add-mask::ghs_0123456789abcdefSECRET", lines[0], "the token is masked before anything else is printed");
        StringAssert.StartsWith(lines[1], "::stop-commands::imagegate-", "the report, which quotes repository text, is not read for commands");
        Assert.AreEqual($"::{lines[1]["::stop-commands::".Length..]}::", lines.Single(l => l.StartsWith("::imagegate-", StringComparison.Ordinal)));
        CollectionAssert.Contains(lines,
            "::error file=deploy/pods.yaml,line=15,endLine=15,col=12,endColumn=40,title=ImageGate%3A ghcr-only (fail)::a/Pod/hub image docker.io/library/nginx:1.27: images must come from ghcr.io");
        CollectionAssert.Contains(lines,
            "::warning file=deploy/pods.yaml,line=23,endLine=23,col=12,endColumn=35,title=ImageGate%3A no-latest (fail)::a/Pod/floating image ghcr.io/acme/app:latest: do not deploy latest");
        Assert.AreEqual(1, lines.Count(l => l.StartsWith("::error", StringComparison.Ordinal)));
        Assert.AreEqual(1, lines.Count(l => l.StartsWith("::warning", StringComparison.Ordinal)));

        var outputs = ws.Outputs();
        Assert.AreEqual("fail", outputs["result"]);
        Assert.AreEqual("4", outputs["pass"]);
        Assert.AreEqual("2", outputs["fail"]);
        Assert.AreEqual("1", outputs["blocking"]);
        Assert.AreEqual("", outputs["sarif"]);

        var summary = File.ReadAllText(ws.Environment["GITHUB_STEP_SUMMARY"]);
        StringAssert.StartsWith(summary, "## ImageGate: ❌ 1 blocking finding(s)\n");
        StringAssert.Contains(summary, "| 4 | 2 | 0 | 0 | 0 | 1 |");
        StringAssert.Contains(summary, "[`deploy/pods.yaml:15`](https://github.com/acme/shop/blob/1111111111111111111111111111111111111111/deploy/pods.yaml#L15)");
        // The token appears only in its mask command.
        Assert.AreEqual(1, run.Stdout.Split("ghs_0123456789abcdefSECRET").Length - 1);
        Assert.DoesNotContain("ghs_0123456789abcdefSECRET", run.Stderr + summary + File.ReadAllText(ws.Environment["GITHUB_OUTPUT"]));
    }

    [TestMethod]
    [DataRow("deny", 1, "fail")]
    [DataRow("warn", 1, "fail")]
    [DataRow("never", 0, "pass")]
    public void FailOnDecidesTheExitCode(string failOn, int code, string result)
    {
        using var ws = new Workspace();
        ws.Environment["INPUT_FAIL-ON"] = failOn;
        var run = ScanRunner.Run(["scan"], ws.Root, ws.Environment);
        Assert.AreEqual(code, run.ExitCode, run.Stdout + run.Stderr);
        Assert.AreEqual(result, ws.Outputs()["result"]);
    }

    [TestMethod]
    public void WarnFindingsAloneFailOnlyUnderFailOnWarn()
    {
        using var ws = new Workspace();
        File.Delete(Path.Combine(ws.Root, "policies", "deny.yaml"));
        Assert.AreEqual(0, ScanRunner.Run(["scan"], ws.Root, ws.Environment).ExitCode);
        Assert.AreEqual(1, ScanRunner.Run(["scan", "--fail-on", "warn"], ws.Root, ws.Environment).ExitCode);
    }

    [TestMethod]
    public void BadInputExitsTwoWithAnErrorAnnotation()
    {
        using var ws = new Workspace();
        ws.Environment["INPUT_FAIL-ON"] = "sometimes";
        var run = ScanRunner.Run(["scan"], ws.Root, ws.Environment);
        Assert.AreEqual(2, run.ExitCode);
        StringAssert.Contains(run.Stdout, "::error title=ImageGate::input 'fail-on' (INPUT_FAIL-ON) does not accept 'sometimes'; use one of: deny, warn, never\n");
        StringAssert.Contains(run.Stderr, "error: input 'fail-on' (INPUT_FAIL-ON) does not accept 'sometimes'");
        Assert.IsFalse(File.Exists(ws.Environment["GITHUB_OUTPUT"]));
    }

    [TestMethod]
    public void InvalidPolicyExitsTwoWithResultError()
    {
        using var ws = new Workspace(DenyPolicy.Replace("resourceRules:", "resourceRulez:", StringComparison.Ordinal));
        var run = ScanRunner.Run(["scan", "--fail-on", "never"], ws.Root, ws.Environment);
        Assert.AreEqual(2, run.ExitCode, run.Stdout + run.Stderr);
        Assert.AreEqual("error", ws.Outputs()["result"]);
        StringAssert.Contains(run.Stdout, "::error file=policies/deny.yaml,line=");
    }

    [TestMethod]
    public void OutsideGitHubNoWorkflowCommandsOrFilesAreWritten()
    {
        using var ws = new Workspace();
        ws.Environment.Remove("GITHUB_ACTIONS");
        var run = ScanRunner.Run(["scan"], ws.Root, ws.Environment);
        Assert.AreEqual(1, run.ExitCode);
        Assert.DoesNotContain("::", run.Stdout);
        StringAssert.Contains(run.Stdout, "ghcr-only");
        Assert.IsFalse(File.Exists(ws.Environment["GITHUB_OUTPUT"]));
        Assert.IsFalse(File.Exists(ws.Environment["GITHUB_STEP_SUMMARY"]));
    }

    [TestMethod]
    public void FlagsAloneConfigureARun()
    {
        using var ws = new Workspace();
        var run = ScanRunner.Run(["scan", "--policies", "policies/deny.yaml", "deploy/pods.yaml", "-o", "junit", "--output", "reports/junit.xml", "--sarif", "reports/imagegate.sarif"],
            ws.Root, new Dictionary<string, string>());
        Assert.AreEqual(1, run.ExitCode, run.Stdout + run.Stderr);
        Assert.AreEqual("", run.Stdout);
        var junit = XDocument.Load(Path.Combine(ws.Root, "reports", "junit.xml"));
        Assert.AreEqual("3", junit.Root!.Attribute("tests")?.Value ?? junit.Root.Element("testsuite")?.Attribute("tests")?.Value);
        StringAssert.Contains(File.ReadAllText(Path.Combine(ws.Root, "reports", "imagegate.sarif")), "\"version\": \"2.1.0\"");
        SarifValidator.AssertValid(Path.Combine(ws.Root, "reports", "imagegate.sarif"));
    }

    [TestMethod]
    public void HelpListsTheInputs()
    {
        var run = CliRunner.Run(["scan", "--help"]);
        Assert.AreEqual(0, run.ExitCode);
        foreach (var option in new[] { "--policies", "--manifests", "--fail-on deny|warn|never", "--pin-digests", "--check-run", "--registry-mirrors", "--credential-providers" })
        {
            StringAssert.Contains(run.Stdout, option);
        }
        Assert.DoesNotContain("--github-token", run.Stdout, "secrets never come on the command line");
    }

    private sealed class RecordingPublisher(string name, Func<PublishRequest, PublishOutcome> publish) : IRunPublisher
    {
        public List<PublishRequest> Requests { get; } = [];

        public string Name => name;

        public Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return Task.FromResult(publish(request));
        }
    }

    [TestMethod]
    public void PublishersReceiveTheRunAndTheirNoticesReachTheLog()
    {
        using var ws = new Workspace();
        ws.Environment["INPUT_COMMENT"] = "true";
        ws.Environment["INPUT_SARIF"] = "out/imagegate.sarif";
        var comment = new RecordingPublisher("github-comment", _ => PublishOutcome.Skipped("fork pull request: read-only token"));
        var broken = new RecordingPublisher("github-check-run", _ => throw new HttpRequestException("connection refused"));
        PublisherContext? seen = null;
        var command = new ScanCommand(context =>
        {
            seen = context;
            return [comment, broken];
        });
        var run = ScanRunner.RunCommand(command, [], ws.Root, ws.Environment);
        Assert.AreEqual(1, run.ExitCode, "a publisher failure does not change the verdict");
        Assert.IsNotNull(seen);
        Assert.IsTrue(seen.Inputs.Comment);
        Assert.AreEqual("ghs_0123456789abcdefSECRET", seen.Inputs.GitHubToken);
        Assert.AreEqual(42, seen.GitHub.PullRequest?.Number);
        var request = comment.Requests.Single();
        Assert.AreEqual(1, request.Result.BlockingFindings().Count());
        StringAssert.StartsWith(request.MarkdownReport, "## ImageGate: ❌ 1 blocking finding(s)");
        Assert.AreEqual(Path.Combine(ws.Root, "out", "imagegate.sarif"), request.SarifPath);
        StringAssert.Contains(run.Stdout, "::notice title=ImageGate::github-comment: fork pull request: read-only token\n");
        StringAssert.Contains(run.Stdout, "::warning title=ImageGate::github-check-run: could not publish: connection refused\n");
    }

    [TestMethod]
    public void AzurePipelinesGetsSecretsMarkedAndIssuesLogged()
    {
        using var ws = new Workspace();
        ws.Environment.Remove("GITHUB_ACTIONS");
        ws.Environment["TF_BUILD"] = "True";
        ws.Environment.Remove("INPUT_GITHUB-TOKEN");
        ws.Environment["INPUT_ACCESS-TOKEN"] = "azp-token-0042";
        ws.Environment["INPUT_FAILON"] = "never";
        var run = ScanRunner.Run(["scan"], ws.Root, ws.Environment);
        Assert.AreEqual(0, run.ExitCode, run.Stdout + run.Stderr);
        Assert.StartsWith("##vso[task.setsecret]azp-token-0042\n", run.Stdout);
        StringAssert.Contains(run.Stdout, $"\n##vso[task.logissue type=error;sourcepath={Path.Combine(ws.Root, "deploy", "pods.yaml")};linenumber=15;columnnumber=12;code=IVPOL/ghcr-only/validation-0]ImageGate: ghcr-only (fail): a/Pod/hub image docker.io/library/nginx:1.27: images must come from ghcr.io\n");
        Assert.IsFalse(run.Stdout.Split('\n').Any(l => l.StartsWith("::", StringComparison.Ordinal)), "no GitHub workflow commands on Azure Pipelines");
    }

    [TestMethod]
    public void ManifestsFromStandardInput()
    {
        using var ws = new Workspace();
        File.Delete(Path.Combine(ws.Root, "deploy", "pods.yaml"));
        ws.Environment["INPUT_MANIFESTS"] = "-";
        var run = ScanRunner.Run(["scan"], ws.Root, ws.Environment, Pods);
        Assert.AreEqual(1, run.ExitCode, run.Stdout + run.Stderr);
        Assert.AreEqual("2", ws.Outputs()["fail"]);
        StringAssert.Contains(run.Stdout, "::a/Pod/hub image docker.io/library/nginx:1.27: images must come from ghcr.io\n");

        var apply = CliRunner.Run(["apply", Path.Combine(ws.Root, "policies", "deny.yaml"), "-r", "-", "-o", "json"], ws.Root, Pods);
        Assert.AreEqual(1, apply.ExitCode, apply.Stdout + apply.Stderr);
        StringAssert.Contains(apply.Stdout, "\"file\": \"<stdin>\"");
    }

    [TestMethod]
    public void RepositoryTextCannotActAsAWorkflowCommand()
    {
        using var ws = new Workspace();
        ws.Write("deploy/evil.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: evil, namespace: a}\nspec:\n  containers:\n  - name: c\n    image: \"::add-mask::x\"\n");
        var run = ScanRunner.Run(["scan", "--fail-on", "never"], ws.Root, ws.Environment);
        var lines = run.Stdout.Split('\n');
        var stop = Array.FindIndex(lines, l => l.StartsWith("::stop-commands::", StringComparison.Ordinal));
        var resume = Array.IndexOf(lines, $"::{lines[stop]["::stop-commands::".Length..]}::");
        Assert.IsGreaterThan(stop, resume);
        var quoted = Array.FindIndex(lines, l => l.TrimStart().StartsWith("image ::add-mask::x", StringComparison.Ordinal));
        Assert.IsTrue(quoted > stop && quoted < resume, "the image string is printed only while commands are stopped:\n" + run.Stdout);
        Assert.IsFalse(lines.Where((l, i) => i < stop || i > resume).Any(l => l.TrimStart().StartsWith("::add-mask::x", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void HelmFindingsLandOnTheChartTemplateImageLine()
    {
        using var ws = new Workspace();
        foreach (var folder in new[] { "charts", "rendered" })
        {
            foreach (var file in Directory.GetFiles(RepoPaths.Combine("examples", folder), "*", SearchOption.AllDirectories))
            {
                ws.Write(Path.Combine(folder, Path.GetRelativePath(RepoPaths.Combine("examples", folder), file)), File.ReadAllText(file));
            }
        }
        File.Delete(Path.Combine(ws.Root, "policies", "warn.yaml"));
        ws.Environment["INPUT_MANIFESTS"] = "rendered/web.yaml";
        ws.Environment["INPUT_CHART-ROOTS"] = "charts";
        var run = ScanRunner.Run(["scan"], ws.Root, ws.Environment);
        Assert.AreEqual(1, run.ExitCode, run.Stdout + run.Stderr);
        var errors = run.Stdout.Split('\n').Where(l => l.StartsWith("::error", StringComparison.Ordinal)).ToArray();
        CollectionAssert.AreEqual(new[]
        {
            "::error file=charts/web/templates/deployment.yaml,line=23,endLine=23,col=18,endColumn=74,title=ImageGate%3A ghcr-only (fail)::Deployment/shop-web (defaults) image ghcr.io/stefanprodan/podinfo:6.7.1: images must come from ghcr.io",
            "::error file=charts/web/templates/cronjob.yaml,line=17,endLine=17,col=17,endColumn=85,title=ImageGate%3A ghcr-only (fail)::CronJob/shop-web-backup (cronjobs) image docker.io/library/postgres:17.2: images must come from ghcr.io",
            "::error file=charts/web/templates/tests/test-connection.yaml,line=12,endLine=12,col=14,endColumn=44,title=ImageGate%3A ghcr-only (fail)::Pod/shop-web-test-connection image docker.io/library/busybox:1.36: images must come from ghcr.io",
        }, errors, run.Stdout);
    }

    [TestMethod]
    public void AnUnreadableCaFileNamesTheInput()
    {
        using var ws = new Workspace();
        ws.Write("ca.pem", "not a certificate");
        ws.Environment["INPUT_CA-FILE"] = "ca.pem";
        var run = ScanRunner.Run(["scan"], ws.Root, ws.Environment);
        Assert.AreEqual(2, run.ExitCode, run.Stdout + run.Stderr);
        StringAssert.Contains(run.Stdout, "::error title=ImageGate::input 'ca-file': ca.pem: ");
        StringAssert.Contains(run.Stderr, "error: input 'ca-file': ca.pem: ");
    }
}
