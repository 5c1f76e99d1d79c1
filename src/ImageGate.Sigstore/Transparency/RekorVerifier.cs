using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ImageGate.Sigstore.Crypto;
using ImageGate.Sigstore.Trust;

namespace ImageGate.Sigstore.Transparency;

/// <summary>Rekor checks: the signed entry timestamp, the Merkle inclusion proof and the signed checkpoint.</summary>
public static class RekorVerifier
{
    /// <summary>Finds the log that produced the entry; the log key must be valid at the integrated time.</summary>
    internal static LogInstance FindLog(TransparencyLogEntry entry, IReadOnlyList<LogInstance> logs)
    {
        var log = logs.FirstOrDefault(l => l.LogId.AsSpan().SequenceEqual(entry.LogId))
            ?? throw Fail.With($"transparency log entry from unknown log {Codec.Hex(entry.LogId)}");
        var t = DateTimeOffset.FromUnixTimeSeconds(entry.IntegratedTime);
        if (entry.IntegratedTime > 0 && !log.ValidFor.Contains(t))
        {
            throw Fail.With($"transparency log key {Codec.Hex(entry.LogId)} is not valid at the integrated time {t.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}");
        }
        return log;
    }

    /// <summary>The canonical (RFC 8785) JSON the SET signs. Values are base64, hex and integers only, so sorted keys without
    /// whitespace and without escaping is exact.</summary>
    public static byte[] SetPayload(TransparencyLogEntry entry) => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"{{\"body\":\"{Convert.ToBase64String(entry.CanonicalizedBody)}\",\"integratedTime\":{entry.IntegratedTime},\"logID\":\"{Codec.Hex(entry.LogId)}\",\"logIndex\":{entry.LogIndex}}}"));

    /// <summary>Verifies the signed entry timestamp (inclusion promise) with the log's key.</summary>
    public static VerificationResult VerifySignedEntryTimestamp(TransparencyLogEntry entry, IReadOnlyList<LogInstance> logs) =>
        VerificationResult.Run(() => VerifySetOrThrow(entry, logs));

    internal static void VerifySetOrThrow(TransparencyLogEntry entry, IReadOnlyList<LogInstance> logs)
    {
        if (entry.SignedEntryTimestamp is null)
        {
            throw Fail.With("transparency log entry has no signed entry timestamp");
        }
        var log = FindLog(entry, logs);
        using var key = VerificationKey.FromSpki(log.PublicKeySpki);
        if (!key.VerifyData(SetPayload(entry), entry.SignedEntryTimestamp, HashAlgorithmName.SHA256))
        {
            throw Fail.With($"signed entry timestamp does not verify with the key of transparency log {Codec.Hex(entry.LogId)}");
        }
    }

    /// <summary>Verifies the inclusion proof of the entry's body to the proof's root hash, and its signed checkpoint.</summary>
    public static VerificationResult VerifyInclusionProof(TransparencyLogEntry entry, IReadOnlyList<LogInstance> logs) =>
        VerificationResult.Run(() => VerifyProofOrThrow(entry, logs));

    internal static void VerifyProofOrThrow(TransparencyLogEntry entry, IReadOnlyList<LogInstance> logs)
    {
        var proof = entry.Proof ?? throw Fail.With("transparency log entry has no inclusion proof");
        var leaf = LeafHash(entry.CanonicalizedBody);
        var root = RootFromProof(proof.LogIndex, proof.TreeSize, leaf, proof.Hashes);
        if (!CryptographicOperations.FixedTimeEquals(root, proof.RootHash))
        {
            throw Fail.With($"inclusion proof does not match the root hash: computed {Codec.Hex(root)}, proof says {Codec.Hex(proof.RootHash)}");
        }
        if (proof.Checkpoint is null)
        {
            throw Fail.With("inclusion proof has no checkpoint");
        }
        VerifyCheckpoint(proof, FindLog(entry, logs));
    }

    /// <summary>RFC 6962 leaf hash: SHA-256(0x00 || data).</summary>
    public static byte[] LeafHash(ReadOnlySpan<byte> data)
    {
        var buffer = new byte[data.Length + 1];
        data.CopyTo(buffer.AsSpan(1));
        return SHA256.HashData(buffer);
    }

    private static byte[] NodeHash(byte[] left, byte[] right)
    {
        var buffer = new byte[1 + left.Length + right.Length];
        buffer[0] = 1;
        left.CopyTo(buffer, 1);
        right.CopyTo(buffer, 1 + left.Length);
        return SHA256.HashData(buffer);
    }

    /// <summary>Computes the root from an audit path (RFC 9162 §2.1.3.2); throws when the path cannot fit the tree.</summary>
    public static byte[] RootFromProof(long index, long treeSize, byte[] leafHash, IReadOnlyList<byte[]> path)
    {
        if (index < 0 || treeSize <= 0 || index >= treeSize)
        {
            throw Fail.With($"inclusion proof index {index} is outside a tree of size {treeSize}");
        }
        if (path.Count > 64)
        {
            throw Fail.With("inclusion proof has more than 64 hashes");
        }
        long fn = index, sn = treeSize - 1;
        var r = leafHash;
        foreach (var p in path)
        {
            if (p.Length != 32)
            {
                throw Fail.With("inclusion proof hash is not 32 bytes");
            }
            if (sn == 0)
            {
                throw Fail.With("inclusion proof has more hashes than the tree size allows");
            }
            if ((fn & 1) == 1 || fn == sn)
            {
                r = NodeHash(p, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                r = NodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0)
        {
            throw Fail.With("inclusion proof has fewer hashes than the tree size needs");
        }
        return r;
    }

    /// <summary>Verifies a signed-note checkpoint: size and root must equal the proof's, and a signature line must verify.</summary>
    internal static void VerifyCheckpoint(InclusionProof proof, LogInstance log)
    {
        var note = proof.Checkpoint!;
        if (note.Length > 64 * 1024)
        {
            throw Fail.With("checkpoint is larger than 64 KiB");
        }
        var split = note.IndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            throw Fail.With("malformed checkpoint: no blank line before the signatures");
        }
        var text = note[..(split + 1)];
        var lines = text.Split('\n');
        if (lines.Length < 4)
        {
            throw Fail.With("malformed checkpoint: fewer than three lines");
        }
        if (!long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size != proof.TreeSize)
        {
            throw Fail.With($"checkpoint tree size '{lines[1]}' does not equal the proof's tree size {proof.TreeSize}");
        }
        var root = Codec.FromBase64(lines[2], "checkpoint root hash");
        if (!root.AsSpan().SequenceEqual(proof.RootHash))
        {
            throw Fail.With("checkpoint root hash does not equal the proof's root hash");
        }
        // The key hint is the first 4 bytes of the log id (SHA-256 of the key for Rekor v1; the note key id for later logs).
        var keyHint = log.LogId.AsSpan(0, Math.Min(4, log.LogId.Length)).ToArray();
        var signed = Encoding.UTF8.GetBytes(text);
        using var key = VerificationKey.FromSpki(log.PublicKeySpki);
        foreach (var line in note[(split + 2)..].Split('\n').Take(100))
        {
            if (!line.StartsWith("\u2014 ", StringComparison.Ordinal))
            {
                continue;
            }
            var space = line.LastIndexOf(' ');
            // The signer's name is not signed, so it must name this log: the origin line starts with it.
            var name = line[2..Math.Max(2, space)];
            if (name.Length == 0 || !(lines[0] == name || lines[0].StartsWith(name + " ", StringComparison.Ordinal)))
            {
                continue;
            }
            var sig = Codec.FromBase64(line[(space + 1)..], "checkpoint signature");
            if (sig.Length > 4 && sig.AsSpan(0, 4).SequenceEqual(keyHint) && key.VerifyData(signed, sig.AsSpan(4), HashAlgorithmName.SHA256))
            {
                return;
            }
        }
        throw Fail.With($"checkpoint signature does not verify with the key of transparency log {Codec.Hex(log.LogId)}");
    }
}
