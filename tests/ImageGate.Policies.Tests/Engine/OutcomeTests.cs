using System.Text.Json.Nodes;
using ImageGate.Policies.Engine;
using static ImageGate.Policies.Tests.Engine.EngineFixture;

namespace ImageGate.Policies.Tests.Engine;

/// <summary>Every outcome row of kyverno-ivpol §2.9: pass, fail (first failing validation, message,
/// messageExpression, default message), verifyDigest, required, exceptions, errors, no match.</summary>
[TestClass]
public sealed class OutcomeTests
{
    private const string Cosign = """
        attestors:
        - name: cosign
          cosign:
            key:
              data: |
                -----BEGIN PUBLIC KEY-----
                MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE
                -----END PUBLIC KEY-----
        """;

    private static readonly string Signed = "ghcr.io/acme/app@" + Digest;

    [TestMethod]
    public void AllValidationsTrueIsPassWithSuccess()
    {
        var verifier = new InMemoryImageVerifier();
        verifier.Signed.Add((Signed, "cosign"));
        var results = Run(Policy("p", Cosign + """

            validations:
            - expression: images.containers.all(i, verifyImageSignatures(i, [attestors.cosign]) > 0)
              message: not signed
            """), Pod("a", Signed), verifier);
        Assert.HasCount(1, results);
        Assert.AreEqual(PolicyStatus.Pass, results[0].Status, results[0].Message);
        Assert.AreEqual("success", results[0].Message);
        CollectionAssert.AreEqual(new[] { Signed }, results[0].Images.ToArray());
    }

    [TestMethod]
    public void FirstFailingValidationDecidesWithItsMessage()
    {
        var results = Run(Policy("p", Cosign + """

            validationConfigurations:
              required: false
            validations:
            - expression: "true"
            - expression: images.containers.all(i, verifyImageSignatures(i, [attestors.cosign]) > 0)
              message: image is not signed by the release key
            - expression: "1/0 == 1"
            """), Pod("a", Signed));
        Assert.AreEqual(PolicyStatus.Fail, results[0].Status);
        Assert.AreEqual("image is not signed by the release key", results[0].Message);
        Assert.AreEqual(1, results[0].ValidationIndex);
        Assert.IsTrue(results[0].AttestorReasons.Any(r => r.Reason.Contains("no matching signatures")), string.Join("|", results[0].AttestorReasons));
    }

    [TestMethod]
    public void MessageExpressionOverridesMessage()
    {
        var results = Run(Policy("p", Cosign + """

            validations:
            - expression: "false"
              message: static
              messageExpression: "'pod ' + object.metadata.name + ' rejected'"
            """), Pod("web", Signed));
        Assert.AreEqual("pod web rejected", results[0].Message);
    }

    [TestMethod]
    public void EmptyMessageGetsKyvernoDefault()
    {
        var results = Run(Policy("p", Cosign + """

            validations:
            - expression: "true"
            - expression: "false"
            """), Pod("web", Signed));
        Assert.AreEqual("CEL expression validation failed at index 1", results[0].Message);
    }

    [TestMethod]
    public void TagOnlyImageFailsVerifyDigestBeforeAnyRegistryAccess()
    {
        var verifier = new InMemoryImageVerifier();
        var results = Run(Policy("p", Cosign + """

            validations:
            - expression: images.containers.all(i, verifyImageSignatures(i, [attestors.cosign]) > 0)
            """), Pod("a", "ghcr.io/acme/app:1.0"), verifier);
        Assert.AreEqual(PolicyStatus.Fail, results[0].Status);
        Assert.AreEqual("image ghcr.io/acme/app:1.0 does not have a digest", results[0].Message);
        Assert.IsEmpty(verifier.Calls);
    }

    [TestMethod]
    public void RequiredFailsWhenNoPolicyVerifiedTheImage()
    {
        var results = Run(Policy("p", Cosign + """

            validations:
            - expression: "true"
            """), Pod("a", Signed));
        Assert.AreEqual(PolicyStatus.Fail, results[0].Status);
        Assert.AreEqual($"image {Signed} is not verified: no policy performed a signature or attestation check on it", results[0].Message);
    }

    [TestMethod]
    public void RequiredFailsWhenVerificationWasAttemptedAndFailed()
    {
        var results = Run(Policy("p", Cosign + """

            validations:
            - expression: images.containers.all(i, verifyImageSignatures(i, [attestors.cosign]) >= 0)
            """), Pod("a", Signed));
        Assert.AreEqual(PolicyStatus.Fail, results[0].Status);
        Assert.AreEqual($"image {Signed} failed signature or attestation verification", results[0].Message);
    }

    [TestMethod]
    public void RequiredIsSatisfiedByAnotherPolicy()
    {
        var verifier = new InMemoryImageVerifier();
        verifier.Signed.Add((Signed, "cosign"));
        var policies = Policy("checks-only", Cosign + """

            validations:
            - expression: "true"
            """) + "\n---\n" + Policy("verifies", Cosign + """

            validations:
            - expression: images.containers.all(i, verifyImageSignatures(i, [attestors.cosign]) > 0)
            """);
        var results = Run(policies, Pod("a", Signed), verifier);
        Assert.HasCount(2, results);
        Assert.IsTrue(results.All(r => r.Status == PolicyStatus.Pass), string.Join("|", results.Select(r => r.Message)));
    }

    [TestMethod]
    public void RuntimeErrorInValidationIsError()
    {
        var results = Run(Policy("p", Cosign + """

            validations:
            - expression: "object.spec.missing.field == 'x'"
            """), Pod("a", Signed));
        Assert.AreEqual(PolicyStatus.Error, results[0].Status);
        Assert.AreEqual("evaluation", results[0].Rule);
        StringAssert.StartsWith(results[0].Message, "failed to evaluate policy: policy.yaml:21:");
        StringAssert.Contains(results[0].Message, "spec.validations[0].expression");
    }

    [TestMethod]
    public void CompileErrorIsErrorNamingExpressionAndColumnWhileOtherPoliciesRun()
    {
        var policies = Policy("broken", Cosign + """

            validations:
            - expression: "object.metadata.name == "
            """) + "\n---\n" + Policy("fine", Cosign + """

            validationConfigurations:
              required: false
            validations:
            - expression: "true"
            """);
        var results = Run(policies, Pod("a", Signed));
        Assert.HasCount(2, results);
        Assert.AreEqual(PolicyStatus.Error, results[0].Status);
        StringAssert.Contains(results[0].Message, "failed to compile policy");
        StringAssert.Contains(results[0].Message, "spec.validations[0].expression");
        StringAssert.Matches(results[0].Message, new System.Text.RegularExpressions.Regex(@"policy\.yaml:\d+:\d+"));
        Assert.AreEqual(PolicyStatus.Pass, results[1].Status);
    }

    [TestMethod]
    public void NonBooleanValidationDoesNotCompile()
    {
        var results = Run(Policy("p", Cosign + """

            validations:
            - expression: "object.metadata.name"
            """), Pod("a", Signed));
        Assert.AreEqual(PolicyStatus.Error, results[0].Status);
        StringAssert.Contains(results[0].Message, "output is expected to be of type 'bool'");
    }

    [TestMethod]
    public void UnmatchedResourceGivesNoResult()
    {
        var results = Run(Policy("p", Cosign + """

            validations:
            - expression: "false"
            """), """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: c
            data: {}
            """);
        Assert.IsEmpty(results);
    }

    [TestMethod]
    public void FalseMatchConditionGivesNoResult()
    {
        var results = Run(Policy("p", Cosign + """

            matchConditions:
            - name: only-prod
              expression: "object.metadata.namespace == 'prod'"
            validations:
            - expression: "false"
            """), Pod("a", Signed));
        Assert.IsEmpty(results);
    }

    [TestMethod]
    public void MatchConditionErrorFollowsFailurePolicy()
    {
        const string body = """

            matchConditions:
            - name: broken
              expression: "object.spec.nothing.here == 'x'"
            validations:
            - expression: "false"
            """;
        var fail = Run(Policy("p", Cosign + body), Pod("a", Signed));
        Assert.AreEqual(PolicyStatus.Error, fail[0].Status);
        StringAssert.Contains(fail[0].Message, "matchCondition broken");
        var ignore = Run(Policy("p", Cosign + "\nfailurePolicy: Ignore" + body), Pod("a", Signed));
        Assert.IsEmpty(ignore);
    }

    [TestMethod]
    public void AuditAnnotationsAreReportedAndNullOrEmptyOmitted()
    {
        var results = Run(Policy("p", Cosign + """

            validationConfigurations:
              required: false
            auditAnnotations:
            - key: pod
              valueExpression: "string(object.metadata.name)"
            - key: empty
              valueExpression: "''"
            - key: none
              valueExpression: "null"
            validations:
            - expression: "true"
            """), Pod("web", Signed));
        Assert.AreEqual(PolicyStatus.Pass, results[0].Status, results[0].Message);
        Assert.HasCount(1, results[0].AuditAnnotations);
        Assert.AreEqual("web", results[0].AuditAnnotations["pod"]);
    }

    [TestMethod]
    public void VariablesAreLazyAndTyped()
    {
        var results = Run(Policy("p", Cosign + """

            validationConfigurations:
              required: false
            variables:
            - name: name
              expression: "object.metadata.name"
            - name: isWeb
              expression: "variables.name == 'web'"
            - name: explodes
              expression: "1/0"
            validations:
            - expression: "variables.isWeb"
            """), Pod("web", Signed));
        Assert.AreEqual(PolicyStatus.Pass, results[0].Status, results[0].Message);
    }

    [TestMethod]
    public void AttestationPayloadIsUsableOnlyAfterVerification()
    {
        var verifier = new InMemoryImageVerifier();
        verifier.Signed.Add((Signed, "cosign"));
        verifier.Payloads[(Signed, "sbom")] = JsonNode.Parse("""{"predicateType":"https://cyclonedx.org/bom","predicate":{"bomFormat":"CycloneDX"}}""")!;
        const string attestation = """

            attestations:
            - name: sbom
              intoto:
                type: https://cyclonedx.org/bom
            """;
        var verified = Run(Policy("p", Cosign + attestation + """

            validations:
            - expression: >-
                images.containers.all(i, verifyAttestationSignatures(i, attestations.sbom, [attestors.cosign]) > 0
                && extractPayload(i, attestations.sbom).predicate.bomFormat == 'CycloneDX')
            """), Pod("a", Signed), verifier);
        Assert.AreEqual(PolicyStatus.Pass, verified[0].Status, verified[0].Message);

        // A fresh run in which nothing verified the attestation: the payload must not be handed out.
        var fresh = new InMemoryImageVerifier();
        fresh.Signed.Add((Signed, "cosign"));
        fresh.Payloads[(Signed, "sbom")] = verifier.Payloads[(Signed, "sbom")];
        var unverified = Run(Policy("p", Cosign + attestation + """

            validations:
            - expression: "images.containers.all(i, extractPayload(i, attestations.sbom).predicate.bomFormat == 'CycloneDX')"
            """), Pod("a", Signed), fresh);
        Assert.AreEqual(PolicyStatus.Error, unverified[0].Status, unverified[0].Message);
        StringAssert.Contains(unverified[0].Message, "failed to get payload");
    }

    [TestMethod]
    public void UnknownAttestationIsAnError()
    {
        var results = Run(Policy("p", Cosign + """

            validations:
            - expression: "images.containers.all(i, verifyAttestationSignatures(i, 'nope', [attestors.cosign]) > 0)"
            """), Pod("a", Signed));
        Assert.AreEqual(PolicyStatus.Error, results[0].Status);
        StringAssert.Contains(results[0].Message, "attestation not found in policy: nope");
    }

    [TestMethod]
    public void ImagesOutsideMatchImageReferencesAreNotVerified()
    {
        var verifier = new InMemoryImageVerifier();
        var results = Run(Policy("p", Cosign + """

            matchImageReferences:
            - glob: "registry.example.com/*"
            validations:
            - expression: images.containers.all(i, verifyImageSignatures(i, [attestors.cosign]) > 0)
            """), Pod("a", Signed), verifier);
        Assert.AreEqual(PolicyStatus.Pass, results[0].Status, results[0].Message);
        Assert.IsEmpty(results[0].Images);
        Assert.IsEmpty(verifier.Calls);
    }
}
