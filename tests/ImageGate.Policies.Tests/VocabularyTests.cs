using System.Collections;
using System.Reflection;
using System.Text;
using ImageGate.Policies.Autogen;
using ImageGate.Policies.Model;

namespace ImageGate.Policies.Tests;

/// <summary>The seed-era and current spellings of the same policy load into the same model (ignoring where
/// each field was written).</summary>
[TestClass]
public sealed class VocabularyTests
{
    private const string Seed = """
        apiVersion: policies.kyverno.io/v1alpha1
        kind: ImageValidatingPolicy
        metadata: {name: same}
        spec:
          mutateDigest: false
          verifyDigest: false
          required: false
          generation:
            podControllers:
              controllers: [deployments, cronjobs]
          matchConstraints:
            resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
          matchConditions: [{name: prod, expression: "object.metadata.labels.env == 'prod'"}]
          imageRules:
          - glob: "registry.example.com/*"
          - cel: ref.startsWith('ghcr.io/')
          attestors:
          - name: cert
            cosign:
              certificate:
                cert: CERT-PEM
                certChain: CHAIN-PEM
              ctlog: {insecureIgnoreTlog: true}
          - name: notary
            notary:
              certs: CA-PEM
              tsaCerts: TSA-PEM
          attestations:
          - {name: sbom, referrer: {type: sbom/cyclone-dx}}
          validations:
          - expression: images.containers.all(i, verifyImageSignatures(i, [attestors.cert]) > 0)
            message: unsigned
        """;

    private const string Current = """
        apiVersion: policies.kyverno.io/v1
        kind: ImageValidatingPolicy
        metadata: {name: same}
        spec:
          validationConfigurations:
            mutateDigest: false
            verifyDigest: false
            required: false
          autogen:
            podControllers:
              controllers: [deployments, cronjobs]
          matchConstraints:
            resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
          matchConditions: [{name: prod, expression: "object.metadata.labels.env == 'prod'"}]
          matchImageReferences:
          - glob: "registry.example.com/*"
          - expression: ref.startsWith('ghcr.io/')
          attestors:
          - name: cert
            cosign:
              certificate:
                cert: {value: CERT-PEM}
                certChain: {value: CHAIN-PEM}
              ctlog: {insecureIgnoreTlog: true}
          - name: notary
            notary:
              certs: {value: CA-PEM}
              tsaCerts: {value: TSA-PEM}
          attestations:
          - {name: sbom, referrer: {type: sbom/cyclone-dx}}
          validations:
          - expression: images.containers.all(i, verifyImageSignatures(i, [attestors.cert]) > 0)
            message: unsigned
        """;

    [TestMethod]
    public void BothSpellingsGiveTheSameSpec()
    {
        var seed = TestYaml.LoadOne(Seed);
        var current = TestYaml.LoadOne(Current);

        Assert.AreEqual(PolicyVocabulary.SeedEra, seed.Vocabulary);
        Assert.AreEqual(PolicyVocabulary.Current, current.Vocabulary);
        Assert.AreEqual(Canonical(current.Spec), Canonical(seed.Spec));
        StringAssert.Contains(Canonical(seed.Spec), "CHAIN-PEM", "the projection covers the attestor values");
    }

    [TestMethod]
    public void BothSpellingsGiveTheSameAutogenVariants()
    {
        var seed = PolicyAutogen.Variants(TestYaml.LoadOne(Seed));
        var current = PolicyAutogen.Variants(TestYaml.LoadOne(Current));

        Assert.HasCount(2, seed);
        Assert.AreEqual(
            string.Join("\n", current.Select(v => v.Key + Canonical(v.Policy.Spec))),
            string.Join("\n", seed.Select(v => v.Key + Canonical(v.Policy.Spec))));
        StringAssert.Contains(Canonical(seed[1].Policy.Spec), "object.spec.template.metadata.labels.env");
    }

    [TestMethod]
    public void CurrentSpellingIsAcceptedInV1Alpha1()
    {
        var policy = TestYaml.LoadOne(Current.Replace("policies.kyverno.io/v1", "policies.kyverno.io/v1alpha1"));
        Assert.AreEqual(PolicyVocabulary.Current, policy.Vocabulary);
        Assert.AreEqual(Canonical(TestYaml.LoadOne(Current).Spec), Canonical(policy.Spec));
    }

    /// <summary>A text form of a model value without source locations.</summary>
    private static string Canonical(object? value)
    {
        var builder = new StringBuilder();
        Write(value, builder);
        return builder.ToString();
    }

    private static readonly HashSet<string> LocationProperties = ["Path", "Span", "Fields", "Style", "EqualityContract"];

    private static void Write(object? value, StringBuilder into)
    {
        switch (value)
        {
            case null:
                into.Append("null");
                return;
            case string s:
                into.Append('"').Append(s).Append('"');
                return;
            case bool or int or Enum:
                into.Append(value);
                return;
            case IReadOnlyDictionary<string, string> map:
                into.Append('{');
                foreach (var (k, v) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    into.Append(k).Append('=').Append(v).Append(';');
                }
                into.Append('}');
                return;
            case IEnumerable list:
                into.Append('[');
                foreach (var item in list)
                {
                    Write(item, into);
                    into.Append(',');
                }
                into.Append(']');
                return;
        }
        into.Append(value.GetType().Name).Append('{');
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => !LocationProperties.Contains(p.Name))
                     .OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            into.Append(property.Name).Append(':');
            Write(property.GetValue(value), into);
            into.Append(';');
        }
        into.Append('}');
    }
}
