using System.Text.Json.Nodes;
using ImageGate.Verification;

namespace ImageGate.Policies.Tests.Engine;

/// <summary>The engine's verification port answered from memory: which attestor verifies which image,
/// which digests tags resolve to, and a count of every call so tests can assert "no registry access".</summary>
internal sealed class InMemoryImageVerifier : IImageVerifier
{
    public Dictionary<string, string> Digests { get; } = new();

    /// <summary>(image, attestor name) pairs that verify.</summary>
    public HashSet<(string Image, string Attestor)> Signed { get; } = [];

    /// <summary>(image, attestation name) → payload, verified by any attestor in <see cref="Signed"/>.</summary>
    public Dictionary<(string Image, string Attestation), JsonNode> Payloads { get; } = new();

    public List<string> Calls { get; } = [];

    private readonly HashSet<(string, string)> verifiedPayloads = [];

    public Task<string> ResolveDigestAsync(string image, RegistryAccess access, CancellationToken cancellationToken)
    {
        Calls.Add("resolve " + image);
        return Digests.TryGetValue(image, out var d)
            ? Task.FromResult(d)
            : throw new ImageAccessException("manifest unknown");
    }

    public Task<AttestorOutcome> VerifySignatureAsync(string image, AttestorSpec attestor, RegistryAccess access, CancellationToken cancellationToken)
    {
        Calls.Add($"verify {image} {attestor.Name}");
        return Task.FromResult(Signed.Contains((image, attestor.Name)) ? AttestorOutcome.Success : AttestorOutcome.Failure("no matching signatures"));
    }

    public Task<AttestorOutcome> VerifyAttestationAsync(string image, AttestationSpec attestation, AttestorSpec attestor, RegistryAccess access, CancellationToken cancellationToken)
    {
        Calls.Add($"attest {image} {attestation.Name} {attestor.Name}");
        if (Signed.Contains((image, attestor.Name)) && Payloads.ContainsKey((image, attestation.Name)))
        {
            verifiedPayloads.Add((image, attestation.Name));
            return Task.FromResult(AttestorOutcome.Success);
        }
        return Task.FromResult(AttestorOutcome.Failure($"required predicate type {attestation.InTotoType} not found"));
    }

    public Task<JsonNode?> GetVerifiedPayloadAsync(string image, AttestationSpec attestation, RegistryAccess access, CancellationToken cancellationToken) =>
        Task.FromResult(verifiedPayloads.Contains((image, attestation.Name)) ? Payloads[(image, attestation.Name)].DeepClone() : null);

    public Task<JsonObject> GetMetadataAsync(string image, RegistryAccess access, CancellationToken cancellationToken)
    {
        Calls.Add("metadata " + image);
        return Task.FromResult(new JsonObject { ["image"] = image, ["config"] = new JsonObject { ["os"] = "linux", ["architecture"] = "amd64" } });
    }
}
