using System.Text.Json.Nodes;
using ImageGate.Oci.Client;
using ImageGate.Oci.References;

namespace ImageGate.Verification;

/// <summary>Verifies one kind of attestor (Cosign or Notary) for an image already resolved to its digest.
/// Implementations discover signatures through the registry client and call the pure verifiers.</summary>
public interface IAttestorVerifier
{
    /// <summary>True for the attestor type this verifier handles.</summary>
    bool Handles(AttestorSpec attestor);

    /// <summary>Verifies the image's signatures. A signature that does not verify is a failed outcome;
    /// registry faults throw <see cref="RegistryException"/>.</summary>
    Task<AttestorOutcome> VerifySignatureAsync(ImageTarget image, AttestorSpec attestor, CancellationToken cancellationToken);

    /// <summary>Verifies an attestation; on success the outcome carries the verified payload.</summary>
    Task<AttestationOutcome> VerifyAttestationAsync(ImageTarget image, AttestationSpec attestation, AttestorSpec attestor, CancellationToken cancellationToken);
}

/// <summary>An image pinned to the digest its signatures are made over, with the client to reach it.</summary>
public sealed record ImageTarget(ImageReference Reference, string Digest, IRegistryClient Registry);

/// <summary>The verdict on an attestation and, when verified, its payload (an in-toto statement or a
/// referrer's JSON document).</summary>
public sealed record AttestationOutcome(AttestorOutcome Outcome, JsonNode? Payload)
{
    /// <summary>A failed attestation.</summary>
    public static AttestationOutcome Failure(string reason) => new(AttestorOutcome.Failure(reason), null);
}
