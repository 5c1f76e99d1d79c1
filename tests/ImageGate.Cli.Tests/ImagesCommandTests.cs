using ImageGate.TestSupport;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace ImageGate.Cli.Tests;

[TestClass]
public sealed class ImagesCommandTests
{
    private const string Pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {0}\nspec:\n  containers:\n    - name: c\n      image: docker.io/library/nginx:1.27\n";

    [TestMethod]
    public void TableListsEveryImageWithFileLineWorkloadContainerAndList()
    {
        var result = CliRunner.Run(["images", "examples/manifests/pod.yaml", "examples/manifests/list.yaml"]);
        Assert.AreEqual(0, result.ExitCode, result.Stderr);
        Assert.AreEqual("", result.Stderr);
        Assert.AreEqual(
            """
            LOCATION                         WORKLOAD                  CONTAINER  LIST                 IMAGE                                         TEMPLATE
            examples/manifests/pod.yaml:9    Pod/ops/debug-shell       shell      containers           docker.io/library/busybox:1.36
            examples/manifests/pod.yaml:13   Pod/ops/debug-shell       debugger   ephemeralContainers  registry.k8s.io/e2e-test-images/agnhost:2.53
            examples/manifests/list.yaml:24  ReplicaSet/shop/frontend  php-redis  containers           registry.k8s.io/e2e-test-images/agnhost:2.53

            """.Replace("\r\n", "\n"),
            result.Stdout);
    }

    [TestMethod]
    public void HelmRenderedImagesShowTheirTemplateLine()
    {
        var result = CliRunner.Run(["images", "examples/rendered/web.yaml"]);
        Assert.AreEqual(0, result.ExitCode, result.Stderr);
        var rows = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(line => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            .ToList();
        CollectionAssert.AreEqual(
            new[]
            {
                "examples/rendered/web.yaml:47 Deployment/shop-web wait-for-cache initContainers docker.io/library/busybox:1.36 examples/charts/web/templates/deployment.yaml:19",
                "examples/rendered/web.yaml:51 Deployment/shop-web web containers ghcr.io/stefanprodan/podinfo:6.7.1 examples/charts/web/templates/deployment.yaml:23",
                "examples/rendered/web.yaml:57 Deployment/shop-web metrics containers quay.io/prometheus/statsd-exporter:v0.28.0 examples/charts/web/templates/deployment.yaml:29",
                "examples/rendered/web.yaml:82 CronJob/shop-web-backup backup containers docker.io/library/postgres:17.2 examples/charts/web/templates/cronjob.yaml:17",
                "examples/rendered/web.yaml:102 Pod/shop-web-test-connection wget containers docker.io/library/busybox:1.36 examples/charts/web/templates/tests/test-connection.yaml:12",
            },
            rows);
    }

    [TestMethod]
    public void WholeExamplesFolderListsEveryWorkload()
    {
        var result = CliRunner.Run(["images", "examples", "-o", "json"]);
        Assert.AreEqual(0, result.ExitCode, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var workloads = json.RootElement.GetProperty("workloads").EnumerateArray()
            .Where(w => w.GetProperty("file").GetString()!.StartsWith("examples/manifests/", StringComparison.Ordinal)
                || w.GetProperty("file").GetString()!.StartsWith("examples/rendered/", StringComparison.Ordinal))
            .ToList();
        Assert.HasCount(12, workloads);
        Assert.AreEqual(19, workloads.Sum(w => w.GetProperty("images").GetArrayLength()));
        CollectionAssert.IsSubsetOf(
            new[] { "Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "ReplicationController" },
            workloads.Select(w => w.GetProperty("kind").GetString()).Distinct().ToList());
        Assert.AreEqual(0, json.RootElement.GetProperty("summary").GetProperty("errors").GetInt32());
    }

    [TestMethod]
    public void JsonCarriesSpansAndTheHelmTemplate()
    {
        var result = CliRunner.Run(["images", "examples/rendered/web.yaml", "-o", "json"]);
        Assert.AreEqual(0, result.ExitCode, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var deployment = json.RootElement.GetProperty("workloads")[0];
        Assert.AreEqual("Deployment", deployment.GetProperty("kind").GetString());
        Assert.AreEqual(JsonValueKind.Null, deployment.GetProperty("namespace").ValueKind);
        Assert.AreEqual("web/templates/deployment.yaml", deployment.GetProperty("helm").GetProperty("source").GetString());
        var image = deployment.GetProperty("images")[1];
        Assert.AreEqual("ghcr.io/stefanprodan/podinfo:6.7.1", image.GetProperty("image").GetString());
        Assert.AreEqual("spec.template.spec.containers[0].image", image.GetProperty("fieldPath").GetString());
        Assert.AreEqual("51:18-51:54", $"{image.GetProperty("line")}:{image.GetProperty("column")}-{image.GetProperty("endLine")}:{image.GetProperty("endColumn")}");
        var template = image.GetProperty("template");
        Assert.AreEqual("examples/charts/web/templates/deployment.yaml", template.GetProperty("file").GetString());
        Assert.AreEqual("23:18-23:74", $"{template.GetProperty("line")}:{template.GetProperty("column")}-{template.GetProperty("endLine")}:{template.GetProperty("endColumn")}");
    }

    [TestMethod]
    public void InvalidYamlExitsTwoNamingFileLineColumn()
    {
        using var files = new TestFiles("cli");
        files.Write("bad.yaml", "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: x\n   image: y\n");
        var result = CliRunner.Run(["images", "bad.yaml"], files.Root);
        Assert.AreEqual(2, result.ExitCode);
        Assert.AreEqual("", result.Stdout);
        Assert.StartsWith("bad.yaml:6:4: error: invalid YAML: ", result.Stderr);
        Assert.AreEqual(1, result.Stderr.Count(c => c == '\n'));
    }

    [TestMethod]
    public void ContinueOnErrorReportsBadFilesAndListsTheRest()
    {
        using var files = new TestFiles("cli");
        files.Write("m/a.yaml", string.Format(Pod, "a"));
        files.Write("m/b.yaml", "kind: Pod\nmetadata: {name: [x}\n");
        files.Write("m/c.yaml", string.Format(Pod, "c"));
        var result = CliRunner.Run(["images", "m", "--continue-on-error"], files.Root);
        Assert.AreEqual(2, result.ExitCode);
        Assert.StartsWith("m/b.yaml:2:", result.Stderr);
        Assert.Contains("m/a.yaml:8", result.Stdout);
        Assert.Contains("m/c.yaml:8", result.Stdout);

        var json = CliRunner.Run(["images", "m", "--continue-on-error", "-o", "json"], files.Root);
        using var doc = JsonDocument.Parse(json.Stdout);
        Assert.AreEqual("m/b.yaml", doc.RootElement.GetProperty("errors")[0].GetProperty("file").GetString());
        Assert.AreEqual(2, doc.RootElement.GetProperty("workloads").GetArrayLength());
    }

    [TestMethod]
    public void MissingPathIsAnInputError()
    {
        using var files = new TestFiles("cli");
        var result = CliRunner.Run(["images", "nowhere.yaml"], files.Root);
        Assert.AreEqual(2, result.ExitCode);
        Assert.AreEqual("nowhere.yaml: error: no such file or folder\n", result.Stderr);
    }

    [TestMethod]
    public void StandardInputIsReadForDash()
    {
        var result = CliRunner.Run(["images", "-", "-o", "json"], stdin: string.Format(Pod, "piped"));
        Assert.AreEqual(0, result.ExitCode, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var workload = json.RootElement.GetProperty("workloads")[0];
        Assert.AreEqual("<stdin>", workload.GetProperty("file").GetString());
        Assert.AreEqual("piped", workload.GetProperty("name").GetString());
    }

    [TestMethod]
    public void AliasBombEndsWithinFiveSecondsWithExitTwo()
    {
        using var files = new TestFiles("cli");
        var text = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var i = 1; i <= 9; i++)
        {
            text.Append($"  a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        }
        files.Write("bomb.yaml", text.ToString());
        var watch = Stopwatch.StartNew();
        var result = CliRunner.Run(["images", "bomb.yaml"], files.Root);
        Assert.IsLessThan(5_000, watch.ElapsedMilliseconds);
        Assert.AreEqual(2, result.ExitCode);
        Assert.StartsWith("bomb.yaml:1:1: error: aliases expand this document beyond the limit of 1000000 nodes", result.Stderr);
    }

    [TestMethod]
    public void OversizedInputEndsWithinFiveSecondsWithExitTwo()
    {
        using var files = new TestFiles("cli");
        var path = files.Write("huge.yaml", "");
        using (var stream = File.OpenWrite(path))
        {
            stream.SetLength(33L * 1024 * 1024);
        }
        var watch = Stopwatch.StartNew();
        var result = CliRunner.Run(["images", "huge.yaml"], files.Root);
        Assert.IsLessThan(5_000, watch.ElapsedMilliseconds);
        Assert.AreEqual(2, result.ExitCode);
        Assert.AreEqual("huge.yaml: error: file is 34603008 bytes, larger than the limit of 33554432 bytes\n", result.Stderr);
    }

    [TestMethod]
    public void VerbosityControlsLogsOnStandardError()
    {
        using var files = new TestFiles("cli");
        files.Write("a.yaml", "name: not-kubernetes\n---\n" + string.Format(Pod, "a"));
        var normal = CliRunner.Run(["images", "a.yaml"], files.Root);
        Assert.AreEqual("", normal.Stderr);
        var detailed = CliRunner.Run(["images", "a.yaml", "--verbosity", "detailed"], files.Root);
        Assert.AreEqual(
            "info: a.yaml:1:1: skipped document 0: no apiVersion/kind, not a Kubernetes object\ninfo: read 1 files: 1 workloads, 1 images\n",
            detailed.Stderr);
        var before = CliRunner.Run(["--verbosity", "detailed", "images", "a.yaml"], files.Root);
        Assert.AreEqual(detailed.Stderr, before.Stderr);
        Assert.AreEqual(normal.Stdout, detailed.Stdout);
    }

    [TestMethod]
    public void ExcludeAndOutputFileWork()
    {
        using var files = new TestFiles("cli");
        files.Write("d/a.yaml", string.Format(Pod, "a"));
        files.Write("d/skip/b.yaml", string.Format(Pod, "b"));
        var result = CliRunner.Run(["images", "d", "--exclude", "skip", "-o", "json", "--output", "out.json"], files.Root);
        Assert.AreEqual(0, result.ExitCode, result.Stderr);
        Assert.AreEqual("", result.Stdout);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(files.Root, "out.json")));
        Assert.AreEqual("a", json.RootElement.GetProperty("workloads").EnumerateArray().Single().GetProperty("name").GetString());
    }

    [TestMethod]
    public void HelmOutputWithoutItsChartShowsTheSourcePathAndChartRootFindsIt()
    {
        using var files = new TestFiles("cli");
        File.Copy(Path.Combine(ImageGate.TestSupport.RepoPaths.Root, "examples/rendered/web.yaml"), Path.Combine(files.Root, "web.yaml"));
        var result = CliRunner.Run(["images", "web.yaml"], files.Root);
        Assert.AreEqual(0, result.ExitCode, result.Stderr);
        Assert.Contains("web/templates/deployment.yaml (chart not found; see --chart-root)", result.Stdout);

        var charts = Path.Combine(ImageGate.TestSupport.RepoPaths.Root, "examples", "charts");
        var found = CliRunner.Run(["images", "web.yaml", "--chart-root", charts], files.Root);
        Assert.AreEqual(0, found.ExitCode, found.Stderr);
        Assert.Contains("/examples/charts/web/templates/deployment.yaml:23", found.Stdout);
        Assert.DoesNotContain("chart not found", found.Stdout);
    }

    [TestMethod]
    public void NoWorkloadsSaysSo()
    {
        using var files = new TestFiles("cli");
        files.Write("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n");
        var result = CliRunner.Run(["images", "cm.yaml"], files.Root);
        Assert.AreEqual(0, result.ExitCode);
        Assert.AreEqual("No workloads found.\n", result.Stdout);
    }
}
