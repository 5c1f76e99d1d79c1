using ImageGate.Policies.Model;

namespace ImageGate.Policies.Tests;

[TestClass]
public sealed class PolicyExpressionsTests
{
    [TestMethod]
    public void EveryExpressionIsListedWithItsKindAndPath()
    {
        var policy = TestYaml.LoadOne(TestYaml.PodPolicy("""
            matchConditions: [{name: c, expression: "true"}]
            variables: [{name: v, expression: "1"}]
            images: [{name: i, expression: "[]"}]
            matchImageReferences: [{glob: "a/*"}, {expression: "ref != ''"}]
            attestors:
            - name: k
              cosign:
                key: {expression: variables.key}
                certificate: {cert: {value: PEM}, certChain: {expression: variables.chain}}
                trustedRoot: {expression: variables.root}
                keyless: {identities: [{issuer: i, subjectExpression: "subject.endsWith('@example.com')"}]}
            - name: notary
              notary: {certs: {expression: variables.certs}, tsaCerts: {expression: variables.tsa}}
            validations: [{expression: "true", messageExpression: "'m'"}]
            auditAnnotations: [{key: a, valueExpression: "'x'"}]
            """));

        var listed = PolicyExpressions.Of(policy).Select(e => (e.Kind, e.Expression.Path)).ToList();

        CollectionAssert.AreEqual(new (CelExpressionKind, string)[]
        {
            (CelExpressionKind.MatchCondition, "spec.matchConditions[0].expression"),
            (CelExpressionKind.Variable, "spec.variables[0].expression"),
            (CelExpressionKind.ImageExtractor, "spec.images[0].expression"),
            (CelExpressionKind.ImageReference, "spec.matchImageReferences[1].expression"),
            (CelExpressionKind.AttestorField, "spec.attestors[0].cosign.key.expression"),
            (CelExpressionKind.AttestorField, "spec.attestors[0].cosign.certificate.certChain.expression"),
            (CelExpressionKind.AttestorField, "spec.attestors[0].cosign.trustedRoot.expression"),
            (CelExpressionKind.SubjectExpression, "spec.attestors[0].cosign.keyless.identities[0].subjectExpression"),
            (CelExpressionKind.AttestorField, "spec.attestors[1].notary.certs.expression"),
            (CelExpressionKind.AttestorField, "spec.attestors[1].notary.tsaCerts.expression"),
            (CelExpressionKind.Validation, "spec.validations[0].expression"),
            (CelExpressionKind.MessageExpression, "spec.validations[0].messageExpression"),
            (CelExpressionKind.AuditAnnotation, "spec.auditAnnotations[0].valueExpression"),
        }, listed);
    }

    [TestMethod]
    public void ExceptionConditionsAreListed()
    {
        var exception = TestYaml.Load("""
            apiVersion: policies.kyverno.io/v1
            kind: PolicyException
            metadata: {name: e}
            spec:
              policyRefs: [{name: p, kind: ImageValidatingPolicy}]
              matchConditions: [{name: c, expression: "object.metadata.name == 'x'"}]
            """).Exceptions.Single();
        var listed = PolicyExpressions.Of(exception).Single();
        Assert.AreEqual("object.metadata.name == 'x'", listed.Expression.Text);
        Assert.AreEqual((6, 43), (listed.Expression.Span.Line, listed.Expression.Span.Column));
    }
}
