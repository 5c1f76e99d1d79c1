using System.Text.Json.Nodes;
using ImageGate.Cel;
using ImageGate.Policies.Engine;
using ImageGate.Verification;

namespace ImageGate.Policies.Kyverno;

/// <summary>The opaque context behind the <c>image</c> and <c>imagedata</c> variables.</summary>
internal sealed class ImageDataContext : ICelObject
{
    public static readonly CelType Type = CelType.Opaque("imagedata.Context");
    public static readonly ImageDataContext Instance = new();

    public CelType CelType => Type;

    public bool TryGetField(string name, out object? value)
    {
        value = null;
        return false;
    }
}

/// <summary>Kyverno's image verification library (kyverno-ivpol §2.12) over the <see cref="IImageVerifier"/>
/// port: <c>verifyImageSignatures</c>, <c>verifyAttestationSignatures</c>, <c>extractPayload</c> (seed era:
/// <c>payload</c>), <c>getImageData</c> and <c>image.GetMetadata</c> (seed era: <c>imagedata.Get</c>).</summary>
internal static class VerificationLibrary
{
    private static readonly CelType ListDyn = CelType.List(CelType.Dyn);

    public static void Register(CelEnvironment env)
    {
        env.AddFunction("verifyImageSignatures", "verify_image_signature_string_stringarray",
            [CelType.String, ListDyn], CelType.Int, a => VerifySignatures((string)a[0], a[1]));
        env.AddFunction("verifyAttestationSignatures", "verify_image_attestations_string_string_stringarray",
            [CelType.String, CelType.String, ListDyn], CelType.Int, a => VerifyAttestations((string)a[0], (string)a[1], a[2]));
        foreach (var name in new[] { "extractPayload", "payload" })
        {
            env.AddFunction(name, name + "_string_string", [CelType.String, CelType.String], CelType.Dyn,
                a => ExtractPayload((string)a[0], (string)a[1]));
        }
        env.AddFunction("getImageData", "get_image_data_string", [CelType.String], CelType.Dyn, a => Metadata((string)a[0]));
        foreach (var name in new[] { "GetMetadata", "getMetadata", "Get", "get" })
        {
            env.AddMemberFunction(name, "imagedata_" + name, ImageDataContext.Type, [CelType.String], CelType.Dyn,
                a => Metadata((string)a[1]));
        }
    }

    private static object VerifySignatures(string image, object attestorList)
    {
        var scope = EvaluationScope.Current;
        if (!scope.Policy.ImageMatches(image, scope.Budget))
        {
            return 0L;
        }
        var attestors = ResolveAttestors(scope, attestorList);
        if (attestors.Error is not null)
        {
            return new CelError(attestors.Error);
        }
        return Count(scope, image, attestors.Specs, spec =>
            scope.Verifier.VerifySignatureAsync(image, spec, scope.Access, scope.CancellationToken));
    }

    private static object VerifyAttestations(string image, string attestationName, object attestorList)
    {
        var scope = EvaluationScope.Current;
        if (!scope.Policy.Attestations.TryGetValue(attestationName, out var attestation))
        {
            return new CelError($"attestation not found in policy: {attestationName}");
        }
        if (!scope.Policy.ImageMatches(image, scope.Budget))
        {
            return 0L;
        }
        var attestors = ResolveAttestors(scope, attestorList);
        if (attestors.Error is not null)
        {
            return new CelError(attestors.Error);
        }
        foreach (var spec in attestors.Specs)
        {
            if (spec is NotaryAttestorSpec && attestation.ReferrerType is null)
            {
                return new CelError($"attestation {attestationName} has no referrer type, which a notary attestor needs");
            }
        }
        return Count(scope, image, attestors.Specs, spec =>
            spec is CosignAttestorSpec && attestation.InTotoType is null
                ? Task.FromResult(AttestorOutcome.Failure($"attestation {attestationName} has no in-toto type, which a cosign attestor needs"))
                : scope.Verifier.VerifyAttestationAsync(image, attestation, spec, scope.Access, scope.CancellationToken));
    }

    private static object Count(EvaluationScope scope, string image, IReadOnlyList<AttestorSpec> attestors, Func<AttestorSpec, Task<AttestorOutcome>> verify)
    {
        long count = 0;
        foreach (var spec in attestors)
        {
            AttestorOutcome outcome;
            try
            {
                outcome = verify(spec).GetAwaiter().GetResult();
            }
            catch (ImageAccessException ex)
            {
                return new CelError($"failed to get imagedata: {ex.Message}");
            }
            if (outcome.Verified)
            {
                count++;
            }
            else
            {
                scope.AttestorReasons.Add(new AttestorFailure(image, spec.Name, outcome.Reason ?? "not verified"));
            }
        }
        if (attestors.Count > 0)
        {
            scope.Record.Record(image, count > 0);
        }
        return count;
    }

    private static (IReadOnlyList<AttestorSpec> Specs, string? Error) ResolveAttestors(EvaluationScope scope, object list)
    {
        var specs = new List<AttestorSpec>();
        foreach (var item in Values.ListToArray(list))
        {
            // Seed-era policies pass attestor names; today's pass attestors.<name> values.
            var value = item as AttestorValue ?? (item is string name ? scope.Attestors.GetValueOrDefault(name) : null);
            if (value is null)
            {
                return ([], item is string s ? $"attestor not found in policy: {s}" : $"expected an attestor, got {Values.TypeName(item)}");
            }
            var (spec, error) = value.Resolve();
            if (error is not null)
            {
                return ([], error);
            }
            specs.Add(spec!);
        }
        return (specs, null);
    }

    private static object ExtractPayload(string image, string attestationName)
    {
        var scope = EvaluationScope.Current;
        if (!scope.Policy.Attestations.TryGetValue(attestationName, out var attestation))
        {
            return new CelError($"attestation not found in policy: {attestationName}");
        }
        try
        {
            var payload = scope.Verifier.GetVerifiedPayloadAsync(image, attestation, scope.Access, scope.CancellationToken).GetAwaiter().GetResult();
            return payload is null
                ? new CelError($"failed to get payload: no verified {attestationName} attestation for {image}; call verifyAttestationSignatures first")
                : ActivationValues.OrNull(payload);
        }
        catch (ImageAccessException ex)
        {
            return new CelError($"failed to get payload: {ex.Message}");
        }
    }

    private static object Metadata(string image)
    {
        var scope = EvaluationScope.Current;
        if (scope.Options.ImageContext.TryGetValue(image, out var known))
        {
            return known;
        }
        try
        {
            JsonObject data = scope.Verifier.GetMetadataAsync(image, scope.Access, scope.CancellationToken).GetAwaiter().GetResult();
            return data;
        }
        catch (ImageAccessException ex)
        {
            return new CelError($"failed to get imagedata: {ex.Message}");
        }
    }
}
