using ImageGate.Policies.Validation;

namespace ImageGate.Policies.Tests;

/// <summary>Every CRD rule (required, enum, oneOf, type, unknown field) in both vocabularies: one invalid
/// field in an otherwise valid policy gives exactly one error with the right code and field path.</summary>
[TestClass]
public sealed class SchemaRuleTests
{
    private const string Cosign = "attestors:\n- name: a\n  cosign:\n";

    [TestMethod]
    // required
    [DataRow("v1", "attestors:\n- cosign: {key: {data: PEM}}", DiagnosticCodes.Required, "spec.attestors[0].name")]
    [DataRow("v1alpha1", "attestors:\n- notary: {certs: PEM}", DiagnosticCodes.Required, "spec.attestors[0].name")]
    [DataRow("v1", "attestations:\n- intoto: {type: x}", DiagnosticCodes.Required, "spec.attestations[0].name")]
    [DataRow("v1", "attestations:\n- name: a\n  intoto: {}", DiagnosticCodes.Required, "spec.attestations[0].intoto.type")]
    [DataRow("v1alpha1", "attestations:\n- name: a\n  referrer: {}", DiagnosticCodes.Required, "spec.attestations[0].referrer.type")]
    [DataRow("v1", "images:\n- expression: \"[]\"", DiagnosticCodes.Required, "spec.images[0].name")]
    [DataRow("v1", "images:\n- name: x", DiagnosticCodes.Required, "spec.images[0].expression")]
    [DataRow("v1", "variables:\n- name: x", DiagnosticCodes.Required, "spec.variables[0].expression")]
    [DataRow("v1", "variables:\n- expression: \"1\"", DiagnosticCodes.Required, "spec.variables[0].name")]
    [DataRow("v1", "matchConditions:\n- expression: \"true\"", DiagnosticCodes.Required, "spec.matchConditions[0].name")]
    [DataRow("v1alpha1", "matchConditions:\n- name: x", DiagnosticCodes.Required, "spec.matchConditions[0].expression")]
    [DataRow("v1", "validations:\n- message: m", DiagnosticCodes.Required, "spec.validations[0].expression")]
    [DataRow("v1", "auditAnnotations:\n- key: k", DiagnosticCodes.Required, "spec.auditAnnotations[0].valueExpression")]
    [DataRow("v1", "auditAnnotations:\n- valueExpression: \"'v'\"", DiagnosticCodes.Required, "spec.auditAnnotations[0].key")]
    [DataRow("v1", Cosign + "    keyless: {roots: PEM}", DiagnosticCodes.Required, "spec.attestors[0].cosign.keyless.identities")]
    [DataRow("v1alpha1", Cosign + "    keyless: {}", DiagnosticCodes.Required, "spec.attestors[0].cosign.keyless.identities")]
    // enum
    [DataRow("v1", "failurePolicy: Abort", DiagnosticCodes.Enum, "spec.failurePolicy")]
    [DataRow("v1alpha1", "failurePolicy: fail", DiagnosticCodes.Enum, "spec.failurePolicy")]
    [DataRow("v1", "validationActions: [Deny, Block]", DiagnosticCodes.Enum, "spec.validationActions[1]")]
    [DataRow("v1alpha1", "validationActions: [test]", DiagnosticCodes.Enum, "spec.validationActions[0]")]
    [DataRow("v1", "evaluation: {mode: Envoy}", DiagnosticCodes.Enum, "spec.evaluation.mode")]
    [DataRow("v1alpha1", "evaluation: {mode: HTTP}", DiagnosticCodes.Enum, "spec.evaluation.mode")]
    [DataRow("v1", "credentials: {providers: [docker]}", DiagnosticCodes.Enum, "spec.credentials.providers[0]")]
    [DataRow("v1", Cosign + "    key: {data: PEM, hashAlgorithm: md5}", DiagnosticCodes.Enum, "spec.attestors[0].cosign.key.hashAlgorithm")]
    // oneOf
    [DataRow("v1", "attestors:\n- name: a", DiagnosticCodes.OneOf, "spec.attestors[0]")]
    [DataRow("v1alpha1", "attestors:\n- name: a\n  cosign: {key: {data: PEM}}\n  notary: {certs: PEM}", DiagnosticCodes.OneOf, "spec.attestors[0]")]
    [DataRow("v1", Cosign + "    certificate: {cert: {}}", DiagnosticCodes.OneOf, "spec.attestors[0].cosign.certificate.cert")]
    [DataRow("v1", Cosign + "    certificate: {certChain: {value: PEM, expression: x}}", DiagnosticCodes.OneOf, "spec.attestors[0].cosign.certificate.certChain")]
    [DataRow("v1", Cosign + "    key: {data: PEM}\n    trustedRoot: {value: JSON, expression: x}", DiagnosticCodes.OneOf, "spec.attestors[0].cosign.trustedRoot")]
    [DataRow("v1alpha1", Cosign + "    key: {data: PEM}\n    trustedRoot: {}", DiagnosticCodes.OneOf, "spec.attestors[0].cosign.trustedRoot")]
    [DataRow("v1", "attestors:\n- name: a\n  notary: {certs: {value: PEM}, tsaCerts: {value: PEM, expression: x}}", DiagnosticCodes.OneOf, "spec.attestors[0].notary.tsaCerts")]
    [DataRow("v1", "matchImageReferences:\n- {}", DiagnosticCodes.OneOf, "spec.matchImageReferences[0]")]
    [DataRow("v1", "matchImageReferences:\n- {glob: a, expression: b}", DiagnosticCodes.OneOf, "spec.matchImageReferences[0]")]
    [DataRow("v1alpha1", "imageRules:\n- {}", DiagnosticCodes.OneOf, "spec.imageRules[0]")]
    [DataRow("v1alpha1", "imageRules:\n- {glob: a, cel: b}", DiagnosticCodes.OneOf, "spec.imageRules[0]")]
    [DataRow("v1alpha1", "imageRules: [{glob: a}]\nmatchImageReferences: [{glob: a}]", DiagnosticCodes.OneOf, "spec.imageRules")]
    [DataRow("v1alpha1", "verifyDigest: false\nvalidationConfigurations: {required: false}", DiagnosticCodes.OneOf, "spec.verifyDigest")]
    [DataRow("v1alpha1", "generation: {podControllers: {controllers: []}}\nautogen: {podControllers: {controllers: []}}", DiagnosticCodes.OneOf, "spec.generation")]
    [DataRow("v1", Cosign + "    key: {hashAlgorithm: sha256}", DiagnosticCodes.OneOf, "spec.attestors[0].cosign.key")]
    [DataRow("v1alpha1", Cosign + "    key: {}", DiagnosticCodes.OneOf, "spec.attestors[0].cosign.key")]
    // types
    [DataRow("v1", "validationConfigurations: {verifyDigest: \"false\"}", DiagnosticCodes.Type, "spec.validationConfigurations.verifyDigest")]
    [DataRow("v1alpha1", "verifyDigest: \"false\"", DiagnosticCodes.Type, "spec.verifyDigest")]
    [DataRow("v1", "webhookConfiguration: {timeoutSeconds: ten}", DiagnosticCodes.Type, "spec.webhookConfiguration.timeoutSeconds")]
    [DataRow("v1", "attestors:\n- name: 123\n  notary: {certs: {value: PEM}}", DiagnosticCodes.Type, "spec.attestors[0].name")]
    [DataRow("v1", "attestors: {name: a}", DiagnosticCodes.Type, "spec.attestors")]
    [DataRow("v1", "credentials: [default]", DiagnosticCodes.Type, "spec.credentials")]
    [DataRow("v1", "validations:\n- expression: true", DiagnosticCodes.Type, "spec.validations[0].expression")]
    [DataRow("v1", Cosign + "    keyless: {identities: [{issuer: a}]}\n    ctlog: {insecureIgnoreSCT: yes please}", DiagnosticCodes.Type, "spec.attestors[0].cosign.ctlog.insecureIgnoreSCT")]
    [DataRow("v1", Cosign + "    key: {data: PEM}\n    annotations: {a: [b]}", DiagnosticCodes.Type, "spec.attestors[0].cosign.annotations.a")]
    [DataRow("v1beta1", Cosign + "    certificate: {cert: PEM}", DiagnosticCodes.Type, "spec.attestors[0].cosign.certificate.cert")]
    [DataRow("v1", "attestors:\n- name: a\n  notary: {certs: PEM}", DiagnosticCodes.Type, "spec.attestors[0].notary.certs")]
    [DataRow("v1beta1", "attestors:\n- name: a\n  notary: {certs: {value: PEM}, tsaCerts: PEM}", DiagnosticCodes.Type, "spec.attestors[0].notary.tsaCerts")]
    // unknown fields, including which apiVersion allows which field
    [DataRow("v1", "matchImageReference: [{glob: a}]", DiagnosticCodes.UnknownField, "spec.matchImageReference")]
    [DataRow("v1alpha1", "validation: []", DiagnosticCodes.UnknownField, "spec.validation")]
    [DataRow("v1", Cosign + "    key: {data: PEM, cel: x}", DiagnosticCodes.UnknownField, "spec.attestors[0].cosign.key.cel")]
    [DataRow("v1", "matchImageReferences: [{glob: a, cel: b}]", DiagnosticCodes.UnknownField, "spec.matchImageReferences[0].cel")]
    [DataRow("v1alpha1", "imageRules: [{glob: a, expression: b}]", DiagnosticCodes.UnknownField, "spec.imageRules[0].expression")]
    [DataRow("v1", "imageRules: [{glob: a}]", DiagnosticCodes.UnknownField, "spec.imageRules")]
    [DataRow("v1beta1", "imageRules: [{glob: a}]", DiagnosticCodes.UnknownField, "spec.imageRules")]
    [DataRow("v1", "mutateDigest: false", DiagnosticCodes.UnknownField, "spec.mutateDigest")]
    [DataRow("v1beta1", "verifyDigest: false", DiagnosticCodes.UnknownField, "spec.verifyDigest")]
    [DataRow("v1", "required: false", DiagnosticCodes.UnknownField, "spec.required")]
    [DataRow("v1", "generation: {podControllers: {controllers: []}}", DiagnosticCodes.UnknownField, "spec.generation")]
    [DataRow("v1beta1", Cosign + "    key: {secretRef: {name: k}}", DiagnosticCodes.UnknownField, "spec.attestors[0].cosign.key.secretRef")]
    [DataRow("v1", "validationConfigurations: {verifyDigests: false}", DiagnosticCodes.UnknownField, "spec.validationConfigurations.verifyDigests")]
    [DataRow("v1", "autogen: {podControllers: {controller: [jobs]}}", DiagnosticCodes.UnknownField, "spec.autogen.podControllers.controller")]
    [DataRow("v1", "evaluation: {background: {enable: false}}", DiagnosticCodes.UnknownField, "spec.evaluation.background.enable")]
    [DataRow("v1", Cosign + "    keyless: {identities: [{issuer: a, subjectRegexp: b}]}", DiagnosticCodes.UnknownField, "spec.attestors[0].cosign.keyless.identities[0].subjectRegexp")]
    [DataRow("v1", Cosign + "    key: {data: PEM}\n    source: {pullSecrets: [{name: s}]}", DiagnosticCodes.UnknownField, "spec.attestors[0].cosign.source.pullSecrets")]
    [DataRow("v1", Cosign + "    key: {data: PEM}\n    ctlog: {rekorURL: x}", DiagnosticCodes.UnknownField, "spec.attestors[0].cosign.ctlog.rekorURL")]
    [DataRow("v1", Cosign + "    key: {data: PEM}\n    tuf: {root: {file: x}}", DiagnosticCodes.UnknownField, "spec.attestors[0].cosign.tuf.root.file")]
    [DataRow("v1", "attestors:\n- name: a\n  notary: {certs: {value: PEM}, roots: x}", DiagnosticCodes.UnknownField, "spec.attestors[0].notary.roots")]
    [DataRow("v1", "attestations:\n- name: a\n  intoto: {type: x}\n  oci: {type: y}", DiagnosticCodes.UnknownField, "spec.attestations[0].oci")]
    [DataRow("v1", "webhookConfiguration: {timeout: 5}", DiagnosticCodes.UnknownField, "spec.webhookConfiguration.timeout")]
    public void OneInvalidFieldGivesOneError(string version, string extra, string code, string path)
    {
        var error = TestYaml.SingleError(TestYaml.PodPolicy(extra, version));

        Assert.AreEqual(code, error.Code, error.ToString());
        Assert.AreEqual(path, error.Path, error.ToString());
        Assert.AreEqual(DiagnosticSeverity.Error, error.Severity);
        Assert.AreEqual("policy.yaml", error.Span.File);
        Assert.IsGreaterThan(0, error.Span.Line);
    }

    [TestMethod]
    [DataRow("resourceRules:\n    - {apiGroups: [\"\"], apiVersions: [v1], operations: [CREATE, PATCH], resources: [pods]}", DiagnosticCodes.Enum, "spec.matchConstraints.resourceRules[0].operations[1]")]
    [DataRow("resourceRules:\n    - {apiGroups: [\"\"], apiVersions: [v1], operations: [CREATE], resources: [pods], scope: Global}", DiagnosticCodes.Enum, "spec.matchConstraints.resourceRules[0].scope")]
    [DataRow("resourceRules:\n    - {apiGroups: [\"\"], apiVersions: [v1], operations: [CREATE], resources: [pods]}\n    matchPolicy: Fuzzy", DiagnosticCodes.Enum, "spec.matchConstraints.matchPolicy")]
    [DataRow("resourceRules:\n    - {apiGroups: [\"\"], apiVersions: [v1], operations: [CREATE], resources: [pods]}\n    namespaceSelector: {matchExpressions: [{key: a, operator: Like, values: [b]}]}", DiagnosticCodes.Enum, "spec.matchConstraints.namespaceSelector.matchExpressions[0].operator")]
    [DataRow("resourceRules:\n    - {apiGroups: [\"\"], apiVersions: [v1], operations: [CREATE], resources: [pods]}\n    objectSelector: {matchExpressions: [{operator: Exists}]}", DiagnosticCodes.Required, "spec.matchConstraints.objectSelector.matchExpressions[0].key")]
    [DataRow("resourceRules:\n    - {apiGroups: [\"\"], apiVersions: [v1], operations: [CREATE], resources: [pods]}\n    objectSelector: {matchExpressions: [{key: a, operator: In}]}", DiagnosticCodes.Required, "spec.matchConstraints.objectSelector.matchExpressions[0].values")]
    [DataRow("resourceRules:\n    - {apiGroups: [\"\"], apiVersions: [v1], operations: [CREATE], resources: [pods]}\n    objectSelector: {matchExpressions: [{key: a, operator: Exists, values: [b]}]}", DiagnosticCodes.Invalid, "spec.matchConstraints.objectSelector.matchExpressions[0].values")]
    [DataRow("resourceRules:\n    - {apiGroups: [\"\"], apiVersions: [v1], operations: [CREATE], resources: [pods], verbs: [get]}", DiagnosticCodes.UnknownField, "spec.matchConstraints.resourceRules[0].verbs")]
    [DataRow("resourceRules:\n    - {apiGroups: [\"\"], apiVersions: [v1], operations: [CREATE], resources: pods}", DiagnosticCodes.Type, "spec.matchConstraints.resourceRules[0].resources")]
    [DataRow("namespaceSelector: {}", DiagnosticCodes.Required, "spec.matchConstraints.resourceRules")]
    [DataRow("resourceRules: []", DiagnosticCodes.Required, "spec.matchConstraints.resourceRules")]
    public void MatchConstraintRules(string matchConstraints, string code, string path)
    {
        foreach (var version in new[] { "v1alpha1", "v1" })
        {
            var text = TestYaml.Policy($"""
                matchConstraints:
                    {matchConstraints}
                attestors: []
                validations: []
                """, version);
            var error = TestYaml.SingleError(text);
            Assert.AreEqual(code, error.Code, error.ToString());
            Assert.AreEqual(path, error.Path, error.ToString());
        }
    }

    [TestMethod]
    public void MissingMatchConstraintsIsRejected()
    {
        var error = TestYaml.SingleError(TestYaml.Policy("attestors: []\nvalidations: []"));
        Assert.AreEqual(DiagnosticCodes.Required, error.Code);
        Assert.AreEqual("spec.matchConstraints", error.Path);
    }

    [TestMethod]
    [DataRow("attestors")]
    [DataRow("validations")]
    public void SpecRequiredLists(string field)
    {
        foreach (var version in new[] { "v1alpha1", "v1beta1", "v1" })
        {
            var other = field == "attestors" ? "validations: []" : "attestors: []";
            var error = TestYaml.SingleError(TestYaml.Policy(TestYaml.PodRules + "\n" + other, version));
            Assert.AreEqual(DiagnosticCodes.Required, error.Code);
            Assert.AreEqual("spec." + field, error.Path);
        }
    }

    [TestMethod]
    public void TopLevelRules()
    {
        var noSpec = TestYaml.SingleError("apiVersion: policies.kyverno.io/v1\nkind: ImageValidatingPolicy\nmetadata: {name: a}\n");
        Assert.AreEqual(("required", "spec"), (noSpec.Code, noSpec.Path));

        var noName = TestYaml.SingleError(TestYaml.PodPolicy("").Replace("  name: test", "  labels: {a: b}"));
        Assert.AreEqual(("required", "metadata.name"), (noName.Code, noName.Path));

        var extra = TestYaml.SingleError(TestYaml.PodPolicy("") + "\nspecs: {}\n");
        Assert.AreEqual(("unknown-field", "specs"), (extra.Code, extra.Path));

        var status = TestYaml.Load(TestYaml.PodPolicy("") + "\nstatus: {conditionStatus: {ready: true}, autogen: {configs: {}}}\n");
        Assert.IsFalse(status.HasErrors, "status is allowed and ignored");
    }

    [TestMethod]
    public void ServedVersions()
    {
        var nivpol = TestYaml.SingleError(TestYaml.PodPolicy("", "v1alpha1", "NamespacedImageValidatingPolicy"));
        Assert.AreEqual(("enum", "apiVersion"), (nivpol.Code, nivpol.Path));
        StringAssert.Contains(nivpol.Message, "policies.kyverno.io/v1beta1");

        var v2 = TestYaml.SingleError(TestYaml.PodPolicy("", "v2"));
        Assert.AreEqual(("enum", "apiVersion"), (v2.Code, v2.Path));
    }

    [TestMethod]
    public void DuplicateValidationActionIsRejected()
    {
        var error = TestYaml.SingleError(TestYaml.PodPolicy("validationActions: [Audit, Audit]"));
        Assert.AreEqual((DiagnosticCodes.Invalid, "spec.validationActions[1]"), (error.Code, error.Path));
    }

    [TestMethod]
    [DataRow("policyRefs: [{name: p}]", DiagnosticCodes.Required, "spec.policyRefs[0].kind")]
    [DataRow("policyRefs: [{kind: ImageValidatingPolicy}]", DiagnosticCodes.Required, "spec.policyRefs[0].name")]
    [DataRow("matchConditions: []", DiagnosticCodes.Required, "spec.policyRefs")]
    [DataRow("policyRefs: [{name: p, kind: ImageValidatingPolicy}]\n  reportResult: fail", DiagnosticCodes.Enum, "spec.reportResult")]
    [DataRow("policyRefs: [{name: p, kind: ImageValidatingPolicy}]\n  expiresAt: tomorrow", DiagnosticCodes.Type, "spec.expiresAt")]
    [DataRow("policyRefs: [{name: p, kind: ImageValidatingPolicy}]\n  matchConditions: [{name: a}]", DiagnosticCodes.Required, "spec.matchConditions[0].expression")]
    [DataRow("policyRefs: [{name: p, kind: ImageValidatingPolicy}]\n  exclude: {}", DiagnosticCodes.UnknownField, "spec.exclude")]
    public void ExceptionRules(string spec, string code, string path)
    {
        foreach (var version in new[] { "v1alpha1", "v1beta1", "v1" })
        {
            var error = TestYaml.SingleError($"""
                apiVersion: policies.kyverno.io/{version}
                kind: PolicyException
                metadata: {"{"}name: e{"}"}
                spec:
                  {spec}
                """);
            Assert.AreEqual(code, error.Code, error.ToString());
            Assert.AreEqual(path, error.Path, error.ToString());
        }
    }
}
