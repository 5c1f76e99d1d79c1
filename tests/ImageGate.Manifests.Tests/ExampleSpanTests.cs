using ImageGate.Manifests.Discovery;
using ImageGate.TestSupport;

namespace ImageGate.Manifests.Tests;

[TestClass]
public sealed class ExampleSpanTests
{
    /// <summary>Every workload and image of examples/, with exact spans and, for the Helm-rendered stream,
    /// the chart template span each maps back to.</summary>
    private static readonly string[] Expected =
    [
            "examples/manifests/cronjob.yaml:1:1-16:58 CronJob/reports/nightly-report",
            "  examples/manifests/cronjob.yaml:15:22-15:56 report containers docker.io/library/python:3.13-slim spec.jobTemplate.spec.template.spec.containers[0].image",
            "examples/manifests/cronjob.yaml:18:1-30:40 Job/reports/db-migrate",
            "  examples/manifests/cronjob.yaml:29:18-29:49 migrate containers docker.io/library/postgres:17.2 spec.template.spec.containers[0].image",
            "examples/manifests/deployment.yaml:2:1-31:34 Deployment/shop/storefront",
            "  examples/manifests/deployment.yaml:21:18-21:52 migrate initContainers ghcr.io/stefanprodan/podinfo:6.7.1 spec.template.spec.initContainers[0].image",
            "  examples/manifests/deployment.yaml:25:18-25:46 web containers docker.io/library/nginx:1.27 spec.template.spec.containers[0].image",
            "  examples/manifests/deployment.yaml:29:18-29:120 app containers ghcr.io/stefanprodan/podinfo@sha256:1e2d11a23c4bcd8b1fc4b3d1ab7e7ac8bfe5e8a0e1b1f57ad1f3e3c4d2b6a9f0 spec.template.spec.containers[1].image",
            "examples/manifests/kustomize-build.yaml:33:1-64:19 Deployment/checkout/prod-checkout",
            "  examples/manifests/kustomize-build.yaml:59:16-59:50 checkout containers ghcr.io/stefanprodan/podinfo:6.7.1 spec.template.spec.containers[0].image",
            "  examples/manifests/kustomize-build.yaml:63:16-63:64 edge containers registry.k8s.io/ingress-nginx/controller:v1.12.0 spec.template.spec.containers[1].image",
            "examples/manifests/list.yaml:7:5-24:66 ReplicaSet/shop/frontend",
            "  examples/manifests/list.yaml:24:22-24:66 php-redis containers registry.k8s.io/e2e-test-images/agnhost:2.53 items[0].spec.template.spec.containers[0].image",
            "examples/manifests/multi-doc.yaml:13:1-30:45 StatefulSet/shop/cache",
            "  examples/manifests/multi-doc.yaml:30:18-30:45 redis containers docker.io/library/redis:7.4 spec.template.spec.containers[0].image",
            "examples/manifests/multi-doc.yaml:34:1-53:54 DaemonSet/kube-system/node-agent",
            "  examples/manifests/multi-doc.yaml:50:18-50:44 setup initContainers registry.k8s.io/pause:3.10 spec.template.spec.initContainers[0].image",
            "  examples/manifests/multi-doc.yaml:53:18-53:54 agent containers registry.k8s.io/kube-proxy:v1.32.0 spec.template.spec.containers[0].image",
            "examples/manifests/pod.yaml:1:1-15:23 Pod/ops/debug-shell",
            "  examples/manifests/pod.yaml:9:14-9:44 shell containers docker.io/library/busybox:1.36 spec.containers[0].image",
            "  examples/manifests/pod.yaml:13:14-13:58 debugger ephemeralContainers registry.k8s.io/e2e-test-images/agnhost:2.53 spec.ephemeralContainers[0].image",
            "examples/manifests/replication-controller.json:1:1-15:93 ReplicationController/legacy/legacy-web",
            "  examples/manifests/replication-controller.json:15:31-15:61 web containers docker.io/library/nginx:1.27 spec.template.spec.containers[0].image",
            "examples/rendered/web.yaml:23:1-60:34 Deployment/shop-web <= examples/charts/web/templates/deployment.yaml:2:1-2:17",
            "  examples/rendered/web.yaml:47:18-47:50 wait-for-cache initContainers docker.io/library/busybox:1.36 spec.template.spec.initContainers[0].image <= examples/charts/web/templates/deployment.yaml:19:18-19:50",
            "  examples/rendered/web.yaml:51:18-51:54 web containers ghcr.io/stefanprodan/podinfo:6.7.1 spec.template.spec.containers[0].image <= examples/charts/web/templates/deployment.yaml:23:18-23:74",
            "  examples/rendered/web.yaml:57:18-57:62 metrics containers quay.io/prometheus/statsd-exporter:v0.28.0 spec.template.spec.containers[1].image <= examples/charts/web/templates/deployment.yaml:29:18-29:53",
            "examples/rendered/web.yaml:63:1-84:47 CronJob/shop-web-backup <= examples/charts/web/templates/cronjob.yaml:2:1-2:14",
            "  examples/rendered/web.yaml:82:22-84:1 backup containers docker.io/library/postgres:17.2 spec.jobTemplate.spec.template.spec.containers[0].image <= examples/charts/web/templates/cronjob.yaml:17:17-17:85",
            "examples/rendered/web.yaml:87:1-105:23 Pod/shop-web-test-connection <= examples/charts/web/templates/tests/test-connection.yaml:2:1-2:10",
            "  examples/rendered/web.yaml:102:14-102:44 wget containers docker.io/library/busybox:1.36 spec.containers[0].image <= examples/charts/web/templates/tests/test-connection.yaml:12:14-12:44",
    ];

    [TestMethod]
    public void ExamplesHaveExactSpansForEveryWorkloadAndImage()
    {
        var result = ManifestDiscovery.Discover(["examples"], new DiscoveryOptions { WorkingDirectory = RepoPaths.Root });
        var actual = new List<string>();
        foreach (var doc in result.Documents.Where(d => Workloads.WorkloadImages.IsWorkload(d.Kind) && IsOurs(d.File)))
        {
            var template = doc.Helm is null ? "" : Describe(doc.Helm.Template);
            actual.Add($"{Range(doc.Span)} {doc.DisplayName}{template}");
            foreach (var image in doc.Images)
            {
                var imageTemplate = doc.Helm is null ? "" : Describe(image.Template);
                actual.Add($"  {Range(image.Span)} {image.ContainerName} {image.ListName} {image.Image} {image.FieldPath}{imageTemplate}");
            }
        }
        CollectionAssert.AreEqual(Expected, actual, "actual:\n" + string.Join("\n", actual));
        Assert.IsEmpty(result.Errors);
    }

    [TestMethod]
    public void ExamplesAreReadInSortedOrderAndChartTemplatesAreNotReadAsManifests()
    {
        var result = ManifestDiscovery.Discover(["examples"], new DiscoveryOptions { WorkingDirectory = RepoPaths.Root });
        var files = result.Files.Where(f => IsOurs(f)).ToList();
        CollectionAssert.AreEqual(
            new[]
            {
                "examples/manifests/cronjob.yaml",
                "examples/manifests/deployment.yaml",
                "examples/manifests/kustomize-build.yaml",
                "examples/manifests/list.yaml",
                "examples/manifests/multi-doc.yaml",
                "examples/manifests/pod.yaml",
                "examples/manifests/replication-controller.json",
                "examples/rendered/web.yaml",
            },
            files);
        CollectionAssert.AreEqual(files, files.Order(StringComparer.Ordinal).ToList());
    }

    [TestMethod]
    public void HelmObjectsKeepTheirSourceCommentAndChart()
    {
        var docs = new ManifestReader(new ManifestReaderOptions { WorkingDirectory = RepoPaths.Root }).ReadFile("examples/rendered/web.yaml");
        CollectionAssert.AreEqual(
            new[]
            {
                "Service shop-web web/templates/service.yaml 3",
                "Deployment shop-web web/templates/deployment.yaml 23",
                "CronJob shop-web-backup web/templates/cronjob.yaml 63",
                "Pod shop-web-test-connection web/templates/tests/test-connection.yaml 87",
            },
            docs.Select(d => $"{d.Kind} {d.Name} {d.Helm?.SourcePath} {d.Span.StartLine}").ToList());
        Assert.IsTrue(docs.All(d => d.Helm!.Chart == "web"));
        Assert.AreEqual("examples/charts/web/templates/service.yaml:2", docs[0].Helm!.Template!.ToString());
    }

    [TestMethod]
    public void ListItemsAndOtherKindsAreObjectsWithTheirOwnSpans()
    {
        var docs = new ManifestReader(new ManifestReaderOptions { WorkingDirectory = RepoPaths.Root }).ReadFile("examples/manifests/list.yaml");
        Assert.HasCount(2, docs);
        Assert.AreEqual("ConfigMap/shop/frontend-config", docs[1].DisplayName);
        Assert.AreEqual(1, docs[1].ItemIndex);
        Assert.AreEqual(new SourceSpan("examples/manifests/list.yaml", 25, 5, 31, 23), docs[1].Span);
        Assert.IsEmpty(docs[1].Images);
        Assert.AreEqual("items[1].", docs[1].FieldPrefix);
    }

    [TestMethod]
    public void MultiDocumentFileCountsEmptyDocumentsInTheIndex()
    {
        var docs = new ManifestReader(new ManifestReaderOptions { WorkingDirectory = RepoPaths.Root }).ReadFile("examples/manifests/multi-doc.yaml");
        CollectionAssert.AreEqual(new[] { "Service:0", "StatefulSet:1", "DaemonSet:3" }, docs.Select(d => $"{d.Kind}:{d.DocumentIndex}").ToList());
    }

    [TestMethod]
    public void KustomizeOutputGivesEveryObject()
    {
        var docs = new ManifestReader(new ManifestReaderOptions { WorkingDirectory = RepoPaths.Root }).ReadFile("examples/manifests/kustomize-build.yaml");
        CollectionAssert.AreEqual(
            new[] { "Namespace/checkout", "ConfigMap/checkout/prod-checkout-config-7g8bhbk5f4", "Service/checkout/prod-checkout", "Deployment/checkout/prod-checkout" },
            docs.Select(d => d.DisplayName).ToList());
        Assert.AreEqual("base/deployment.yaml", docs[3].KustomizeOrigin);
        Assert.IsNull(docs[2].KustomizeOrigin);
    }

    // Other folders of examples/ (policies, tests) belong to other parts of the project.
    private static bool IsOurs(string file) =>
        file.StartsWith("examples/manifests/", StringComparison.Ordinal) || file.StartsWith("examples/rendered/", StringComparison.Ordinal);

    private static string Range(SourceSpan s) => $"{s.File}:{s.StartLine}:{s.StartColumn}-{s.EndLine}:{s.EndColumn}";

    private static string Describe(TemplateLocation? t) => t is null ? "" : t.Span is { } s ? " <= " + Range(s) : " <= " + t.File;
}
