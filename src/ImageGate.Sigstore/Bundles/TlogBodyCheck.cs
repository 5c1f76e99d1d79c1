using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using ImageGate.Sigstore.Transparency;

namespace ImageGate.Sigstore.Bundles;

/// <summary>Checks that a Rekor entry body describes this very signature: same signature, same key or certificate, same digest.</summary>
internal static class TlogBodyCheck
{
    public static void Verify(TransparencyLogEntry entry, SignedEntity entity, VerificationPolicy policy)
    {
        var doc = Json.Parse(entry.CanonicalizedBody, "transparency log entry body");
        using (doc)
        {
            var body = doc.RootElement;
            var kind = body.Str("kind") ?? entry.Kind;
            var version = body.Str("apiVersion") ?? entry.Version;
            var spec = body.Prop("spec") ?? throw Fail.With("transparency log entry body has no spec");
            if (entry.Kind.Length > 0 && (entry.Kind != kind || entry.Version != version))
            {
                throw Mismatch($"the entry says {entry.Kind} {entry.Version}, its body is {kind} {version}");
            }
            switch (kind, version)
            {
                case ("hashedrekord", "0.0.1"):
                    HashedRekord(spec, entity, policy);
                    break;
                case ("dsse", "0.0.1"):
                    Dsse(spec, entity, policy);
                    break;
                case ("intoto", "0.0.2"):
                    InToto2(spec, entity, policy);
                    break;
                case ("intoto", "0.0.1"):
                    InToto1(spec, entity, policy);
                    break;
                case ("hashedrekord", "0.0.2"):
                    HashedRekord2(spec.Prop("hashedRekordV002") ?? throw Mismatch("hashedrekord 0.0.2 body without hashedRekordV002"), entity, policy);
                    break;
                case ("dsse", "0.0.2"):
                    Dsse2(spec.Prop("dsseV002") ?? throw Mismatch("dsse 0.0.2 body without dsseV002"), entity, policy);
                    break;
                default:
                    throw Fail.With($"unsupported transparency log entry kind {kind} {version}");
            }
        }
    }

    private static SigstoreVerificationException Mismatch(string what) => Fail.With($"transparency log entry does not match the signature: {what}");

    private static void HashedRekord(JsonElement spec, SignedEntity entity, VerificationPolicy policy)
    {
        if (entity.Envelope is not null)
        {
            throw Mismatch("a hashedrekord entry cannot record a DSSE envelope");
        }
        var sig = spec.Prop("signature");
        if (!(sig?.Bytes("content") ?? []).AsSpan().SequenceEqual(entity.Signature))
        {
            throw Mismatch("different signature bytes");
        }
        CheckVerifier(sig?.Prop("publicKey")?.Bytes("content"), entity, policy);
        var hash = spec.Prop("data")?.Prop("hash");
        if (hash?.Str("algorithm") != "sha256")
        {
            throw Mismatch("the entry's hash algorithm is not sha256");
        }
        // The entry must describe this signature's digest (the bundle's claim, or the signed payload itself).
        var digest = entity.MessageDigest ?? (entity.MessageBytes is { } m ? SHA256.HashData(m) : null);
        if (digest is null || !string.Equals(hash?.Str("value"), Codec.Hex(digest), StringComparison.OrdinalIgnoreCase))
        {
            throw Mismatch("different artifact digest");
        }
    }

    private static void Dsse(JsonElement spec, SignedEntity entity, VerificationPolicy policy)
    {
        var envelope = entity.Envelope ?? throw Mismatch("a dsse entry needs a DSSE envelope");
        CheckPayloadHash(spec.Prop("payloadHash"), envelope.Payload);
        if (entity.EnvelopeBytes is { } raw && spec.Prop("envelopeHash") is { } envelopeHash
            && !string.Equals(envelopeHash.Str("value"), Codec.Hex(SHA256.HashData(raw)), StringComparison.OrdinalIgnoreCase))
        {
            throw Mismatch("different envelope hash");
        }
        foreach (var s in spec.Array("signatures", 32))
        {
            var sig = s.Bytes("signature") ?? [];
            if (envelope.Signatures.Any(e => e.Sig.AsSpan().SequenceEqual(sig)))
            {
                CheckVerifier(s.Bytes("verifier"), entity, policy);
                return;
            }
        }
        throw Mismatch("different DSSE signature");
    }

    private static void InToto2(JsonElement spec, SignedEntity entity, VerificationPolicy policy)
    {
        var envelope = entity.Envelope ?? throw Mismatch("an intoto entry needs a DSSE envelope");
        var content = spec.Prop("content") ?? throw Mismatch("intoto entry without content");
        CheckPayloadHash(content.Prop("payloadHash"), envelope.Payload);
        foreach (var s in content.Prop("envelope")?.Array("signatures", 32) ?? [])
        {
            // intoto 0.0.2 stores the signature base64-encoded twice.
            var sig = Codec.FromBase64(Encoding.UTF8.GetString(s.Bytes("sig") ?? []), "intoto signature");
            if (envelope.Signatures.Any(e => e.Sig.AsSpan().SequenceEqual(sig)))
            {
                CheckVerifier(s.Bytes("publicKey"), entity, policy);
                return;
            }
        }
        throw Mismatch("different DSSE signature");
    }

    private static void InToto1(JsonElement spec, SignedEntity entity, VerificationPolicy policy)
    {
        var raw = entity.EnvelopeBytes ?? throw Mismatch("an intoto 0.0.1 entry is only accepted for a cosign attestation layer");
        var hash = spec.Prop("content")?.Prop("hash");
        if (!string.Equals(hash?.Str("value"), Codec.Hex(SHA256.HashData(raw)), StringComparison.OrdinalIgnoreCase))
        {
            throw Mismatch("different envelope hash");
        }
        CheckVerifier(spec.Bytes("publicKey"), entity, policy);
    }

    // Rekor v2 bodies (protobuf JSON): raw bytes in base64 and a structured verifier.
    private static void HashedRekord2(JsonElement spec, SignedEntity entity, VerificationPolicy policy)
    {
        if (entity.Envelope is not null)
        {
            throw Mismatch("a hashedrekord entry cannot record a DSSE envelope");
        }
        var sig = spec.Prop("signature");
        if (!(sig?.Bytes("content") ?? []).AsSpan().SequenceEqual(entity.Signature))
        {
            throw Mismatch("different signature bytes");
        }
        var data = spec.Prop("data");
        if (data?.Str("algorithm") != "SHA2_256")
        {
            throw Mismatch("the entry's hash algorithm is not SHA2_256");
        }
        var digest = entity.MessageDigest ?? (entity.MessageBytes is { } m ? SHA256.HashData(m) : null);
        if (digest is null || !(data?.Bytes("digest") ?? []).AsSpan().SequenceEqual(digest))
        {
            throw Mismatch("different artifact digest");
        }
        CheckVerifierV2(sig?.Prop("verifier"), entity, policy);
    }

    private static void Dsse2(JsonElement spec, SignedEntity entity, VerificationPolicy policy)
    {
        var envelope = entity.Envelope ?? throw Mismatch("a dsse entry needs a DSSE envelope");
        var payloadHash = spec.Prop("payloadHash");
        if (payloadHash?.Str("algorithm") != "SHA2_256" || !(payloadHash?.Bytes("digest") ?? []).AsSpan().SequenceEqual(SHA256.HashData(envelope.Payload)))
        {
            throw Mismatch("different payload hash");
        }
        var signatures = spec.Array("signatures", 32).ToList();
        if (signatures.Count != 1)
        {
            throw Mismatch($"a dsse 0.0.2 entry must record exactly one signature, found {signatures.Count}");
        }
        if (!envelope.Signatures.Any(e => e.Sig.AsSpan().SequenceEqual(signatures[0].Bytes("content") ?? [])))
        {
            throw Mismatch("different DSSE signature");
        }
        CheckVerifierV2(signatures[0].Prop("verifier"), entity, policy);
    }

    private static void CheckVerifierV2(JsonElement? verifier, SignedEntity entity, VerificationPolicy policy)
    {
        var cert = policy.Certificate ?? (policy.Key is null ? entity.Certificate : null);
        if (verifier?.Prop("x509Certificate")?.Bytes("rawBytes") is { } der)
        {
            if (cert is not null ? der.AsSpan().SequenceEqual(cert.RawData)
                : policy.Key is not null && SameSpki(X509CertificateLoader.LoadCertificate(der), policy.Key.Spki))
            {
                return;
            }
            throw Mismatch("a different certificate");
        }
        var expected = policy.Key?.Spki ?? cert?.PublicKey.ExportSubjectPublicKeyInfo();
        if (verifier?.Prop("publicKey")?.Bytes("rawBytes") is { } spki && expected is not null && spki.AsSpan().SequenceEqual(expected))
        {
            return;
        }
        throw Mismatch("a different public key");
    }

    private static void CheckPayloadHash(JsonElement? payloadHash, byte[] payload)
    {
        if (!string.Equals(payloadHash?.Str("value"), Codec.Hex(SHA256.HashData(payload)), StringComparison.OrdinalIgnoreCase))
        {
            throw Mismatch("different payload hash");
        }
    }

    /// <summary>The entry's key or certificate (base64 of PEM) must be the signature's key material.</summary>
    private static void CheckVerifier(byte[]? pemBytes, SignedEntity entity, VerificationPolicy policy)
    {
        if (pemBytes is null)
        {
            throw Mismatch("the entry names no key or certificate");
        }
        var pem = Encoding.UTF8.GetString(pemBytes);
        var cert = policy.Certificate ?? (policy.Key is null ? entity.Certificate : null);
        var certs = Codec.PemBlocks(pem, "CERTIFICATE");
        if (certs.Count > 0)
        {
            if (cert is not null ? certs[0].AsSpan().SequenceEqual(cert.RawData)
                : policy.Key is not null && SameSpki(X509CertificateLoader.LoadCertificate(certs[0]), policy.Key.Spki))
            {
                return;
            }
            throw Mismatch("a different certificate");
        }
        var keys = Codec.PemBlocks(pem, "PUBLIC KEY");
        var expected = policy.Key?.Spki ?? cert?.PublicKey.ExportSubjectPublicKeyInfo();
        if (keys.Count > 0 && expected is not null && keys[0].AsSpan().SequenceEqual(expected))
        {
            return;
        }
        throw Mismatch("a different public key");
    }

    private static bool SameSpki(X509Certificate2 cert, byte[] spki)
    {
        using (cert)
        {
            return cert.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(spki);
        }
    }
}
