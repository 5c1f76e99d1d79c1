using ImageGate.TestSupport;
using System.Diagnostics;
using ImageGate.Manifests.Discovery;

namespace ImageGate.Manifests.Tests;

[TestClass]
public sealed class DiscoveryTests
{
    private const string Pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {0}\nspec:\n  containers:\n    - name: c\n      image: docker.io/library/nginx:1.27\n";

    private static string PodNamed(string name) => string.Format(Pod, name);

    private static DiscoveryResult Discover(TestFiles files, params string[] inputs) =>
        ManifestDiscovery.Discover(inputs, new DiscoveryOptions { WorkingDirectory = files.Root });

    [TestMethod]
    public void FoldersAreWalkedRecursivelyInSortedOrderSkippingHiddenAndOtherExtensions()
    {
        using var files = new TestFiles("manifests");
        files.Write("deploy/b.yaml", PodNamed("b"));
        files.Write("deploy/a.yml", PodNamed("a"));
        files.Write("deploy/sub/c.json", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"c\"}}");
        files.Write("deploy/.hidden/d.yaml", PodNamed("d"));
        files.Write("deploy/.e.yaml", PodNamed("e"));
        files.Write("deploy/README.md", "# not a manifest");
        files.Write("deploy/f.YAML", PodNamed("f"));
        var result = Discover(files, "deploy");
        CollectionAssert.AreEqual(new[] { "deploy/a.yml", "deploy/b.yaml", "deploy/f.YAML", "deploy/sub/c.json" }, result.Files.ToList());
        CollectionAssert.AreEqual(new[] { "a", "b", "f", "c" }, result.Documents.Select(d => d.Name).ToList());
    }

    [TestMethod]
    public void GlobsMatchAcrossFoldersAndExcludesApply()
    {
        using var files = new TestFiles("manifests");
        files.Write("env/prod/app.yaml", PodNamed("prod"));
        files.Write("env/dev/app.yaml", PodNamed("dev"));
        files.Write("env/dev/skip/app.yaml", PodNamed("skip"));
        files.Write("env/app.yml", PodNamed("top"));
        files.Write("env/prod/test.yaml", PodNamed("test"));
        var all = Discover(files, "env/**/*.yaml");
        CollectionAssert.AreEqual(new[] { "env/dev/app.yaml", "env/dev/skip/app.yaml", "env/prod/app.yaml", "env/prod/test.yaml" }, all.Files.ToList());

        var excluded = ManifestDiscovery.Discover(["env"], new DiscoveryOptions
        {
            WorkingDirectory = files.Root,
            Exclude = ["skip", "env/prod/test.yaml", "*.yml"],
        });
        CollectionAssert.AreEqual(new[] { "env/dev/app.yaml", "env/prod/app.yaml" }, excluded.Files.ToList());
    }

    [TestMethod]
    public void InputsKeepTheirOrderAndDuplicatesAreReadOnce()
    {
        using var files = new TestFiles("manifests");
        files.Write("z.yaml", PodNamed("z"));
        files.Write("a.yaml", PodNamed("a"));
        var result = Discover(files, "z.yaml", "a.yaml", "z.yaml", "*.yaml");
        CollectionAssert.AreEqual(new[] { "z.yaml", "a.yaml" }, result.Files.ToList());
    }

    [TestMethod]
    public void StandardInputIsReadForDash()
    {
        using var files = new TestFiles("manifests");
        var result = ManifestDiscovery.Discover(["-"], new DiscoveryOptions { WorkingDirectory = files.Root, Stdin = new StringReader(PodNamed("piped")) });
        Assert.AreEqual("<stdin>", result.Documents.Single().File);
        var span = result.Documents.Single().Images.Single().Span;
        Assert.AreEqual("<stdin>:8:14-8:42", $"{span}-{span.EndLine}:{span.EndColumn}");
    }

    [TestMethod]
    public void MissingPathsAndEmptyGlobsAreErrors()
    {
        using var files = new TestFiles("manifests");
        files.Write("empty/notes.txt", "x");
        Assert.AreEqual("no such file or folder", Assert.ThrowsExactly<ManifestException>(() => Discover(files, "nope.yaml")).Reason);
        Assert.AreEqual("no files match this glob", Assert.ThrowsExactly<ManifestException>(() => Discover(files, "empty/**/*.yaml")).Reason);
        Assert.Contains("no .yaml, .yml or .json files", Assert.ThrowsExactly<ManifestException>(() => Discover(files, "empty")).Reason);
    }

    [TestMethod]
    public void ContinueOnErrorReportsBadFilesAndReadsTheRest()
    {
        using var files = new TestFiles("manifests");
        files.Write("m/a.yaml", PodNamed("a"));
        files.Write("m/b.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [oops\n");
        files.Write("m/c.yaml", PodNamed("c"));
        var first = Assert.ThrowsExactly<ManifestException>(() => Discover(files, "m"));
        Assert.AreEqual("m/b.yaml", first.File);

        var result = ManifestDiscovery.Discover(["m", "missing.yaml"], new DiscoveryOptions { WorkingDirectory = files.Root, ContinueOnError = true });
        CollectionAssert.AreEqual(new[] { "a", "c" }, result.Documents.Select(d => d.Name).ToList());
        CollectionAssert.AreEqual(new[] { "missing.yaml", "m/b.yaml" }, result.Errors.Select(e => e.File).ToList());
        Assert.AreEqual(5, result.Errors[1].Line);
        Assert.IsNull(result.Errors[0].Line);
    }

    [TestMethod]
    public void OversizedFileIsRejectedBeforeReadingIt()
    {
        using var files = new TestFiles("manifests");
        var path = files.Write("huge.yaml", "");
        using (var stream = File.OpenWrite(path))
        {
            stream.SetLength(ManifestLimits.Default.MaxFileBytes + 1);
        }
        var watch = Stopwatch.StartNew();
        var error = Assert.ThrowsExactly<ManifestException>(() => Discover(files, "huge.yaml"));
        Assert.IsLessThan(5_000, watch.ElapsedMilliseconds);
        Assert.AreEqual("huge.yaml", error.File);
        Assert.AreEqual($"file is {ManifestLimits.Default.MaxFileBytes + 1} bytes, larger than the limit of {ManifestLimits.Default.MaxFileBytes} bytes", error.Reason);
    }

    [TestMethod]
    public void OversizedStandardInputIsRejected()
    {
        var text = new string('a', 2048);
        var error = Assert.ThrowsExactly<ManifestException>(() => ManifestDiscovery.Discover(["-"], new DiscoveryOptions
        {
            Stdin = new StringReader(text),
            Limits = new ManifestLimits { MaxFileBytes = 1024 },
        }));
        Assert.AreEqual("<stdin>", error.File);
        Assert.Contains("larger than the limit of 1024 bytes", error.Reason);
    }

    [TestMethod]
    public void NonKubernetesDocumentsAreSkippedWithANotice()
    {
        using var files = new TestFiles("manifests");
        files.Write("mixed.yaml", "- just\n- a list\n---\nname: not-an-object\n---\n" + PodNamed("real"));
        var result = Discover(files, "mixed.yaml");
        Assert.AreEqual("real", result.Documents.Single().Name);
        Assert.HasCount(2, result.Notices);
        Assert.StartsWith("mixed.yaml:1:1: skipped document 0: it is a sequence", result.Notices[0]);
        Assert.StartsWith("mixed.yaml:4:1: skipped document 1: no apiVersion/kind", result.Notices[1]);
    }

    [TestMethod]
    public void ChartFolderGivenDirectlyIsExplained()
    {
        using var files = new TestFiles("manifests");
        files.Write("chart/Chart.yaml", "apiVersion: v2\nname: chart\nversion: 1.0.0\n");
        files.Write("chart/templates/pod.yaml", "image: {{ .Values.image }}\n");
        var error = Assert.ThrowsExactly<ManifestException>(() => Discover(files, "chart"));
        Assert.Contains("is a Helm chart", error.Reason);
    }
}

[TestClass]
public sealed class GlobTests
{
    [TestMethod]
    [DataRow("**/*.yaml", "a.yaml", true)]
    [DataRow("**/*.yaml", "x/y/a.yaml", true)]
    [DataRow("**/*.yaml", "x/a.yml", false)]
    [DataRow("*.yaml", "x/a.yaml", false)]
    [DataRow("x/*/a.yaml", "x/y/a.yaml", true)]
    [DataRow("x/*/a.yaml", "x/y/z/a.yaml", false)]
    [DataRow("*.{yml,yaml}", "a.yml", true)]
    [DataRow("a?.json", "ab.json", true)]
    [DataRow("a?.json", "a/.json", false)]
    [DataRow("dir/**", "dir/a/b", true)]
    [DataRow("a.b", "axb", false)]
    public void Matches(string pattern, string path, bool expected) => Assert.AreEqual(expected, new Glob(pattern).IsMatch(path));
}
