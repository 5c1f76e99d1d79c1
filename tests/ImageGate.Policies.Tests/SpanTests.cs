using ImageGate.Policies.Model;
using ImageGate.Policies.Validation;

namespace ImageGate.Policies.Tests;

/// <summary>Every node keeps its field path and source span so later errors can name file:line and the field.</summary>
[TestClass]
public sealed class SpanTests
{
    private const string Text = """
        apiVersion: policies.kyverno.io/v1
        kind: ImageValidatingPolicy
        metadata:
          name: spans
        spec:
          matchConstraints:
            resourceRules:
            - apiGroups: [""]
              apiVersions: [v1]
              operations: [CREATE]
              resources: [pods]
          attestors:
          - name: release
            cosign:
              key:
                data: |
                  -----BEGIN PUBLIC KEY-----
                  -----END PUBLIC KEY-----
          validations:
          - expression: "images.containers.all(i, verifyImageSignatures(i, [attestors.release]) > 0)"
            message: unsigned
        """;

    [TestMethod]
    public void NodesKnowTheirPathAndSpan()
    {
        var policy = TestYaml.LoadOne(Text);
        var key = policy.Spec.Attestors[0].Cosign!.Key!;

        Assert.AreEqual("spec.attestors[0].cosign.key", key.Path);
        Assert.AreEqual(new SourceSpan("policy.yaml", 16, 9), key.Span with { EndLine = 16, EndColumn = 9 });
        var data = key.LocationOf("data");
        Assert.AreEqual("spec.attestors[0].cosign.key.data", data.Path);
        Assert.AreEqual((16, 15), (data.Span.Line, data.Span.Column));
        Assert.AreEqual("policy.yaml:16:15", data.Span.ToString());

        var attestor = policy.Spec.Attestors[0];
        Assert.AreEqual(("spec.attestors[0]", 13, 5), (attestor.Path, attestor.Span.Line, attestor.Span.Column));
        Assert.AreEqual((13, 11), (attestor.LocationOf("name").Span.Line, attestor.LocationOf("name").Span.Column));

        var validation = policy.Spec.Validations[0];
        Assert.AreEqual("spec.validations[0].expression", validation.Expression.Path);
        Assert.AreEqual((20, 17), (validation.Expression.Span.Line, validation.Expression.Span.Column));
        Assert.AreEqual(ScalarStyle.DoubleQuoted, validation.Expression.Style);
        Assert.AreEqual((21, 14), (validation.LocationOf("message").Span.Line, validation.LocationOf("message").Span.Column));

        var rule = policy.Spec.MatchConstraints!.ResourceRules[0];
        Assert.AreEqual(("spec.matchConstraints.resourceRules[0]", 8, 7), (rule.Path, rule.Span.Line, rule.Span.Column));
        Assert.AreEqual((1, 1), (policy.Span.Line, policy.Span.Column));
        Assert.AreEqual("metadata", policy.Metadata.Path);
    }

    [TestMethod]
    public void UnwrittenFieldsFallBackToTheirNode()
    {
        var key = TestYaml.LoadOne(Text).Spec.Attestors[0].Cosign!.Key!;
        var kms = key.LocationOf("kms");
        Assert.AreEqual("spec.attestors[0].cosign.key.kms", kms.Path);
        Assert.AreEqual(key.Span, kms.Span);
    }

    [TestMethod]
    public void ErrorsNameFileLineColumnAndPath()
    {
        var error = TestYaml.SingleError(Text.Replace("data: |", "dat: |"));

        Assert.AreEqual(DiagnosticCodes.UnknownField, error.Code);
        Assert.AreEqual("spec.attestors[0].cosign.key.dat", error.Path);
        Assert.AreEqual("policy.yaml:16:9: error: spec.attestors[0].cosign.key.dat: unknown field \"dat\"", error.ToString());
    }

    [TestMethod]
    public void SeedEraPathsUseTheWrittenSpelling()
    {
        var policy = TestYaml.LoadOne(TestYaml.PodPolicy("""
            imageRules:
            - cel: ref.startsWith('a')
            verifyDigest: false
            """, "v1alpha1"));
        var matcher = policy.Spec.MatchImageReferences[0];
        Assert.AreEqual("spec.imageRules[0]", matcher.Path);
        Assert.AreEqual("spec.imageRules[0].cel", matcher.Expression!.Path);
        Assert.AreEqual("spec.imageRules[0].cel", matcher.LocationOf("expression").Path);
        Assert.AreEqual("spec.imageRules", policy.Spec.LocationOf("matchImageReferences").Path);
        Assert.AreEqual(PolicyVocabulary.SeedEra, policy.Vocabulary);
    }

    [TestMethod]
    public void BlockScalarStylesAreRecorded()
    {
        var policy = TestYaml.LoadOne(TestYaml.PodPolicy("""
            validations:
            - expression: |
                true
            - expression: >-
                true
            - expression: 'true'
            - expression: true && true
            """));
        var styles = policy.Spec.Validations.Select(v => v.Expression.Style).ToArray();
        CollectionAssert.AreEqual(new[] { ScalarStyle.Literal, ScalarStyle.Folded, ScalarStyle.SingleQuoted, ScalarStyle.Plain }, styles);
        Assert.AreEqual("true\n", policy.Spec.Validations[0].Expression.Text);
    }

    [TestMethod]
    public void DocumentsInsideListsGetItemPaths()
    {
        var result = TestYaml.Load("""
            apiVersion: v1
            kind: List
            items:
            - apiVersion: policies.kyverno.io/v1
              kind: ImageValidatingPolicy
              metadata: {name: a}
              spec:
                attestors: []
                validations: []
                matchConstraints:
                  resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
                bogus: 1
            """);
        var error = result.Errors.Single();
        Assert.AreEqual("items[0].spec.bogus", error.Path);
        Assert.AreEqual(12, error.Span.Line);
    }
}

[TestClass]
public sealed class ExpressionLocationTests
{
    [TestMethod]
    public void OffsetsInsideExpressionsMapToTheFile()
    {
        var policy = TestYaml.LoadOne(TestYaml.PodPolicy("""
            validations:
            - expression: object.spec.x == 1
            - expression: "object.spec.x == 1"
            - expression: |
                true &&
                  object.bad
            - expression: >
                true &&
                object.bad
            - expression: "a\tb"
            """));
        var v = policy.Spec.Validations;
        var plain = v[0].Expression;
        Assert.AreEqual(new SourceSpan("policy.yaml", plain.Span.Line, plain.Span.Column + 7), plain.LocationAt(7));
        var quoted = v[1].Expression;
        Assert.AreEqual(new SourceSpan("policy.yaml", quoted.Span.Line, quoted.Span.Column + 8), quoted.LocationAt(7));
        var literal = v[2].Expression;
        Assert.AreEqual(new SourceSpan("policy.yaml", literal.Span.Line + 2, 0), literal.LocationAt(literal.Text.IndexOf("object", StringComparison.Ordinal)));
        Assert.AreEqual($"policy.yaml:{literal.Span.Line + 2}", literal.LocationAt(10).ToString());
        var folded = v[3].Expression;
        Assert.AreEqual((folded.Span.Line, folded.Span.Column), (folded.LocationAt(9).Line, folded.LocationAt(9).Column));
        var escaped = v[4].Expression;
        Assert.AreEqual((escaped.Span.Line, escaped.Span.Column), (escaped.LocationAt(2).Line, escaped.LocationAt(2).Column), "escapes make columns unknowable");
    }
}
