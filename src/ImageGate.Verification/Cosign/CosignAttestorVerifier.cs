using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImageGate.Oci.Client;
using ImageGate.Oci.Content;
using ImageGate.Oci.References;
using ImageGate.Sigstore.Bundles;
using ImageGate.Sigstore.Cosign;
using ImageGate.Sigstore.Formats;

namespace ImageGate.Verification.Cosign;

/// <summary>The Cosign attestor: finds an image's signatures and attestations the way cosign does — the legacy
/// <c>sha256-&lt;hex&gt;.sig</c>/<c>.att</c> tags and OCI 1.1 referrers carrying Sigstore bundles — and verifies
/// each with the pure Sigstore verifier. A signature that does not verify is a failed outcome with its reason;
/// registry faults propagate as <see cref="RegistryException"/>.</summary>
/// <remarks>The legacy tag is read first, so an image signed the legacy way costs three requests (resolve, tag,
/// blob); referrers are listed only when the tag holds nothing that verifies. Because of that order, an image
/// carrying both formats is accepted when either verifies (cosign switches to bundles alone once one exists).</remarks>
public sealed class CosignAttestorVerifier : IAttestorVerifier
{
    private const int MaxSignatures = 100;
    private const int MaxBundleReferrers = 64;
    private const long MaxBundleBytes = 16 * 1024 * 1024;
    private const int MaxReasons = 8;
    private const string BundleMediaTypePrefix = "application/vnd.dev.sigstore.bundle";
    private const string BundlePredicateAnnotation = "dev.sigstore.bundle.predicateType";

    private readonly DateTimeOffset? now;
    private readonly ConcurrentDictionary<string, Lazy<PolicyOrError>> policies = new(StringComparer.Ordinal);

    /// <summary>Creates the verifier. <paramref name="now"/> fixes the time used when a signature carries no verified
    /// timestamp (tests only); by default the current time is used.</summary>
    public CosignAttestorVerifier(DateTimeOffset? now = null)
    {
        this.now = now;
    }

    /// <inheritdoc/>
    public bool Handles(AttestorSpec attestor) => attestor is CosignAttestorSpec;

    /// <inheritdoc/>
    public async Task<AttestorOutcome> VerifySignatureAsync(ImageTarget image, AttestorSpec attestor, CancellationToken cancellationToken)
    {
        var spec = (CosignAttestorSpec)attestor;
        if (Prepare(spec, image.Reference, out var policy, out var repository) is { } configurationError)
        {
            return AttestorOutcome.Failure(configurationError);
        }
        var reasons = new List<string>();
        var legacyTag = CosignTags.Signature(image.Digest, spec.TagPrefix ?? "");
        var legacy = await image.Registry.TryGetManifestAsync(repository.WithTag(legacyTag), cancellationToken).ConfigureAwait(false);
        if (legacy is not null)
        {
            var number = 0;
            foreach (var layer in Layers(legacy, repository, legacyTag))
            {
                number++;
                var blob = await image.Registry.GetBlobAsync(repository, layer, cancellationToken).ConfigureAwait(false);
                var result = CosignLayerVerifier.Verify(new CosignLayer(layer.MediaType, blob, layer.Annotations ?? new Dictionary<string, string>()), image.Digest, policy);
                if (result.Verified)
                {
                    return AttestorOutcome.Success;
                }
                reasons.Add($"signature {number}: {result.FailureReason}");
            }
        }
        var skipped = new List<string>();
        await foreach (var (label, result) in BundlesAsync(image, repository, policy, PredicateTypes.CosignSign, skipped, cancellationToken).ConfigureAwait(false))
        {
            var reason = result.Verified ? SignatureBundleProblem(result, image.Digest, policy.Annotations) : result.FailureReason;
            if (reason is null)
            {
                return AttestorOutcome.Success;
            }
            reasons.Add($"{label}: {reason}");
        }
        reasons.AddRange(skipped);
        if (reasons.Count == 0)
        {
            return AttestorOutcome.Failure($"no signatures found: {repository.RepositoryName} has no {legacyTag} tag with layers and no Sigstore bundle referrers of {image.Digest}");
        }
        return AttestorOutcome.Failure("no signature verified: " + Join(reasons));
    }

    /// <inheritdoc/>
    public async Task<AttestationOutcome> VerifyAttestationAsync(ImageTarget image, AttestationSpec attestation, AttestorSpec attestor, CancellationToken cancellationToken)
    {
        var spec = (CosignAttestorSpec)attestor;
        if (string.IsNullOrEmpty(attestation.InTotoType))
        {
            return AttestationOutcome.Failure($"the cosign attestor verifies in-toto attestations only; attestation {attestation.Name} has no intoto.type");
        }
        if (Prepare(spec, image.Reference, out var policy, out var repository) is { } configurationError)
        {
            return AttestationOutcome.Failure(configurationError);
        }
        var wanted = PredicateTypes.Normalize(attestation.InTotoType);
        var reasons = new List<string>();
        var legacyTag = CosignTags.Attestation(image.Digest, spec.TagPrefix ?? "");
        var legacy = await image.Registry.TryGetManifestAsync(repository.WithTag(legacyTag), cancellationToken).ConfigureAwait(false);
        if (legacy is not null)
        {
            var number = 0;
            foreach (var layer in Layers(legacy, repository, legacyTag))
            {
                number++;
                if (layer.MediaType != CosignLayer.DsseMediaType)
                {
                    reasons.Add($"attestation {number}: layer media type {layer.MediaType} is not {CosignLayer.DsseMediaType}");
                    continue;
                }
                var blob = await image.Registry.GetBlobAsync(repository, layer, cancellationToken).ConfigureAwait(false);
                var result = CosignLayerVerifier.Verify(new CosignLayer(layer.MediaType, blob, layer.Annotations ?? new Dictionary<string, string>()), image.Digest, policy);
                if (Accept(result, wanted, out var payload, out var reason))
                {
                    return new AttestationOutcome(AttestorOutcome.Success, payload);
                }
                reasons.Add($"attestation {number}: {reason}");
            }
        }
        var skipped = new List<string>();
        await foreach (var (label, result) in BundlesAsync(image, repository, policy, wanted, skipped, cancellationToken).ConfigureAwait(false))
        {
            if (Accept(result, wanted, out var payload, out var reason))
            {
                return new AttestationOutcome(AttestorOutcome.Success, payload);
            }
            reasons.Add($"{label}: {reason}");
        }
        reasons.AddRange(skipped);
        if (reasons.Count == 0)
        {
            return AttestationOutcome.Failure($"no attestations found: {repository.RepositoryName} has no {legacyTag} tag with layers and no Sigstore bundle referrers of {image.Digest} with predicate type {wanted}");
        }
        return AttestationOutcome.Failure($"no attestation of predicate type {wanted} verified: " + Join(reasons));
    }

    /// <summary>Builds (once per attestor) the verification policy and finds the signature repository; returns the
    /// reason when the attestor cannot be used.</summary>
    private string? Prepare(CosignAttestorSpec spec, ImageReference image, out VerificationPolicy policy, out ImageReference repository)
    {
        policy = null!;
        repository = null!;
        var built = policies.GetOrAdd(spec.CacheKey, _ => new Lazy<PolicyOrError>(() =>
        {
            try
            {
                return new PolicyOrError(CosignPolicyFactory.Build(spec, now), null);
            }
            catch (CosignAttestorException ex)
            {
                return new PolicyOrError(null, $"attestor {spec.Name} cannot be used: {ex.Message}");
            }
        })).Value;
        if (built.Error is not null)
        {
            return built.Error;
        }
        policy = built.Policy!;
        return TryRepository(spec, image, out repository, out var error) ? null : error;
    }

    private static bool TryRepository(CosignAttestorSpec spec, ImageReference image, out ImageReference repository, out string? error)
    {
        error = null;
        repository = image;
        if (string.IsNullOrWhiteSpace(spec.SignatureRepository))
        {
            return true;
        }
        try
        {
            repository = ImageReference.ParseRepository(spec.SignatureRepository);
            return true;
        }
        catch (ImageReferenceException ex)
        {
            error = $"attestor {spec.Name}: invalid source.repository: {ex.Message}";
            return false;
        }
    }

    /// <summary>The layers of a legacy signature image, bounded.</summary>
    private static IEnumerable<Descriptor> Layers(ManifestContent manifest, ImageReference repository, string tag)
    {
        if (manifest.IsIndex)
        {
            throw new RegistryException(RegistryErrorKind.InvalidContent, repository.Registry, $"{repository.RepositoryName}:{tag}",
                "a cosign signature tag must hold an image manifest, found an index");
        }
        return manifest.Manifest.Layers.Take(MaxSignatures);
    }

    /// <summary>The Sigstore bundles attached to the image as referrers, each verified against the policy. Referrers
    /// that are not bundle artifacts are skipped, as cosign does; bundles whose predicate-type annotation names another
    /// predicate than <paramref name="wantedPredicate"/> are not fetched and are listed in <paramref name="skipped"/>.</summary>
    private static async IAsyncEnumerable<(string Label, SignatureVerificationResult Result)> BundlesAsync(ImageTarget image, ImageReference repository,
        VerificationPolicy policy, string wantedPredicate, List<string> skipped, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var referrers = await image.Registry.GetReferrersAsync(repository, image.Digest, null, cancellationToken).ConfigureAwait(false);
        var candidates = referrers
            .Where(r => r.ArtifactType is null || r.ArtifactType.StartsWith(BundleMediaTypePrefix, StringComparison.Ordinal))
            .Take(MaxBundleReferrers);
        foreach (var referrer in candidates)
        {
            if (referrer.Annotations is { } a && a.TryGetValue(BundlePredicateAnnotation, out var predicate) && predicate != wantedPredicate)
            {
                // The annotation is unsigned, so it only saves fetching a bundle that could not match anyway.
                skipped.Add($"bundle {Short(referrer.Digest)}: its predicate type {predicate} is not {wantedPredicate} (not fetched)");
                continue;
            }
            var manifest = await image.Registry.GetManifestAsync(repository.WithDigest(referrer.Digest), cancellationToken).ConfigureAwait(false);
            if (manifest.IsIndex || manifest.Manifest.Layers is not [var layer] || !layer.MediaType.StartsWith(BundleMediaTypePrefix, StringComparison.Ordinal))
            {
                continue; // not a bundle artifact (cosign skips these silently)
            }
            var label = $"bundle {Short(referrer.Digest)}";
            if (layer.Size > MaxBundleBytes)
            {
                yield return (label, new SignatureVerificationResult(false, $"the bundle is {layer.Size} bytes, more than {MaxBundleBytes}"));
                continue;
            }
            var blob = await image.Registry.GetBlobAsync(repository, layer, cancellationToken).ConfigureAwait(false);
            yield return (label, BundleVerifier.VerifyImageBundle(blob, image.Digest, policy));
        }
    }

    /// <summary>Why a verified bundle is not an image signature: only the cosign sign predicate counts, and the
    /// attestor's annotations must be on the statement's subject for this image.</summary>
    private static string? SignatureBundleProblem(SignatureVerificationResult result, string digest, IReadOnlyDictionary<string, string>? annotations)
    {
        if (result.Statement is not { } statement)
        {
            return "the bundle holds no in-toto statement";
        }
        if (statement.PredicateType != PredicateTypes.CosignSign)
        {
            return $"the bundle is an attestation of predicate type {statement.PredicateType}, not an image signature ({PredicateTypes.CosignSign})";
        }
        if (annotations is null || annotations.Count == 0)
        {
            return null;
        }
        var subjectAnnotations = SubjectAnnotations(result.Payload, digest);
        foreach (var (key, value) in annotations)
        {
            if (!subjectAnnotations.TryGetValue(key, out var actual))
            {
                return $"missing or incorrect annotation: \"{key}\" is not in the signed statement";
            }
            if (actual != value)
            {
                return $"missing or incorrect annotation: \"{key}\" is \"{actual}\", expected \"{value}\"";
            }
        }
        return null;
    }

    /// <summary>The string annotations of the statement subject naming <paramref name="digest"/>.</summary>
    private static Dictionary<string, string> SubjectAnnotations(byte[]? statement, string digest)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        if (statement is null)
        {
            return found;
        }
        var hex = digest.StartsWith("sha256:", StringComparison.Ordinal) ? digest[7..] : digest;
        using var doc = JsonDocument.Parse(statement, new JsonDocumentOptions { MaxDepth = 64 });
        if (!doc.RootElement.TryGetProperty("subject", out var subjects) || subjects.ValueKind != JsonValueKind.Array)
        {
            return found;
        }
        foreach (var subject in subjects.EnumerateArray().Take(1000))
        {
            if (subject.ValueKind == JsonValueKind.Object
                && subject.TryGetProperty("digest", out var d) && d.ValueKind == JsonValueKind.Object
                && d.TryGetProperty("sha256", out var sha) && string.Equals(sha.GetString(), hex, StringComparison.OrdinalIgnoreCase)
                && subject.TryGetProperty("annotations", out var a) && a.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in a.EnumerateObject().Take(1000))
                {
                    found[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
                }
            }
        }
        return found;
    }

    /// <summary>A verified statement of the wanted predicate type, parsed as the payload; otherwise the reason.</summary>
    private static bool Accept(SignatureVerificationResult result, string wanted, out JsonNode? payload, out string? reason)
    {
        payload = null;
        if (!result.Verified)
        {
            reason = result.FailureReason;
            return false;
        }
        if (result.Statement is not { } statement || result.Payload is null)
        {
            reason = "the signature holds no in-toto statement";
            return false;
        }
        var match = PredicateTypes.Match(statement, wanted);
        if (!match.Verified)
        {
            reason = match.FailureReason;
            return false;
        }
        try
        {
            payload = JsonNode.Parse(result.Payload, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            reason = $"the verified statement is not valid JSON: {ex.Message}";
            return false;
        }
        reason = null;
        return payload is not null;
    }

    private static string Short(string digest) => digest.Length > 19 ? digest[..19] + "…" : digest;

    private static string Join(List<string> reasons) =>
        reasons.Count <= MaxReasons
            ? string.Join("; ", reasons)
            : string.Join("; ", reasons.Take(MaxReasons)) + $"; and {reasons.Count - MaxReasons} more";

    private sealed record PolicyOrError(VerificationPolicy? Policy, string? Error);
}
