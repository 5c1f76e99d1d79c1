using System.Diagnostics;
using System.Text;
using ImageGate.Manifests.Yaml;

namespace ImageGate.Manifests.Tests;

[TestClass]
public sealed class YamlLoaderTests
{
    [TestMethod]
    public void MarksAreOneBasedAndEndColumnIsExclusive()
    {
        var docs = YamlLoader.Load("kind: Pod\nimage: \"ghcr.io/a/b:1\"\n", "x.yaml");
        var root = (YamlDotNet.RepresentationModel.YamlMappingNode)docs[0].Root;
        Assert.AreEqual(new SourceSpan("x.yaml", 2, 8, 2, 23), YamlNodes.SpanOf(root.Get("image")!, "x.yaml"));
        Assert.AreEqual(new SourceSpan("x.yaml", 1, 1, 2, 23), YamlNodes.SpanOf(root, "x.yaml"));
    }

    [TestMethod]
    [DataRow("a: b\n  c: d\n", 2, 4, "found invalid mapping")]
    [DataRow("a: [\nb: c\n", 2, 1, "cannot be parsed")]
    [DataRow("a: b\na: c\n", 2, 1, "Duplicate key")]
    [DataRow("a: *missing\n", 1, 4, "anchor 'missing' is not defined")]
    [DataRow("a: 1\nb:\n  - *gone\n", 3, 5, "gone")]
    [DataRow("spec:\n  containers:\n  - name: x\n   image: y\n", 4, 4, "invalid YAML")]
    public void InvalidYamlNamesLineColumnAndReason(string text, int line, int column, string reason)
    {
        var error = Assert.ThrowsExactly<ManifestException>(() => YamlLoader.Load(text, "bad.yaml"));
        Assert.AreEqual("bad.yaml", error.File);
        Assert.AreEqual(line, error.Line, error.Message);
        Assert.AreEqual(column, error.Column, error.Message);
        Assert.Contains(reason, error.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith($"bad.yaml:{line}:{column}: invalid YAML", error.Message);
    }

    [TestMethod]
    public void BillionLaughsEndsQuicklyWithAClearError()
    {
        var text = new StringBuilder("a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var i = 1; i <= 9; i++)
        {
            text.Append($"a{i}: &a{i} [{string.Join(',', Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        }
        var watch = Stopwatch.StartNew();
        var error = Assert.ThrowsExactly<ManifestException>(() => YamlLoader.Load(text.ToString(), "bomb.yaml"));
        Assert.IsLessThan(5_000, watch.ElapsedMilliseconds);
        Assert.Contains("billion laughs", error.Reason);
        Assert.AreEqual(1, error.Line);
    }

    [TestMethod]
    public void ModestAliasesAreAccepted()
    {
        var docs = YamlLoader.Load("base: &b {image: nginx}\ncopy: *b\n", "ok.yaml");
        Assert.HasCount(1, docs);
    }

    [TestMethod]
    public void RecursiveAliasIsRejected()
    {
        var error = Assert.ThrowsExactly<ManifestException>(() => YamlLoader.Load("a: &x [1, *x]\n", "loop.yaml"));
        Assert.Contains("recursive alias", error.Reason);
    }

    [TestMethod]
    public void OversizedDocumentEndsQuicklyWithAClearError()
    {
        var limits = new ManifestLimits { MaxDocumentChars = 256 * 1024 };
        var text = new StringBuilder("kind: ConfigMap\ndata:\n");
        for (var i = 0; text.Length < 512 * 1024; i++)
        {
            text.Append($"  key{i}: value-{i}\n");
        }
        var watch = Stopwatch.StartNew();
        var error = Assert.ThrowsExactly<ManifestException>(() => YamlLoader.Load(text.ToString(), "big.yaml", limits));
        Assert.IsLessThan(5_000, watch.ElapsedMilliseconds);
        Assert.Contains("document is larger than the limit of 262144 characters", error.Reason);
        Assert.IsNotNull(error.Line);
    }

    [TestMethod]
    public void DeepNestingIsRejected()
    {
        var text = new string('[', 10_000) + new string(']', 10_000);
        var error = Assert.ThrowsExactly<ManifestException>(() => YamlLoader.Load(text, "deep.yaml"));
        Assert.Contains("nesting deeper than 200 levels", error.Reason);
        Assert.AreEqual(1, error.Line);
        Assert.AreEqual(201, error.Column);
    }

    [TestMethod]
    public void TooManyDocumentsAreRejected()
    {
        var text = string.Concat(Enumerable.Repeat("---\na: 1\n", 11));
        var error = Assert.ThrowsExactly<ManifestException>(() => YamlLoader.Load(text, "many.yaml", new ManifestLimits { MaxDocumentsPerFile = 10 }));
        Assert.Contains("more than 10 documents", error.Reason);
        Assert.AreEqual(21, error.Line);
    }

    [TestMethod]
    public void FieldPathsFindNodesAndTheirSpans()
    {
        var root = YamlLoader.Load("spec:\n  attestors:\n    - name: a\n    - name: b\n      cosign:\n        key: {data: x}\n", "p.yaml")[0].Root;
        Assert.AreEqual(new SourceSpan("p.yaml", 6, 21, 6, 22), YamlNodes.SpanOf(YamlNodes.At(root, "spec.attestors[1].cosign.key.data")!, "p.yaml"));
        Assert.AreEqual("a", ((YamlDotNet.RepresentationModel.YamlScalarNode)YamlNodes.At(root, "spec.attestors[0].name")!).Value);
        Assert.IsNull(YamlNodes.At(root, "spec.attestors[2]"));
        Assert.IsNull(YamlNodes.At(root, "spec.missing.x"));
    }

    [TestMethod]
    public void MergeKeysAreResolvedSoImagesCannotHideBehindThem()
    {
        const string text = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: merged
            x-defaults: &defaults
              image: docker.io/library/nginx:1.27
              name: default
            spec:
              containers:
                - <<: *defaults
                  name: web
                - <<: [{image: "registry.k8s.io/pause:3.10"}, *defaults]
            """;
        var doc = new ManifestReader().ReadText(text, "merged.yaml").Single();
        CollectionAssert.AreEqual(
            new[] { "web docker.io/library/nginx:1.27 merged.yaml:6:10", "default registry.k8s.io/pause:3.10 merged.yaml:12:20" },
            doc.Images.Select(i => $"{i.ContainerName} {i.Image} {i.Span}").ToList());
    }

    [TestMethod]
    public void MergeKeyWithAScalarIsAnError()
    {
        var error = Assert.ThrowsExactly<ManifestException>(() => YamlLoader.Load("a:\n  <<: 3\n", "m.yaml"));
        Assert.AreEqual("m.yaml:2:7: invalid YAML: a merge key '<<' needs a mapping or a list of mappings", error.Message);
    }

    [TestMethod]
    public void JsonWithTabsIsRead()
    {
        var docs = YamlLoader.Load("{\n\t\"kind\": \"Pod\",\n\t\"apiVersion\": \"v1\"\n}\n", "pod.json");
        var root = (YamlDotNet.RepresentationModel.YamlMappingNode)docs[0].Root;
        Assert.AreEqual("Pod", root.GetString("kind"));
        Assert.AreEqual(new SourceSpan("pod.json", 2, 10, 2, 15), YamlNodes.SpanOf(root.Get("kind")!, "pod.json"));
    }
}
