using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ImageGate.Sigstore.Crypto;
using ImageGate.Sigstore.Trust;

namespace ImageGate.Sigstore.Certificates;

/// <summary>Verifies signed certificate timestamps embedded in a certificate (RFC 6962 precertificate SCTs).</summary>
public static class SctVerifier
{
    private const string SctListOid = "1.3.6.1.4.1.11129.2.4.2";

    /// <summary>One SCT from the embedded list.</summary>
    internal sealed record Sct(byte[] LogId, ulong TimestampMs, byte[] Extensions, byte HashAlgorithm, byte SignatureAlgorithm, byte[] Signature);

    /// <summary>Checks that at least one embedded SCT verifies against a known CT log. The issuer is the leaf's direct parent.</summary>
    public static VerificationResult Verify(X509Certificate2 leaf, X509Certificate2 issuer, IReadOnlyList<LogInstance> ctLogs) =>
        VerificationResult.Run(() => VerifyOrThrow(leaf, issuer, ctLogs));

    internal static void VerifyOrThrow(X509Certificate2 leaf, X509Certificate2 issuer, IReadOnlyList<LogInstance> ctLogs)
    {
        var ext = leaf.Extensions.FirstOrDefault(e => e.Oid?.Value == SctListOid)
            ?? throw Fail.With("certificate does not include required embedded SCT");
        var scts = ParseList(ext.RawData);
        if (scts.Count == 0)
        {
            throw Fail.With("certificate does not include required embedded SCT");
        }
        var tbs = TbsWithoutSct(leaf.RawData);
        var issuerKeyHash = SHA256.HashData(issuer.PublicKey.ExportSubjectPublicKeyInfo());
        string? lastError = null;
        foreach (var sct in scts)
        {
            var log = ctLogs.FirstOrDefault(l => l.LogId.AsSpan().SequenceEqual(sct.LogId));
            if (log is null)
            {
                lastError = $"SCT from unknown CT log {Codec.Hex(sct.LogId)}";
                continue;
            }
            var time = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Min(sct.TimestampMs, long.MaxValue));
            if (!log.ValidFor.Contains(time))
            {
                lastError = $"SCT from CT log {Codec.Hex(sct.LogId)} outside the log key's validity window";
                continue;
            }
            var signed = SignedData(sct, issuerKeyHash, tbs);
            using var key = VerificationKey.FromSpki(log.PublicKeySpki);
            var hash = sct.HashAlgorithm switch
            {
                4 => HashAlgorithmName.SHA256,
                5 => HashAlgorithmName.SHA384,
                6 => HashAlgorithmName.SHA512,
                _ => throw Fail.With($"SCT uses unsupported hash algorithm {sct.HashAlgorithm}"),
            };
            if (key.VerifyData(signed, sct.Signature, hash))
            {
                return;
            }
            lastError = $"SCT signature from CT log {Codec.Hex(sct.LogId)} does not verify";
        }
        throw Fail.With("embedded SCT verification failed: " + lastError);
    }

    internal static List<Sct> ParseList(byte[] extensionValue)
    {
        try
        {
            // OCTET STRING (extension value) wrapping an OCTET STRING holding the TLS-encoded list.
            var inner = new AsnReader(extensionValue, AsnEncodingRules.DER).ReadOctetString();
            var span = inner.AsSpan();
            var total = BinaryPrimitives.ReadUInt16BigEndian(span);
            span = span.Slice(2, total);
            var list = new List<Sct>();
            while (span.Length > 0 && list.Count < 64)
            {
                var len = BinaryPrimitives.ReadUInt16BigEndian(span);
                var s = span.Slice(2, len);
                span = span[(2 + len)..];
                if (s[0] != 0)
                {
                    continue; // only SCT v1 exists
                }
                var logId = s.Slice(1, 32).ToArray();
                var ts = BinaryPrimitives.ReadUInt64BigEndian(s.Slice(33, 8));
                var extLen = BinaryPrimitives.ReadUInt16BigEndian(s.Slice(41, 2));
                var exts = s.Slice(43, extLen).ToArray();
                var rest = s[(43 + extLen)..];
                var sigLen = BinaryPrimitives.ReadUInt16BigEndian(rest.Slice(2, 2));
                list.Add(new Sct(logId, ts, exts, rest[0], rest[1], rest.Slice(4, sigLen).ToArray()));
            }
            return list;
        }
        catch (Exception ex) when (ex is AsnContentException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            throw Fail.With("malformed embedded SCT list in certificate");
        }
    }

    /// <summary>The leaf's TBSCertificate with the SCT list extension removed, re-encoded in DER.</summary>
    internal static byte[] TbsWithoutSct(byte[] certificateDer)
    {
        var cert = new AsnReader(certificateDer, AsnEncodingRules.DER).ReadSequence();
        var tbs = cert.ReadSequence();
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 3, true);
            while (tbs.HasData)
            {
                var tag = tbs.PeekTag();
                if (!tag.HasSameClassAndValue(extensionsTag))
                {
                    writer.WriteEncodedValue(tbs.ReadEncodedValue().Span);
                    continue;
                }
                var extensions = tbs.ReadSequence(extensionsTag).ReadSequence();
                using (writer.PushSequence(extensionsTag))
                using (writer.PushSequence())
                {
                    while (extensions.HasData)
                    {
                        var encoded = extensions.ReadEncodedValue();
                        var oid = new AsnReader(encoded, AsnEncodingRules.DER).ReadSequence().ReadObjectIdentifier();
                        if (oid != SctListOid)
                        {
                            writer.WriteEncodedValue(encoded.Span);
                        }
                    }
                }
            }
        }
        return writer.Encode();
    }

    private static byte[] SignedData(Sct sct, byte[] issuerKeyHash, byte[] tbs)
    {
        var buffer = new List<byte>(tbs.Length + 64) { 0, 0 }; // version v1, signature_type certificate_timestamp
        Span<byte> u64 = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(u64, sct.TimestampMs);
        buffer.AddRange(u64.ToArray());
        buffer.AddRange([0, 1]); // precert_entry
        buffer.AddRange(issuerKeyHash);
        buffer.AddRange([(byte)(tbs.Length >> 16), (byte)(tbs.Length >> 8), (byte)tbs.Length]);
        buffer.AddRange(tbs);
        buffer.AddRange([(byte)(sct.Extensions.Length >> 8), (byte)sct.Extensions.Length]);
        buffer.AddRange(sct.Extensions);
        return buffer.ToArray();
    }
}
