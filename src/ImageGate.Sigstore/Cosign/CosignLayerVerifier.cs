using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using ImageGate.Sigstore.Bundles;
using ImageGate.Sigstore.Formats;
using ImageGate.Sigstore.Transparency;

namespace ImageGate.Sigstore.Cosign;

/// <summary>One layer of a cosign <c>.sig</c> or <c>.att</c> image: media type, the blob as stored, and its annotations.</summary>
public sealed record CosignLayer(string MediaType, byte[] Blob, IReadOnlyDictionary<string, string> Annotations)
{
    /// <summary>The required signature annotation (empty for attestation layers).</summary>
    public const string SignatureAnnotation = "dev.cosignproject.cosign/signature";

    /// <summary>The PEM leaf certificate (keyless and certificate signing).</summary>
    public const string CertificateAnnotation = "dev.sigstore.cosign/certificate";

    /// <summary>The PEM chain (intermediates then root).</summary>
    public const string ChainAnnotation = "dev.sigstore.cosign/chain";

    /// <summary>The Rekor bundle (SET and entry).</summary>
    public const string BundleAnnotation = "dev.sigstore.cosign/bundle";

    /// <summary>The RFC 3161 timestamp response.</summary>
    public const string TimestampAnnotation = "dev.sigstore.cosign/rfc3161timestamp";

    /// <summary>The media type of an attestation layer.</summary>
    public const string DsseMediaType = "application/vnd.dsse.envelope.v1+json";
}

/// <summary>Verifies cosign's legacy tag-scheme layers: simple-signing signatures and DSSE attestations (cosign's order:
/// timestamps, transparency log, certificate and identity, signature, claims).</summary>
public static class CosignLayerVerifier
{
    /// <summary>Verifies one layer against the image digest ("sha256:hex") and the policy.</summary>
    public static SignatureVerificationResult Verify(CosignLayer layer, string imageDigest, VerificationPolicy policy)
    {
        SignedEntity entity;
        try
        {
            entity = ToEntity(layer);
        }
        catch (SigstoreVerificationException ex)
        {
            return new SignatureVerificationResult(false, ex.Message);
        }
        catch (Exception ex) when (ex is FormatException or System.Security.Cryptography.CryptographicException or JsonException)
        {
            return new SignatureVerificationResult(false, $"malformed cosign signature layer: {ex.Message}");
        }
        var result = SignedEntityVerifier.Verify(entity, policy, entity.Envelope is null ? null : imageDigest);
        if (!result.Verified || entity.Envelope is not null)
        {
            return result;
        }
        SimpleSigningPayload payload;
        try
        {
            payload = SimpleSigningPayload.Parse(layer.Blob);
        }
        catch (SigstoreVerificationException ex)
        {
            return new SignatureVerificationResult(false, ex.Message);
        }
        var claim = payload.Check(imageDigest, policy.Annotations);
        return claim.Verified ? result : new SignatureVerificationResult(false, claim.FailureReason);
    }

    private static SignedEntity ToEntity(CosignLayer layer)
    {
        if (!layer.Annotations.TryGetValue(CosignLayer.SignatureAnnotation, out var signatureB64))
        {
            throw Fail.With($"cosign signature layer has no '{CosignLayer.SignatureAnnotation}' annotation");
        }
        X509Certificate2? cert = null;
        var chain = new List<X509Certificate2>();
        if (layer.Annotations.TryGetValue(CosignLayer.CertificateAnnotation, out var certPem) && certPem.Length > 0)
        {
            var der = Codec.PemBlocks(certPem, "CERTIFICATE").FirstOrDefault() ?? throw Fail.With("certificate annotation holds no PEM certificate");
            cert = X509CertificateLoader.LoadCertificate(der);
        }
        if (layer.Annotations.TryGetValue(CosignLayer.ChainAnnotation, out var chainPem))
        {
            chain.AddRange(Codec.PemBlocks(chainPem, "CERTIFICATE").Take(10).Select(X509CertificateLoader.LoadCertificate));
        }
        var entries = new List<TransparencyLogEntry>();
        if (layer.Annotations.TryGetValue(CosignLayer.BundleAnnotation, out var bundleJson) && bundleJson.Length > 0)
        {
            entries.Add(TransparencyLogEntry.FromCosignAnnotation(bundleJson));
        }
        var timestamps = new List<byte[]>();
        if (layer.Annotations.TryGetValue(CosignLayer.TimestampAnnotation, out var tsJson) && tsJson.Length > 0)
        {
            using var doc = Json.Parse(Codec.Utf8(tsJson), "cosign timestamp annotation");
            timestamps.Add(doc.RootElement.Bytes("SignedRFC3161Timestamp") ?? throw Fail.With("malformed cosign timestamp annotation: no SignedRFC3161Timestamp"));
        }
        DsseEnvelope? envelope = null;
        var signature = Codec.FromBase64(signatureB64, "signature annotation");
        if (layer.MediaType == CosignLayer.DsseMediaType)
        {
            envelope = DsseEnvelope.Parse(layer.Blob);
            if (envelope.PayloadType != DsseEnvelope.InTotoPayloadType)
            {
                throw Fail.With($"unsupported DSSE payload type '{envelope.PayloadType}' (expected {DsseEnvelope.InTotoPayloadType})");
            }
            signature = envelope.Signatures.FirstOrDefault()?.Sig ?? throw Fail.With("DSSE envelope has no signatures");
        }
        return new SignedEntity
        {
            What = "cosign signature layer",
            Certificate = cert,
            Chain = chain,
            Signature = signature,
            Envelope = envelope,
            EnvelopeBytes = envelope is null ? null : layer.Blob,
            MessageBytes = envelope is null ? layer.Blob : null,
            TlogEntries = entries,
            Timestamps = timestamps,
            VerifyAllTimestamps = false,
            AnySan = true,
        };
    }
}
