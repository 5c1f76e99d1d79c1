using ImageGate.Policies.Loading;
using ImageGate.Policies.Model;
using ImageGate.TestSupport;

namespace ImageGate.Policies.Tests;

[TestClass]
public sealed class ExamplesTests
{
    public static IEnumerable<object[]> ValidFiles =>
        new[] { "current", "seed-era" }
            .SelectMany(d => Directory.GetFiles(RepoPaths.Combine("examples", "policies", d), "*.yaml"))
            .Order(StringComparer.Ordinal)
            .Select(f => new object[] { Path.GetRelativePath(RepoPaths.Root, f) });

    [TestMethod]
    [DynamicData(nameof(ValidFiles))]
    public void ExampleLoadsWithoutErrorsOrWarnings(string relative)
    {
        var result = PolicyLoader.LoadFile(Path.Combine(RepoPaths.Root, relative));

        Assert.IsEmpty(result.Errors, string.Join("\n", result.Errors));
        Assert.IsEmpty(result.Warnings, string.Join("\n", result.Warnings));
        Assert.AreEqual(1, result.Policies.Count + result.Exceptions.Count);
        var expectedVocabulary = relative.Contains("seed-era", StringComparison.Ordinal) ? PolicyVocabulary.SeedEra : PolicyVocabulary.Current;
        foreach (var policy in result.Policies)
        {
            Assert.AreEqual(expectedVocabulary, policy.Vocabulary);
        }
    }

    [TestMethod]
    public void SeedEraAndCurrentKeyedPoliciesMeanTheSame()
    {
        var current = Load("current", "cosign-keyed.yaml");
        var seed = Load("seed-era", "cosign-keyed.yaml");

        Assert.AreEqual(current.Spec.ValidationConfigurations, seed.Spec.ValidationConfigurations);
        Assert.AreEqual(current.Spec.Attestors[0].Cosign!.Key!.Data, seed.Spec.Attestors[0].Cosign!.Key!.Data);
        Assert.AreEqual(current.Spec.MatchImageReferences[0].Glob, seed.Spec.MatchImageReferences[0].Glob);
        Assert.AreEqual("ref.startsWith('ghcr.io/example-org/')", seed.Spec.MatchImageReferences[1].Expression!.Text);
        Assert.AreEqual("spec.imageRules[1].cel", seed.Spec.MatchImageReferences[1].Expression!.Path);
        CollectionAssert.AreEqual(new[] { "deployments", "statefulsets", "cronjobs" }, seed.Spec.Autogen.Controllers!.ToArray());
    }

    [TestMethod]
    public void SeedEraPemStringsBecomeValues()
    {
        var notary = Load("seed-era", "notary-payload.yaml").Spec.Attestors[0].Notary!;
        var current = Load("current", "notary.yaml").Spec.Attestors[0].Notary!;

        Assert.AreEqual(current.Certs!.Value, notary.Certs!.Value);
        Assert.IsNull(notary.Certs.Expression);
        Assert.AreEqual("spec.attestors[0].notary.certs", notary.Certs.Path);

        var certificate = Load("seed-era", "cosign-certificate.yaml");
        StringAssert.StartsWith(certificate.Spec.Attestors[0].Cosign!.Certificate!.Cert!.Value, "-----BEGIN CERTIFICATE-----");
        var secret = certificate.Spec.Attestors[1].Cosign!.Key!.SecretRef!;
        Assert.AreEqual(("release-key", "signing"), (secret.Name, secret.Namespace));
    }

    [TestMethod]
    public void NamespacedPolicyAndExceptionLoad()
    {
        var policy = Load("current", "namespaced.yaml");
        Assert.AreEqual(PolicyKind.NamespacedImageValidatingPolicy, policy.Kind);
        Assert.AreEqual("payments", policy.Namespace);

        var exceptions = PolicyLoader.LoadFile(RepoPaths.Combine("examples", "policies", "current", "exception.yaml")).Exceptions;
        Assert.HasCount(1, exceptions);
        Assert.AreEqual("batch/legacy-batch-unsigned", exceptions[0].Key);
        Assert.AreEqual(new DateTimeOffset(2027, 6, 30, 0, 0, 0, TimeSpan.Zero), exceptions[0].Spec.ExpiresAt);
        Assert.IsTrue(exceptions[0].AppliesTo(Load("current", "cosign-keyed.yaml")));
        Assert.IsFalse(exceptions[0].AppliesTo(policy));
    }

    internal static ImageValidatingPolicy Load(string folder, string file)
    {
        var result = PolicyLoader.LoadFile(RepoPaths.Combine("examples", "policies", folder, file));
        Assert.IsFalse(result.HasErrors, string.Join("\n", result.Errors));
        return result.Policies.Single();
    }
}
