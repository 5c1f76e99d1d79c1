using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImageGate.Oci.Client;
using ImageGate.Oci.References;

namespace ImageGate.Verification;

/// <summary>The engine's verification port over real registries: digests, metadata, and attestor
/// verification delegated to the Cosign and Notary verifiers. Every answer is memoised for the run —
/// digests per reference, verdicts per (image digest, attestor, attestation) — so a second policy over
/// the same image costs no request.</summary>
public sealed class RegistryImageVerifier : IImageVerifier
{
    private readonly Func<RegistryAccess, IRegistryClient> clients;
    private readonly IReadOnlyList<IAttestorVerifier> verifiers;
    private readonly ConcurrentDictionary<(string Image, bool Insecure), Lazy<Task<ImageTarget>>> targets = new();
    private readonly ConcurrentDictionary<(string Image, string Attestor, string? Attestation), Lazy<Task<AttestationOutcome>>> verdicts = new();
    private readonly ConcurrentDictionary<(string Image, string Attestation), JsonNode> payloads = new();
    private readonly ConcurrentDictionary<(string Image, bool Insecure), Lazy<Task<JsonObject>>> metadata = new();

    /// <summary>Creates the verifier. <paramref name="clients"/> gives the registry client for a policy's
    /// credentials block; <paramref name="verifiers"/> are the attestor verifiers (Cosign, Notary).</summary>
    public RegistryImageVerifier(Func<RegistryAccess, IRegistryClient> clients, IEnumerable<IAttestorVerifier> verifiers)
    {
        this.clients = clients;
        this.verifiers = [.. verifiers];
    }

    /// <inheritdoc/>
    public async Task<string> ResolveDigestAsync(string image, RegistryAccess access, CancellationToken cancellationToken) =>
        (await TargetAsync(image, access, cancellationToken).ConfigureAwait(false)).Digest;

    /// <inheritdoc/>
    public async Task<AttestorOutcome> VerifySignatureAsync(string image, AttestorSpec attestor, RegistryAccess access, CancellationToken cancellationToken)
    {
        var target = await TargetAsync(image, access, cancellationToken).ConfigureAwait(false);
        var verifier = VerifierFor(attestor);
        var outcome = await Memoised((Key(target), attestor.CacheKey, null), async () =>
            new AttestationOutcome(await verifier.VerifySignatureAsync(target, attestor, cancellationToken).ConfigureAwait(false), null)).ConfigureAwait(false);
        return outcome.Outcome;
    }

    /// <inheritdoc/>
    public async Task<AttestorOutcome> VerifyAttestationAsync(string image, AttestationSpec attestation, AttestorSpec attestor, RegistryAccess access, CancellationToken cancellationToken)
    {
        var target = await TargetAsync(image, access, cancellationToken).ConfigureAwait(false);
        var verifier = VerifierFor(attestor);
        var key = attestation.Name + "\u001f" + attestation.InTotoType + "\u001f" + attestation.ReferrerType;
        var outcome = await Memoised((Key(target), attestor.CacheKey, key),
            () => verifier.VerifyAttestationAsync(target, attestation, attestor, cancellationToken)).ConfigureAwait(false);
        if (outcome.Outcome.Verified && outcome.Payload is not null)
        {
            payloads.TryAdd((Key(target), attestation.Name), outcome.Payload);
        }
        return outcome.Outcome;
    }

    /// <inheritdoc/>
    public async Task<JsonNode?> GetVerifiedPayloadAsync(string image, AttestationSpec attestation, RegistryAccess access, CancellationToken cancellationToken)
    {
        var target = await TargetAsync(image, access, cancellationToken).ConfigureAwait(false);
        return payloads.TryGetValue((Key(target), attestation.Name), out var payload) ? payload.DeepClone() : null;
    }

    /// <inheritdoc/>
    public async Task<JsonObject> GetMetadataAsync(string image, RegistryAccess access, CancellationToken cancellationToken)
    {
        var lazy = metadata.GetOrAdd((image, access.AllowInsecureRegistry), _ => new Lazy<Task<JsonObject>>(() => FetchMetadataAsync(image, access, cancellationToken)));
        return (JsonObject)(await lazy.Value.ConfigureAwait(false)).DeepClone();
    }

    private async Task<JsonObject> FetchMetadataAsync(string image, RegistryAccess access, CancellationToken cancellationToken)
    {
        var reference = Parse(image);
        var client = clients(access);
        try
        {
            var resolved = await client.GetImageAsync(reference, null, cancellationToken).ConfigureAwait(false);
            JsonNode? config = null;
            if (resolved.Manifest.Manifest.Config is { Digest.Length: > 0 } configDescriptor)
            {
                var bytes = await client.GetBlobAsync(reference, configDescriptor, cancellationToken).ConfigureAwait(false);
                config = ParseJson(bytes, $"config of {image}");
            }
            return new JsonObject
            {
                ["image"] = image,
                ["resolvedImage"] = resolved.PinnedReference,
                ["registry"] = reference.Registry,
                ["repository"] = reference.Repository,
                ["identifier"] = reference.Identifier,
                ["tag"] = reference.IsDigest ? "" : reference.Tag,
                ["digest"] = resolved.Digest,
                ["imageIndex"] = resolved.Index is { } index ? ParseJson(index.Bytes, $"index of {image}") : null,
                ["manifest"] = ParseJson(resolved.Manifest.Bytes, $"manifest of {image}"),
                ["config"] = config,
            };
        }
        catch (RegistryException ex)
        {
            throw new ImageAccessException(ex.Message, ex);
        }
    }

    private Task<ImageTarget> TargetAsync(string image, RegistryAccess access, CancellationToken cancellationToken)
    {
        var lazy = targets.GetOrAdd((image, access.AllowInsecureRegistry), _ => new Lazy<Task<ImageTarget>>(async () =>
        {
            var reference = Parse(image);
            var client = clients(access);
            try
            {
                var descriptor = await client.ResolveAsync(reference, cancellationToken).ConfigureAwait(false);
                return new ImageTarget(reference, descriptor.Digest, client);
            }
            catch (RegistryException ex)
            {
                throw new ImageAccessException(ex.Message, ex);
            }
        }));
        return lazy.Value;
    }

    private async Task<AttestationOutcome> Memoised((string, string, string?) key, Func<Task<AttestationOutcome>> verify)
    {
        var lazy = verdicts.GetOrAdd(key, _ => new Lazy<Task<AttestationOutcome>>(verify));
        try
        {
            return await lazy.Value.ConfigureAwait(false);
        }
        catch (RegistryException ex)
        {
            throw new ImageAccessException(ex.Message, ex);
        }
    }

    /// <summary>Verdicts are per repository and digest: signatures live beside the image, so the same
    /// digest in another repository is verified on its own, as Kyverno does.</summary>
    private static string Key(ImageTarget target) => target.Reference.RepositoryName + "@" + target.Digest;

    private IAttestorVerifier VerifierFor(AttestorSpec attestor) =>
        verifiers.FirstOrDefault(v => v.Handles(attestor))
        ?? throw new ImageAccessException($"attestor {attestor.Name}: no verifier for {attestor.GetType().Name} is available in this build");

    private static ImageReference Parse(string image) =>
        ImageReference.TryParse(image, out var reference) && reference is not null
            ? reference
            : throw new ImageAccessException($"invalid image reference {image}");

    private static JsonNode? ParseJson(ReadOnlyMemory<byte> bytes, string what)
    {
        try
        {
            return JsonNode.Parse(bytes.Span, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new ImageAccessException($"{what} is not valid JSON: {ex.Message}");
        }
    }
}
