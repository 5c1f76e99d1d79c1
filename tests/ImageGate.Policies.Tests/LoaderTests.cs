using System.Diagnostics;
using System.Text;
using ImageGate.Policies.Loading;
using ImageGate.Policies.Model;
using ImageGate.Policies.Validation;
using ImageGate.TestSupport;
using YamlDotNet.RepresentationModel;

namespace ImageGate.Policies.Tests;

[TestClass]
public sealed class LoaderTests
{
    [TestMethod]
    public void MultiDocumentFileKeepsOrderAndSkipsOtherKinds()
    {
        var text = string.Join("\n---\n",
            TestYaml.PodPolicy("").Replace("name: test", "name: first"),
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {}",
            "",
            "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: old}\nspec: {}",
            TestYaml.PodPolicy("", "v1beta1", "NamespacedImageValidatingPolicy").Replace("name: test", "name: second"),
            "apiVersion: policies.kyverno.io/v1\nkind: ValidatingPolicy\nmetadata: {name: vpol}\nspec: {}",
            "apiVersion: policies.kyverno.io/v1beta1\nkind: PolicyException\nmetadata: {name: ex}\nspec:\n  policyRefs: [{name: first, kind: ImageValidatingPolicy}]");

        var result = TestYaml.Load(text);

        Assert.IsFalse(result.HasErrors, string.Join("\n", result.Errors));
        CollectionAssert.AreEqual(new[] { "first", "second" }, result.Policies.Select(p => p.Name).ToArray());
        Assert.AreEqual("ex", result.Exceptions.Single().Name);
        Assert.HasCount(3, result.Notices);
        Assert.IsTrue(result.Notices.All(n => n.Code == DiagnosticCodes.Skipped));
        StringAssert.Contains(result.Notices[0].Message, "Deployment");
        var deploymentLine = Array.IndexOf(text.Split('\n'), "apiVersion: apps/v1") + 1;
        Assert.AreEqual(deploymentLine, result.Notices[0].Span.Line);
    }

    [TestMethod]
    public void InvalidDocumentDoesNotHideValidOnes()
    {
        var text = TestYaml.PodPolicy("failurePolicy: Sometimes") + "\n---\n" + TestYaml.PodPolicy("").Replace("name: test", "name: good");
        var result = TestYaml.Load(text);
        Assert.HasCount(1, result.Errors);
        Assert.AreEqual("good", result.Policies.Single().Name);
    }

    [TestMethod]
    public void JsonDocumentsLoad()
    {
        var json = """
            {"apiVersion": "policies.kyverno.io/v1", "kind": "ImageValidatingPolicy", "metadata": {"name": "json"},
             "spec": {"matchConstraints": {"resourceRules": [{"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE"], "resources": ["pods"]}]},
                      "validationConfigurations": {"verifyDigest": false}, "attestors": [], "validations": [{"expression": "true"}]}}
            """;
        var policy = TestYaml.LoadOne(json);
        Assert.IsFalse(policy.Spec.ValidationConfigurations.VerifyDigest);
        Assert.AreEqual("true", policy.Spec.Validations[0].Expression.Text);
    }

    [TestMethod]
    public void PreParsedNodesLoadWithTheirMarks()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader("# leading comment\n" + TestYaml.PodPolicy("validations: [{expression: 'true'}]")));

        var result = PolicyLoader.LoadDocuments(stream.Documents.Select(d => d.RootNode), "discovered.yaml");

        var policy = result.Policies.Single();
        Assert.AreEqual("discovered.yaml", policy.Span.File);
        Assert.AreEqual(2, policy.Span.Line);
        Assert.AreEqual(PolicyLoader.LoadDocument(stream.Documents[0].RootNode, "x.yaml").Policies.Single().Name, policy.Name);
    }

    [TestMethod]
    public void InvalidYamlNamesThePosition()
    {
        var error = TestYaml.SingleError("apiVersion: policies.kyverno.io/v1\nkind: ImageValidatingPolicy\nmetadata:\n  name: \"unterminated\n");
        Assert.AreEqual(DiagnosticCodes.InvalidYaml, error.Code);
        Assert.IsGreaterThanOrEqualTo(4, error.Span.Line);
        StringAssert.StartsWith(error.Message, "invalid YAML: ");
    }

    [TestMethod]
    public void DuplicateKeysAreInvalidYaml()
    {
        var error = TestYaml.SingleError(TestYaml.PodPolicy("failurePolicy: Fail\nfailurePolicy: Ignore"));
        Assert.AreEqual(DiagnosticCodes.InvalidYaml, error.Code);
        StringAssert.Contains(error.Message, "failurePolicy");
    }

    [TestMethod]
    public void DocumentsThatAreNotObjectsAreErrors()
    {
        var scalar = TestYaml.SingleError("just text");
        Assert.AreEqual(DiagnosticCodes.Type, scalar.Code);
        var noKind = TestYaml.SingleError("metadata: {name: x}");
        Assert.AreEqual(DiagnosticCodes.Required, noKind.Code);
    }

    [TestMethod]
    public void AliasBombEndsQuicklyWithALimitError()
    {
        // One anchored attestor referenced 20,000 times: small text, a document of 300,000 nodes once aliases
        // expand, more than the default budget of 100,000.
        var text = TestYaml.PodPolicy("""
            attestors:
            - &a {name: a, cosign: {keyless: {identities: [{issuer: i, subject: s}, {issuer: i, subjectRegExp: r}]}, annotations: {x: z}}}
            - [ANCHORS]
            """).Replace("- [ANCHORS]", "- " + string.Join("\n  - ", Enumerable.Repeat("*a", 20_000)));

        var watch = Stopwatch.StartNew();
        var result = TestYaml.Load(text);
        watch.Stop();

        Assert.IsLessThan(5000, watch.ElapsedMilliseconds, $"took {watch.ElapsedMilliseconds} ms");
        var error = result.Errors.Single(e => e.Code == DiagnosticCodes.Limit);
        StringAssert.Contains(error.Message, "alias");
        Assert.AreEqual(100_000, PolicyLoaderOptions.Default.MaxNodesPerDocument);
        Assert.IsEmpty(result.Policies);
    }

    [TestMethod]
    public void ClassicBillionLaughsIsRefusedBeforeExpansion()
    {
        var bomb = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var i = 1; i < 10; i++)
        {
            bomb.Append($"  a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        }

        var watch = Stopwatch.StartNew();
        var error = TestYaml.SingleError(bomb.ToString());
        watch.Stop();

        Assert.AreEqual(DiagnosticCodes.Limit, error.Code);
        StringAssert.Contains(error.Message, "alias");
        Assert.IsLessThan(5000, watch.ElapsedMilliseconds);
    }

    [TestMethod]
    public void PreParsedAliasBombStopsAtTheNodeBudget()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(TestYaml.PodPolicy("""
            attestors:
            - &a {name: a, cosign: {keyless: {identities: [{issuer: i, subject: s}]}}}
            - [ANCHORS]
            """).Replace("- [ANCHORS]", "- " + string.Join("\n  - ", Enumerable.Repeat("*a", 2_000)))));

        var result = PolicyLoader.LoadDocuments(stream.Documents.Select(d => d.RootNode), "nodes.yaml",
            new PolicyLoaderOptions { MaxNodesPerDocument = 5_000 });

        Assert.IsTrue(result.Errors.Any(e => e.Code == DiagnosticCodes.Limit && e.Message.Contains("alias", StringComparison.Ordinal)),
            string.Join("\n", result.Errors.Take(3)));
        Assert.IsEmpty(result.Policies);
    }

    [TestMethod]
    public void DiagnosticsPerDocumentAreCapped()
    {
        var text = TestYaml.PodPolicy("attestors: [" + string.Join(", ", Enumerable.Repeat("1", 5000)) + "]");
        var result = TestYaml.Load(text);
        Assert.IsLessThanOrEqualTo(101, result.Diagnostics.Count);
        Assert.AreEqual(DiagnosticCodes.Limit, result.Diagnostics[^1].Code);
    }

    [TestMethod]
    public void DeepNestingIsRefused()
    {
        var text = "apiVersion: v1\nkind: X\nmetadata: " + new string('[', 5000) + new string(']', 5000) + "\n";
        var error = TestYaml.SingleError(text);
        Assert.AreEqual(DiagnosticCodes.Limit, error.Code);
    }

    [TestMethod]
    public void OversizedInputIsRefused()
    {
        var options = new PolicyLoaderOptions { MaxFileBytes = 1000 };
        var result = PolicyLoader.LoadText(TestYaml.PodPolicy("") + "\n# " + new string('x', 2000), "big.yaml", options);
        Assert.AreEqual(DiagnosticCodes.Limit, result.Errors.Single().Code);

        var path = Path.Combine(RepoPaths.TestWork, "policies-oversized.yaml");
        File.WriteAllText(path, TestYaml.PodPolicy("") + "\n# " + new string('x', 2000));
        var fromFile = PolicyLoader.LoadFile(path, options);
        Assert.AreEqual(DiagnosticCodes.Limit, fromFile.Errors.Single().Code);
        Assert.AreEqual(path, fromFile.Errors[0].Span.File);
    }

    [TestMethod]
    public void MissingFileIsAnError()
    {
        var result = PolicyLoader.LoadFile(Path.Combine(RepoPaths.TestWork, "does-not-exist.yaml"));
        Assert.IsTrue(result.HasErrors);
        StringAssert.Contains(result.Errors[0].Message, "not found");
    }

    [TestMethod]
    public void LoadFilesCombinesInOrder()
    {
        var folder = RepoPaths.Combine("examples", "policies", "current");
        var files = new[] { "notary.yaml", "cosign-keyed.yaml", "exception.yaml" }.Select(f => Path.Combine(folder, f));
        var result = PolicyLoader.LoadFiles(files);
        CollectionAssert.AreEqual(new[] { "require-notary-sbom", "require-release-signature" }, result.Policies.Select(p => p.Name).ToArray());
        Assert.HasCount(1, result.Exceptions);
    }

    [TestMethod]
    public void NullValuesCountAsAbsent()
    {
        var spec = TestYaml.LoadOne(TestYaml.PodPolicy("failurePolicy: null\ncredentials: ~\nvalidationActions:")).Spec;
        Assert.AreEqual(FailurePolicy.Fail, spec.FailurePolicy);
        Assert.IsNull(spec.Credentials);
        CollectionAssert.AreEqual(new[] { ValidationAction.Deny }, spec.ValidationActions.ToArray());
    }

    [TestMethod]
    public void YamlOneOneBooleansAndQuotedStrings()
    {
        var spec = TestYaml.LoadOne(TestYaml.PodPolicy("""
            validationConfigurations: {verifyDigest: no, mutateDigest: True}
            attestors:
            - name: "123"
              cosign:
                key: {data: PEM}
                annotations: {build: "true", count: '3'}
            """)).Spec;
        Assert.AreEqual(new ValidationConfigurations(true, false, true), spec.ValidationConfigurations);
        Assert.AreEqual("123", spec.Attestors[0].Name);
        Assert.AreEqual("true", spec.Attestors[0].Cosign!.Annotations["build"]);

        var error = TestYaml.SingleError(TestYaml.PodPolicy("attestors:\n- name: a\n  cosign:\n    key: {data: PEM}\n    annotations: {build: true}"));
        Assert.AreEqual(DiagnosticCodes.Type, error.Code);
        StringAssert.Contains(error.Message, "quote the value");
    }
}
