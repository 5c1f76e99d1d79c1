using System.Text;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Secrets;

namespace ImageGate.Cli.Tests.Hostile;

/// <summary>The suite-wide scan can fail: leaks planted in a private outputs folder (never the real one) are found in
/// every form, attributed to their source and named without their value.</summary>
[TestClass]
public sealed class SecretOutputStoreTests
{
    private static readonly KnownSecret Planted = new("planted password", "planted-SECRET-value-0042");
    private static readonly KnownSecret RunTime = new("planted run-time token", "run-time-token-SECRET-77e1");

    [TestMethod]
    public void PlantedLeaksAreFoundRawAsBase64AndInBasicCredentials()
    {
        using var files = new TestFiles("secret-store");
        var folder = Path.Combine(files.Root, "outputs");
        var first = new SecretOutputStore(folder, "First.Tests");
        var second = new SecretOutputStore(folder, "Second.Tests");

        first.Record("Clean.Test stdout", "nothing to see: planted-SECRET-value-0043, Basic YTpiOmM=");
        // The commands that ask a runner to mask a value hold it by design; the runner hides those lines.
        first.Record("Mask.Test stdout", "::add-mask::" + Planted.Value + "\n##vso[task.setsecret]" + Planted.Value + "\nok");
        first.Record("Raw.Test stderr", "error: login with " + Planted.Value + " failed");
        second.Record("Base64.Test stdout", "blob " + Convert.ToBase64String(Encoding.UTF8.GetBytes(Planted.Value)));
        second.Record("Basic.Test request", "Authorization: Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ab:" + Planted.Value)));
        second.Record("Url.Test sarif", Convert.ToBase64String(Encoding.UTF8.GetBytes(Planted.Value)).TrimEnd('=').Replace('+', '-').Replace('/', '_'));
        // A secret made at run time by one process is looked for in what every process recorded.
        second.RecordSecret(RunTime);
        first.Record("RunTime.Test summary", "token " + RunTime.Value);

        var leaks = new SecretOutputStore(folder, "Scanner.Tests").FindLeaks([Planted, .. first.RecordedSecrets()]);

        CollectionAssert.AreEquivalent(
            new[] { "First.Tests Raw.Test stderr: planted password", "Second.Tests Base64.Test stdout: planted password", "Second.Tests Basic.Test request: planted password",
                "Second.Tests Url.Test sarif: planted password", "First.Tests RunTime.Test summary: planted run-time token" },
            leaks.Select(l => $"{l.Recorder} {l.Source}: {l.Secret}").ToArray());
        Assert.IsFalse(leaks.Any(l => (l.Source + l.Secret).Contains("SECRET-value", StringComparison.Ordinal)), "a leak report never shows the value");
        Assert.IsFalse(File.ReadAllText(Directory.GetFiles(folder, "*.secrets").Single()).Contains(RunTime.Value, StringComparison.Ordinal), "registered secrets are not stored in the clear");
    }

    [TestMethod]
    public void VolumesCountEachRecordersOutputs()
    {
        using var files = new TestFiles("secret-store");
        var folder = Path.Combine(files.Root, "outputs");
        var store = new SecretOutputStore(folder, "Counted.Tests");
        store.Record("a", "12345");
        store.Record("b", "678");
        new SecretOutputStore(folder, "Other.Tests").Record("c", "");

        CollectionAssert.AreEqual(new[] { new RecorderVolume("Counted.Tests", 2, 8), new RecorderVolume("Other.Tests", 1, 0) }, store.Volumes().ToArray());
        Assert.IsEmpty(store.FindLeaks([Planted]));
    }

    [TestMethod]
    public void AnEmptyOrMissingFolderHasNoOutputs()
    {
        using var files = new TestFiles("secret-store");
        var store = new SecretOutputStore(Path.Combine(files.Root, "never-written"), "Empty.Tests");
        Assert.IsEmpty(store.Volumes());
        Assert.IsEmpty(store.FindLeaks());
    }

    [TestMethod]
    public void FilesWrittenByARunAreRecordedAndInputsAreNot()
    {
        using var files = new TestFiles("secret-store");
        files.Write("regcred.json", "{\"auths\":{}}");
        files.Write("report.json", "old");
        var before = SecretOutputs.Snapshot(files.Root);
        files.Write("report.json", "a longer report");
        files.Write("out/summary.md", "# summary");
        CollectionAssert.AreEqual(new[] { Path.Combine(files.Root, "out", "summary.md"), Path.Combine(files.Root, "report.json") }, before.ChangedFiles().ToArray());
    }

    [TestMethod]
    public void TheCurrentTestIsFoundOnTheStack()
    {
        Assert.AreEqual("SecretOutputStoreTests.TheCurrentTestIsFoundOnTheStack", SecretOutputs.CurrentTest());
    }

    [TestMethod]
    public async Task TheCurrentAsyncTestIsFoundOnTheStack()
    {
        await Task.Yield();
        Assert.AreEqual("SecretOutputStoreTests.TheCurrentAsyncTestIsFoundOnTheStack", SecretOutputs.CurrentTest());
    }
}
