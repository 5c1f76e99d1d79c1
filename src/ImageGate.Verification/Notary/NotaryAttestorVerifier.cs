using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImageGate.Notation;
using ImageGate.Oci.Client;
using ImageGate.Oci.Content;
using ImageGate.Oci.References;

namespace ImageGate.Verification.Notary;

/// <summary>The Notary attestor: finds Notary Project signatures among an artifact's OCI referrers and verifies each
/// envelope with the pure Notation verifier, with the attestor's <c>certs</c> as trust store and <c>tsaCerts</c> as
/// timestamping roots. Attestations are referrers of the requested artifact type that carry their own verified
/// Notary signature; the first such referrer's JSON content is the payload (never an unverified one).</summary>
public sealed class NotaryAttestorVerifier : IAttestorVerifier
{
    /// <summary>Most referrers examined per artifact, as Kyverno.</summary>
    public const int MaxReferrers = 50;

    /// <summary>Most signatures tried per artifact, as notation's <c>MaxSignatureAttempts</c> in Kyverno.</summary>
    public const int MaxSignatureAttempts = 10;

    /// <summary>Largest attestation payload read.</summary>
    public const long MaxPayloadBytes = 10 * 1024 * 1024;

    private readonly NotaryVerifyOptions options;
    private readonly TimeProvider time;
    private readonly ConcurrentDictionary<string, Lazy<(NotaryTrust? Trust, string? Error)>> trusts = new(StringComparer.Ordinal);

    /// <summary>Creates the verifier. <paramref name="options"/> sets revocation checking (online by default);
    /// <paramref name="time"/> is the clock used for validity checks.</summary>
    public NotaryAttestorVerifier(NotaryVerifyOptions? options = null, TimeProvider? time = null)
    {
        this.options = options ?? new NotaryVerifyOptions();
        this.time = time ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public bool Handles(AttestorSpec attestor) => attestor is NotaryAttestorSpec;

    /// <inheritdoc/>
    public async Task<AttestorOutcome> VerifySignatureAsync(ImageTarget image, AttestorSpec attestor, CancellationToken cancellationToken)
    {
        var (trust, error) = Trust((NotaryAttestorSpec)attestor);
        if (trust is null)
        {
            return AttestorOutcome.Failure(error!);
        }
        var target = await ImageDescriptorAsync(image, cancellationToken).ConfigureAwait(false);
        var reason = await VerifySignaturesAsync(image.Registry, image.Reference, target, trust, cancellationToken).ConfigureAwait(false);
        return reason is null ? AttestorOutcome.Success : AttestorOutcome.Failure(reason);
    }

    /// <inheritdoc/>
    public async Task<AttestationOutcome> VerifyAttestationAsync(ImageTarget image, AttestationSpec attestation, AttestorSpec attestor, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(attestation.ReferrerType))
        {
            return AttestationOutcome.Failure($"the notary attestor verifies referrer attestations only; attestation {attestation.Name} has no referrer.type");
        }
        var (trust, error) = Trust((NotaryAttestorSpec)attestor);
        if (trust is null)
        {
            return AttestationOutcome.Failure(error!);
        }
        var referrers = await image.Registry.GetReferrersAsync(image.Reference, image.Digest, attestation.ReferrerType, cancellationToken).ConfigureAwait(false);
        if (referrers.Count == 0)
        {
            return AttestationOutcome.Failure($"no referrers of artifact type {attestation.ReferrerType} found for {image.Digest}");
        }
        var reasons = new List<string>();
        foreach (var referrer in referrers.Take(MaxReferrers))
        {
            var target = new TargetDescriptor(referrer.MediaType, referrer.Digest, referrer.Size);
            var reason = await VerifySignaturesAsync(image.Registry, image.Reference, target, trust, cancellationToken).ConfigureAwait(false);
            if (reason is not null)
            {
                reasons.Add($"referrer {Short(referrer.Digest)}: {reason}");
                continue;
            }
            var (payload, payloadError) = await PayloadAsync(image, referrer, cancellationToken).ConfigureAwait(false);
            if (payload is not null)
            {
                return new AttestationOutcome(AttestorOutcome.Success, payload);
            }
            reasons.Add($"referrer {Short(referrer.Digest)}: {payloadError}");
        }
        return AttestationOutcome.Failure($"no {attestation.ReferrerType} referrer has a verified Notary signature: {string.Join("; ", reasons)}");
    }

    private (NotaryTrust? Trust, string? Error) Trust(NotaryAttestorSpec spec) =>
        trusts.GetOrAdd(spec.CacheKey, _ => new Lazy<(NotaryTrust?, string?)>(() =>
        {
            try
            {
                return (NotaryTrust.FromPem(spec.CertificatesPem, spec.TsaCertificatesPem), null);
            }
            catch (FormatException ex)
            {
                return (null, $"attestor {spec.Name} cannot be used: {ex.Message}");
            }
        })).Value;

    /// <summary>The image manifest's descriptor (media type, digest, size) — what a Notary payload must name. The
    /// reference was resolved before, so the client answers from its cache.</summary>
    private static async Task<TargetDescriptor> ImageDescriptorAsync(ImageTarget image, CancellationToken cancellationToken)
    {
        var resolved = await image.Registry.ResolveAsync(image.Reference, cancellationToken).ConfigureAwait(false);
        if (resolved.Digest != image.Digest)
        {
            resolved = (await image.Registry.GetManifestAsync(image.Reference.WithDigest(image.Digest), cancellationToken).ConfigureAwait(false)).Descriptor;
        }
        return new TargetDescriptor(resolved.MediaType, resolved.Digest, resolved.Size);
    }

    /// <summary>Verifies the Notary signatures attached to <paramref name="target"/>; null when one verified,
    /// otherwise the reason of every failure.</summary>
    private async Task<string?> VerifySignaturesAsync(IRegistryClient registry, ImageReference repository, TargetDescriptor target, NotaryTrust trust, CancellationToken cancellationToken)
    {
        var signatures = await registry.GetReferrersAsync(repository, target.Digest, NotarySignatureManifest.ArtifactType, cancellationToken).ConfigureAwait(false);
        if (signatures.Count == 0)
        {
            return $"no Notary signatures found for {target.Digest}";
        }
        var reasons = new List<string>();
        foreach (var signature in signatures.Take(MaxSignatureAttempts))
        {
            var reason = await VerifyOneAsync(registry, repository, signature, target, trust, cancellationToken).ConfigureAwait(false);
            if (reason is null)
            {
                return null;
            }
            reasons.Add($"signature {Short(signature.Digest)}: {reason}");
        }
        var beyond = signatures.Count > MaxSignatureAttempts ? $"; {signatures.Count - MaxSignatureAttempts} more not tried (at most {MaxSignatureAttempts} attempts)" : "";
        return "no Notary signature verified: " + string.Join("; ", reasons) + beyond;
    }

    private async Task<string?> VerifyOneAsync(IRegistryClient registry, ImageReference repository, Descriptor signature, TargetDescriptor target, NotaryTrust trust, CancellationToken cancellationToken)
    {
        var manifest = await registry.GetManifestAsync(repository.WithDigest(signature.Digest), cancellationToken).ConfigureAwait(false);
        NotarySignatureManifest parsed;
        try
        {
            parsed = NotarySignatureManifest.Parse(manifest.Bytes);
        }
        catch (FormatException ex)
        {
            return ex.Message;
        }
        if (parsed.Subject is { } subject && subject.Digest != target.Digest)
        {
            return $"the signature manifest's subject is {subject.Digest}, not {target.Digest}";
        }
        var envelope = await registry.GetBlobAsync(repository,
            new Descriptor { MediaType = parsed.Envelope.MediaType, Digest = parsed.Envelope.Digest, Size = parsed.Envelope.Size }, cancellationToken).ConfigureAwait(false);
        var result = NotaryVerifier.Verify(envelope, parsed.Envelope.MediaType, target, trust, options, time.GetUtcNow());
        return result.Verified ? null : result.Reason;
    }

    /// <summary>The referrer's JSON content (its first layer), read only after its signature verified.</summary>
    private static async Task<(JsonNode? Payload, string? Error)> PayloadAsync(ImageTarget image, Descriptor referrer, CancellationToken cancellationToken)
    {
        var manifest = await image.Registry.GetManifestAsync(image.Reference.WithDigest(referrer.Digest), cancellationToken).ConfigureAwait(false);
        if (manifest.IsIndex || manifest.Manifest.Layers.Count == 0)
        {
            return (null, "the referrer has no content layer");
        }
        if (manifest.Descriptor.Size != referrer.Size)
        {
            return (null, $"the referrer manifest is {manifest.Descriptor.Size} bytes, its signed descriptor says {referrer.Size}");
        }
        var layer = manifest.Manifest.Layers[0];
        if (layer.Size > MaxPayloadBytes)
        {
            return (null, $"the referrer content is {layer.Size} bytes, more than {MaxPayloadBytes}");
        }
        var bytes = await image.Registry.GetBlobAsync(image.Reference, layer, cancellationToken).ConfigureAwait(false);
        try
        {
            var payload = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
            return payload is null ? (null, "the referrer content is JSON null") : (payload, null);
        }
        catch (JsonException ex)
        {
            return (null, $"the referrer content ({layer.MediaType}) is not JSON: {ex.Message}");
        }
    }

    private static string Short(string digest) => digest.Length > 19 ? digest[..19] + "…" : digest;
}
