using ImageGate.TestSupport.Secrets;

namespace ImageGate.Cli.Tests.Hostile;

/// <summary>The suite-wide secret scan. <c>scripts/test.sh</c> empties the outputs folder, runs every test assembly
/// (their harnesses record what ImageGate printed, wrote, sent to the API stubs and threw), saves the console log
/// of that run beside them, and then runs this class alone: no known secret may appear in any of it.</summary>
[TestClass]
[TestCategory(Category)]
public sealed class SuiteSecretScanTests
{
    /// <summary>Excluded from ordinary runs (the project's default filter), run by <c>scripts/test.sh</c> after the rest.</summary>
    public const string Category = "SuiteSecretScan";

    /// <summary>Where <c>scripts/test.sh</c> saves the console output of the main test run.</summary>
    public const string ConsoleLogName = "dotnet-test-console.log";

    /// <summary>The test assemblies that drive ImageGate and must have recorded their outputs.</summary>
    private static readonly string[] Recorders = ["ImageGate.Ci.Tests", "ImageGate.Cli.Tests", "ImageGate.IntegrationTests", "ImageGate.Oci.Tests"];

    // Fewer than this from an assembly means its harnesses stopped recording (or it did not run).
    private const int MinOutputs = 20;
    private const long MinCharacters = 10_000;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void NoOutputOfTheWholeSuiteHoldsAKnownSecret()
    {
        var store = SecretOutputs.Default;
        var log = Path.Combine(store.Folder, ConsoleLogName);
        Assert.IsTrue(File.Exists(log), $"{ConsoleLogName} is missing from the secret-outputs folder: this scan runs after the whole suite, by `bash scripts/test.sh`");

        var volumes = store.Volumes().ToDictionary(v => v.Recorder);
        foreach (var volume in volumes.Values)
        {
            TestContext.WriteLine($"{volume.Recorder}: {volume.Outputs} outputs, {volume.Characters} characters");
        }
        foreach (var recorder in Recorders)
        {
            Assert.IsTrue(volumes.TryGetValue(recorder, out var volume), $"{recorder} recorded nothing: did it run, and do its harnesses still record?");
            Assert.IsGreaterThanOrEqualTo(MinOutputs, volume.Outputs, $"{recorder} recorded only {volume.Outputs} outputs");
            Assert.IsGreaterThanOrEqualTo(MinCharacters, volume.Characters, $"{recorder} recorded only {volume.Characters} characters");
        }

        var secrets = KnownSecrets.All.Concat(store.RecordedSecrets()).ToList();
        TestContext.WriteLine($"{secrets.Count} secrets looked for ({secrets.Count - KnownSecrets.All.Count} registered at run time)");
        var leaks = store.FindLeaks(secrets).Select(l => $"{l.Recorder} {l.Source}: {l.Secret}").ToList();
        var console = File.ReadAllText(log);
        leaks.AddRange(new SecretFinder(secrets).Find(SecretFinder.WithoutMaskCommands(console)).Select(s => $"console log of the test run: {s.Name}"));
        Assert.IsEmpty(leaks, "known secrets appear in the suite's outputs (source: secret name):\n" + string.Join("\n", leaks.Distinct()));
    }
}
