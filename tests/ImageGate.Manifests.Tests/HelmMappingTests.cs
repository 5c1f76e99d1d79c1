using ImageGate.TestSupport;

namespace ImageGate.Manifests.Tests;

[TestClass]
public sealed class HelmMappingTests
{
    private const string Template = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{ .Release.Name }}
        spec:
          template:
            spec:
              containers:
                - image: {{ printf "%s:%s" .Values.sidecar.repository .Values.sidecar.tag }}
                  name: sidecar
                - name: {{ .Chart.Name }}
                  image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
                - name: proxy
                  image: 'registry.k8s.io/pause:3.10'  # pinned
                {{- range .Values.extra }}
                - name: {{ .name }}
                  image:
                    {{ .image | quote }}
                {{- end }}

        """;

    private const string Rendered = """
        ---
        # Source: app/templates/deploy.yaml
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: rel
        spec:
          template:
            spec:
              containers:
                - image: ghcr.io/x/sidecar:2.0
                  name: sidecar
                - name: app
                  image: "ghcr.io/x/app:1.0"
                - name: proxy
                  image: 'registry.k8s.io/pause:3.10'  # pinned
                - name: one
                  image:
                    "docker.io/library/nginx:1.27"
                - name: two
                  image:
                    "docker.io/library/redis:7.4"

        """;

    private static TestFiles Chart(string chartFolder)
    {
        var files = new TestFiles("manifests");
        files.Write($"{chartFolder}/Chart.yaml", "apiVersion: v2\nname: app\nversion: 1.0.0\n");
        files.Write($"{chartFolder}/templates/deploy.yaml", Template);
        return files;
    }

    private static string[] TemplateLines(ManifestDocument doc) =>
        doc.Images.Select(i => $"{i.ContainerName}={i.Template}@{i.Template?.Span?.StartColumn}-{i.Template?.Span?.EndColumn}").ToArray();

    [TestMethod]
    public void ChartBesideTheRenderedFileIsFoundAndEachImageMapsToItsLine()
    {
        using var files = Chart("charts/app");
        files.Write("out/rendered.yaml", Rendered);
        var doc = new ManifestReader(new ManifestReaderOptions { WorkingDirectory = files.Root }).ReadFile("out/rendered.yaml").Single();
        Assert.AreEqual("app/templates/deploy.yaml", doc.Helm!.SourcePath);
        Assert.AreEqual("charts/app/templates/deploy.yaml:2", doc.Helm.Template!.ToString());
        CollectionAssert.AreEqual(
            new[]
            {
                "sidecar=charts/app/templates/deploy.yaml:9@18-85",
                "app=charts/app/templates/deploy.yaml:12@18-74",
                "proxy=charts/app/templates/deploy.yaml:14@18-46",
                "one=charts/app/templates/deploy.yaml:18@13-33",
                "two=charts/app/templates/deploy.yaml:18@13-33",
            },
            TemplateLines(doc),
            string.Join("\n", TemplateLines(doc)));
        Assert.AreEqual(new SourceSpan("out/rendered.yaml", 11, 18, 11, 39), doc.Images[0].Span);
    }

    [TestMethod]
    public void ConfiguredChartRootWins()
    {
        using var files = Chart("elsewhere/app");
        files.Write("out/rendered.yaml", Rendered);
        var reader = new ManifestReader(new ManifestReaderOptions { WorkingDirectory = files.Root, ChartRoots = ["elsewhere"] });
        var doc = reader.ReadFile("out/rendered.yaml").Single();
        Assert.AreEqual("elsewhere/app/templates/deploy.yaml:12", doc.Images[1].Template!.ToString());
    }

    [TestMethod]
    public void ChartFoundInTheInputTreeIsUsed()
    {
        using var files = Chart("src/helm/app-chart");
        files.Write("deep/a/b/c/d/e/f/g/h/i/rendered.yaml", Rendered);
        var result = Discovery.ManifestDiscovery.Discover(["deep", "src"], new Discovery.DiscoveryOptions { WorkingDirectory = files.Root, ContinueOnError = true });
        var doc = result.Documents.Single();
        Assert.AreEqual("src/helm/app-chart/templates/deploy.yaml:14", doc.Images[2].Template!.ToString());
        Assert.AreEqual("src", result.Errors.Single().File);
    }

    [TestMethod]
    public void MissingChartKeepsTheSourcePathWithoutTemplate()
    {
        using var files = new TestFiles("manifests");
        files.Write("rendered.yaml", Rendered);
        var doc = new ManifestReader(new ManifestReaderOptions { WorkingDirectory = files.Root }).ReadFile("rendered.yaml").Single();
        Assert.AreEqual("app", doc.Helm!.Chart);
        Assert.IsNull(doc.Helm.Template);
        Assert.IsTrue(doc.Images.All(i => i.Template is null));
    }

    [TestMethod]
    public void TemplateWithoutAMatchingLineMapsToTheFileItself()
    {
        using var files = new TestFiles("manifests");
        files.Write("app/Chart.yaml", "apiVersion: v2\nname: app\nversion: 1.0.0\n");
        files.Write("app/templates/deploy.yaml", "{{ include \"app.everything\" . }}\n");
        files.Write("rendered.yaml", Rendered);
        var doc = new ManifestReader(new ManifestReaderOptions { WorkingDirectory = files.Root }).ReadFile("rendered.yaml").Single();
        Assert.AreEqual("app/templates/deploy.yaml", doc.Helm!.Template!.ToString());
        Assert.IsNull(doc.Helm.Template.Span);
        Assert.IsTrue(doc.Images.All(i => i.Template is { Span: null, File: "app/templates/deploy.yaml" }));
    }

    [TestMethod]
    public void EachDocumentTakesTheSourceCommentJustAboveIt()
    {
        using var files = new TestFiles("manifests");
        files.Write("r.yaml", "---\n# Source: a/templates/one.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n---\n# Source: a/templates/empty.yaml\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n---\n# Source: a/templates/two.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\n");
        var docs = new ManifestReader(new ManifestReaderOptions { WorkingDirectory = files.Root }).ReadFile("r.yaml");
        CollectionAssert.AreEqual(
            new[] { "one:a/templates/one.yaml", "plain:a/templates/empty.yaml", "two:a/templates/two.yaml" },
            docs.Select(d => $"{d.Name}:{d.Helm?.SourcePath}").ToList());
    }
}
