using ImageGate.Manifests.Discovery;
using ImageGate.TestSupport;

namespace ImageGate.Manifests.Tests.Hostile;

/// <summary>Hostile trees: symbolic links that loop or lead out of the scanned folder (a pull request can commit
/// links), devices that never end. Each is an error naming the file, never a silent read of another file.</summary>
[TestClass]
public sealed class HostileDiscoveryTests
{
    private const string Pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {0}\nspec:\n  containers:\n    - name: c\n      image: ghcr.io/acme/app:1\n";

    private static DiscoveryResult Discover(TestFiles files, params string[] inputs) =>
        ManifestDiscovery.Discover(inputs, new DiscoveryOptions { WorkingDirectory = files.Root });

    private static string PodNamed(string name) => string.Format(Pod, name);

    [TestMethod]
    public void LinkToAFileOutsideTheScannedFolderIsAnError()
    {
        using var files = new TestFiles("hostile");
        files.Write("outside/secret.yaml", PodNamed("outside"));
        files.Write("repo/app.yaml", PodNamed("app"));
        File.CreateSymbolicLink(Path.Combine(files.Root, "repo", "escape.yaml"), Path.Combine(files.Root, "outside", "secret.yaml"));
        var error = Bounds.Throws(() => Discover(files, "repo"));
        Assert.AreEqual("repo/escape.yaml: symbolic link points outside the folder being scanned (repo); not read", error.Message);
    }

    [TestMethod]
    public void RelativeLinkClimbingOutIsAnError()
    {
        using var files = new TestFiles("hostile");
        files.Write("outside.yaml", PodNamed("outside"));
        files.Write("repo/deploy/app.yaml", PodNamed("app"));
        File.CreateSymbolicLink(Path.Combine(files.Root, "repo", "deploy", "up.yaml"), "../../outside.yaml");
        var error = Bounds.Throws(() => Discover(files, "repo/**/*.yaml"));
        Assert.AreEqual("repo/deploy/up.yaml", error.File);
        Assert.Contains("outside the folder being scanned", error.Reason);
    }

    [TestMethod]
    public void LinkThroughALinkedFolderIsResolvedToWhereItReallyPoints()
    {
        // repo/x.yaml -> d/secret.yaml looks inside repo, but repo/d is itself a link out of it.
        using var files = new TestFiles("hostile");
        files.Write("outside/secret.yaml", PodNamed("outside"));
        files.Write("repo/app.yaml", PodNamed("app"));
        Directory.CreateSymbolicLink(Path.Combine(files.Root, "repo", "d"), Path.Combine(files.Root, "outside"));
        File.CreateSymbolicLink(Path.Combine(files.Root, "repo", "x.yaml"), "d/secret.yaml");
        var error = Bounds.Throws(() => Discover(files, "repo"));
        Assert.AreEqual("repo/x.yaml", error.File);
        Assert.Contains("outside the folder being scanned", error.Reason);
    }

    [TestMethod]
    public void LinkToADeviceEndsAtOnceInsteadOfReadingForever()
    {
        using var files = new TestFiles("hostile");
        files.Write("repo/app.yaml", PodNamed("app"));
        File.CreateSymbolicLink(Path.Combine(files.Root, "repo", "zero.yaml"), "/dev/zero");
        var error = Bounds.Throws(() => Discover(files, "repo"), seconds: 10, megabytes: 256);
        Assert.AreEqual("repo/zero.yaml", error.File);
    }

    [TestMethod]
    public void DeviceNamedExplicitlyIsReadOnlyUpToTheSizeLimit()
    {
        using var files = new TestFiles("hostile");
        var error = Bounds.Throws(() => ManifestDiscovery.Discover(["/dev/zero"], new DiscoveryOptions
        {
            WorkingDirectory = files.Root,
            Limits = new ManifestLimits { MaxFileBytes = 1024 * 1024 },
        }), seconds: 10, megabytes: 256);
        Assert.AreEqual("/dev/zero: file is larger than the limit of 1048576 bytes", error.Message);
    }

    [TestMethod]
    public void ExplicitFileInTheWorkspaceLinkingOutIsAnError()
    {
        using var files = new TestFiles("hostile");
        files.Write("outside/secret.yaml", PodNamed("outside"));
        Directory.CreateDirectory(Path.Combine(files.Root, "repo"));
        File.CreateSymbolicLink(Path.Combine(files.Root, "repo", "app.yaml"), Path.Combine(files.Root, "outside", "secret.yaml"));
        var workspace = Path.Combine(files.Root, "repo");
        var error = Bounds.Throws(() => ManifestDiscovery.Discover(["app.yaml"], new DiscoveryOptions { WorkingDirectory = workspace }));
        Assert.AreEqual("app.yaml: symbolic link points outside the working directory; not read", error.Message);
    }

    [TestMethod]
    public void SelfLinkAndLinkCyclesAreErrors()
    {
        using var files = new TestFiles("hostile");
        files.Write("repo/app.yaml", PodNamed("app"));
        File.CreateSymbolicLink(Path.Combine(files.Root, "repo", "self.yaml"), "self.yaml");
        var self = Bounds.Throws(() => Discover(files, "repo"));
        Assert.AreEqual("repo/self.yaml: symbolic links loop or nest too deeply", self.Message);

        using var cycle = new TestFiles("hostile");
        cycle.Write("repo/app.yaml", PodNamed("app"));
        File.CreateSymbolicLink(Path.Combine(cycle.Root, "repo", "a.yaml"), "b.yaml");
        File.CreateSymbolicLink(Path.Combine(cycle.Root, "repo", "b.yaml"), "a.yaml");
        Assert.Contains("loop", Bounds.Throws(() => Discover(cycle, "repo")).Reason);
    }

    [TestMethod]
    public void FolderLinkLoopsAreNotFollowed()
    {
        using var files = new TestFiles("hostile");
        files.Write("repo/sub/app.yaml", PodNamed("app"));
        Directory.CreateSymbolicLink(Path.Combine(files.Root, "repo", "sub", "loop"), Path.Combine(files.Root, "repo"));
        Directory.CreateSymbolicLink(Path.Combine(files.Root, "repo", "up"), "..");
        var result = Bounds.Within(() => Discover(files, "repo"));
        CollectionAssert.AreEqual(new[] { "repo/sub/app.yaml" }, result.Files.ToList());
    }

    [TestMethod]
    public void LinksThatStayInsideAreRead()
    {
        using var files = new TestFiles("hostile");
        files.Write("repo/base/app.yaml", PodNamed("app"));
        File.CreateSymbolicLink(Path.Combine(files.Root, "repo", "alias.yaml"), "base/app.yaml");
        var result = Discover(files, "repo");
        CollectionAssert.AreEqual(new[] { "repo/alias.yaml", "repo/base/app.yaml" }, result.Files.ToList());
        Assert.HasCount(2, result.Documents);
    }

    [TestMethod]
    public void ContinueOnErrorReportsTheLinkAndReadsTheRest()
    {
        using var files = new TestFiles("hostile");
        files.Write("outside.yaml", PodNamed("outside"));
        files.Write("a/app.yaml", PodNamed("app"));
        files.Write("b/ok.yaml", PodNamed("ok"));
        File.CreateSymbolicLink(Path.Combine(files.Root, "a", "escape.yaml"), Path.Combine(files.Root, "outside.yaml"));
        var result = ManifestDiscovery.Discover(["a", "b"], new DiscoveryOptions { WorkingDirectory = files.Root, ContinueOnError = true });
        Assert.AreEqual("a/escape.yaml", result.Errors.Single().File);
        CollectionAssert.DoesNotContain(result.Documents.Select(d => d.Name).ToList(), "outside");
        CollectionAssert.Contains(result.Documents.Select(d => d.Name).ToList(), "ok");
    }
}
