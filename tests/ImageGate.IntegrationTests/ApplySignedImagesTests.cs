using System.Text;
using System.Text.Json;
using ImageGate.TestSupport;
using ImageGate.TestSupport.Registry;
using ImageGate.TestSupport.Signing;
using ImageGate.TestSupport.Sarif;

namespace ImageGate.IntegrationTests;

/// <summary><c>imagegate apply</c> with Kyverno-shaped Cosign policies in both vocabularies, against
/// images in a real registry signed with openssl in cosign's legacy tag layout: the signed image passes,
/// the unsigned and the wrongly signed ones fail with the attestor's reason.</summary>
[TestClass]
public sealed class ApplySignedImagesTests
{
    private static RegistryFixture registry = null!;
    private static string work = "";
    private static string trustedKey = "";
    private static string signedImage = "", unsignedImage = "", otherKeyImage = "";

    [ClassInitialize]
    public static async Task Setup(TestContext _)
    {
        registry = await RegistryFixture.StartAsync();
        work = Path.Combine(RepoPaths.TestWork, "signed-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        var trusted = await CosignLegacySigner.CreateAsync(work, "trusted");
        var other = await CosignLegacySigner.CreateAsync(work, "other");
        trustedKey = trusted.PublicKeyPem;
        signedImage = (await CosignKeySigning.PushAsync(registry, "acme/signed", trusted)).Image;
        otherKeyImage = (await CosignKeySigning.PushAsync(registry, "acme/other", other)).Image;
        unsignedImage = (await CosignKeySigning.PushAsync(registry, "acme/unsigned", null)).Image;
    }

    [ClassCleanup]
    public static async Task Cleanup() => await registry.DisposeAsync();

    private static string CurrentPolicy => CosignKeySigning.ReleaseSignedPolicy(registry.Host, trustedKey);

    private static string SeedPolicy => CosignKeySigning.ReleaseSignedPolicy(registry.Host, trustedKey, seedVocabulary: true);

    private static (int Code, JsonElement Result) Apply(string policy, string image)
    {
        var (code, results, _) = ApplyHarness.ApplyAsync(registry, work, policy, image).GetAwaiter().GetResult();
        return (code, results[0]);
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void SignedImagePasses(bool seedEra)
    {
        var (code, result) = Apply(seedEra ? SeedPolicy : CurrentPolicy, signedImage);
        Assert.AreEqual("pass", result.GetProperty("result").GetString(), result.ToString());
        Assert.AreEqual(0, code);
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void UnsignedImageFailsWithTheReason(bool seedEra)
    {
        var (code, result) = Apply(seedEra ? SeedPolicy : CurrentPolicy, unsignedImage);
        Assert.AreEqual(1, code);
        Assert.AreEqual("fail", result.GetProperty("result").GetString(), result.ToString());
        Assert.AreEqual("images must be signed with the release key", result.GetProperty("message").GetString());
        StringAssert.Contains(result.ToString(), "release");
    }

    [TestMethod]
    public void ImageSignedWithAnotherKeyFails()
    {
        var (code, result) = Apply(CurrentPolicy, otherKeyImage);
        Assert.AreEqual(1, code);
        Assert.AreEqual("fail", result.GetProperty("result").GetString(), result.ToString());
        var reasons = result.GetProperty("attestorReasons").ToString();
        StringAssert.Contains(reasons, "release");
    }

    [TestMethod]
    public void SarifOfSignedUnsignedAndWronglySignedImagesPassesTheMultitool()
    {
        var dir = Path.Combine(work, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "policy.yaml"), CurrentPolicy);
        var pods = new[] { ("signed", signedImage), ("unsigned", unsignedImage), ("other", otherKeyImage) }
            .Select(p => $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {p.Item1}\n  namespace: shop\nspec:\n  containers:\n  - name: app\n    image: {p.Item2}\n");
        File.WriteAllText(Path.Combine(dir, "pods.yaml"), string.Join("---\n", pods));
        var (code, _, stderr) = CliInProcess.Run(["apply", "policy.yaml", "-r", "pods.yaml", "-o", "sarif", "--output", "report.sarif", "--explain",
            "--insecure-registry", registry.Host], dir, "apply -o sarif");
        Assert.AreEqual(1, code, stderr.ToString());
        var path = Path.Combine(dir, "report.sarif");
        SarifValidator.AssertValid(path);
        using var sarif = JsonDocument.Parse(File.ReadAllText(path));
        var results = sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().ToList();
        CollectionAssert.AreEquivalent(new[] { "shop/Pod/unsigned", "shop/Pod/other" },
            results.Select(r => r.GetProperty("properties").GetProperty("resource").GetString()).ToArray(), "the signed image passes");
        Assert.IsTrue(results.All(r => r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString() == "pods.yaml"));
    }
}
