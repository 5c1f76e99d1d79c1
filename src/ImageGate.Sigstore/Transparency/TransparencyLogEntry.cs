using System.Text.Json;

namespace ImageGate.Sigstore.Transparency;

/// <summary>An inclusion proof with its signed checkpoint (RFC 6962 / RFC 9162 Merkle tree).</summary>
public sealed record InclusionProof(long LogIndex, byte[] RootHash, long TreeSize, IReadOnlyList<byte[]> Hashes, string? Checkpoint);

/// <summary>A Rekor transparency log entry as carried by a bundle or a cosign bundle annotation.</summary>
/// <param name="LogIndex">The global entry index (the one in the SET).</param>
/// <param name="LogId">SHA-256 of the log's public key.</param>
/// <param name="Kind">Entry kind, e.g. hashedrekord, dsse, intoto.</param>
/// <param name="Version">Entry kind version, e.g. 0.0.1.</param>
/// <param name="IntegratedTime">Unix seconds at which the log integrated the entry.</param>
/// <param name="SignedEntryTimestamp">The inclusion promise (SET), if any.</param>
/// <param name="Proof">The inclusion proof, if any.</param>
/// <param name="CanonicalizedBody">The entry body as the log stored it.</param>
public sealed record TransparencyLogEntry(long LogIndex, byte[] LogId, string Kind, string Version, long IntegratedTime,
    byte[]? SignedEntryTimestamp, InclusionProof? Proof, byte[] CanonicalizedBody)
{
    /// <summary>Reads a proto3-JSON TransparencyLogEntry.</summary>
    internal static TransparencyLogEntry FromJson(JsonElement e)
    {
        var kv = e.Prop("kindVersion");
        InclusionProof? proof = null;
        if (e.Prop("inclusionProof") is { } p)
        {
            proof = new InclusionProof(
                p.Int64("logIndex"),
                p.Bytes("rootHash") ?? throw Fail.With("inclusion proof without rootHash"),
                p.Int64("treeSize"),
                p.Map("hashes", 64, h => Codec.FromBase64(h.GetString() ?? "", "inclusion proof hash")),
                p.Prop("checkpoint")?.Str("envelope"));
        }
        return new TransparencyLogEntry(
            e.Int64("logIndex"),
            e.Prop("logId")?.Bytes("keyId") ?? throw Fail.With("transparency log entry without logId"),
            kv?.Str("kind") ?? "",
            kv?.Str("version") ?? "",
            e.Int64("integratedTime"),
            e.Prop("inclusionPromise")?.Bytes("signedEntryTimestamp"),
            proof,
            e.Bytes("canonicalizedBody") ?? throw Fail.With("transparency log entry without canonicalizedBody"));
    }

    /// <summary>Reads cosign's <c>dev.sigstore.cosign/bundle</c> layer annotation (SET only, no proof).</summary>
    public static TransparencyLogEntry FromCosignAnnotation(string json)
    {
        using var doc = Json.Parse(Codec.Utf8(json), "cosign bundle annotation");
        var root = doc.RootElement;
        var payload = root.Prop("Payload") ?? throw Fail.With("malformed cosign bundle annotation: no Payload");
        var body = payload.Bytes("body") ?? throw Fail.With("malformed cosign bundle annotation: no Payload.body");
        var logIdHex = payload.Str("logID") ?? throw Fail.With("malformed cosign bundle annotation: no Payload.logID");
        byte[] logId;
        try
        {
            logId = Convert.FromHexString(logIdHex);
        }
        catch (FormatException)
        {
            throw Fail.With("malformed cosign bundle annotation: logID is not hex");
        }
        string kind = "", version = "";
        using (var bodyDoc = Json.Parse(body, "cosign bundle annotation entry body"))
        {
            kind = bodyDoc.RootElement.Str("kind") ?? "";
            version = bodyDoc.RootElement.Str("apiVersion") ?? "";
        }
        return new TransparencyLogEntry(payload.Int64("logIndex"), logId, kind, version, payload.Int64("integratedTime"),
            root.Bytes("SignedEntryTimestamp"), null, body);
    }
}
