using System.Text.Json.Nodes;
using ImageGate.Verification;

namespace ImageGate.Policies.Engine;

/// <summary>A verification port for runs that must not reach any registry: every call is an error.</summary>
public sealed class NoRegistry : IImageVerifier
{
    /// <summary>The instance.</summary>
    public static NoRegistry Instance { get; } = new();

    private static ImageAccessException Refused(string image) => new($"{image}: registry access is disabled for this run");

    /// <inheritdoc/>
    public Task<string> ResolveDigestAsync(string image, RegistryAccess access, CancellationToken cancellationToken) => throw Refused(image);

    /// <inheritdoc/>
    public Task<AttestorOutcome> VerifySignatureAsync(string image, AttestorSpec attestor, RegistryAccess access, CancellationToken cancellationToken) => throw Refused(image);

    /// <inheritdoc/>
    public Task<AttestorOutcome> VerifyAttestationAsync(string image, AttestationSpec attestation, AttestorSpec attestor, RegistryAccess access, CancellationToken cancellationToken) => throw Refused(image);

    /// <inheritdoc/>
    public Task<JsonNode?> GetVerifiedPayloadAsync(string image, AttestationSpec attestation, RegistryAccess access, CancellationToken cancellationToken) => throw Refused(image);

    /// <inheritdoc/>
    public Task<JsonObject> GetMetadataAsync(string image, RegistryAccess access, CancellationToken cancellationToken) => throw Refused(image);
}
