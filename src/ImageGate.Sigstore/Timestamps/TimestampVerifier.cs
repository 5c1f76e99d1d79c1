using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using ImageGate.Sigstore.Certificates;
using ImageGate.Sigstore.Trust;

namespace ImageGate.Sigstore.Timestamps;

/// <summary>RFC 3161 timestamp checks against trusted timestamp authorities.</summary>
public static class TimestampVerifier
{
    /// <summary>Verifies a DER TimeStampResp (or bare token) over <paramref name="signedData"/>; returns the verified genTime.</summary>
    public static DateTimeOffset Verify(byte[] timestamp, ReadOnlySpan<byte> signedData, IReadOnlyList<CertificateAuthority> authorities)
    {
        if (authorities.Count == 0)
        {
            throw Fail.With("RFC 3161 timestamp: no trusted timestamp authority is configured");
        }
        var tokenBytes = ExtractToken(timestamp);
        if (!Rfc3161TimestampToken.TryDecode(tokenBytes, out var token, out _))
        {
            throw Fail.With("malformed RFC 3161 timestamp token");
        }
        var candidates = new X509Certificate2Collection();
        foreach (var ca in authorities)
        {
            if (ca.Leaf is not null)
            {
                candidates.Add(ca.Leaf);
            }
            candidates.AddRange(ca.Intermediates.ToArray());
        }
        if (!token.VerifySignatureForData(signedData, out var signer, candidates) || signer is null)
        {
            throw Fail.With("RFC 3161 timestamp does not verify: the token's signature or message imprint does not match the signature");
        }
        var genTime = token.TokenInfo.Timestamp;
        var tsas = authorities.Where(a => a.ValidFor.Contains(genTime)).ToList();
        if (tsas.Count == 0)
        {
            throw Fail.With($"RFC 3161 timestamp time {genTime.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} is outside every timestamp authority's validity window");
        }
        try
        {
            ChainVerifier.Verify(signer, tsas, genTime, ChainVerifier.TimeStampingEku, "timestamp authority certificate");
        }
        catch (SigstoreVerificationException ex)
        {
            throw Fail.With("RFC 3161 timestamp: " + ex.Message);
        }
        return genTime;
    }

    /// <summary>Accepts either a TimeStampResp (status must be granted) or a bare ContentInfo token.</summary>
    private static byte[] ExtractToken(byte[] der)
    {
        try
        {
            var seq = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
            if (seq.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
            {
                return der; // already a ContentInfo
            }
            var status = seq.ReadSequence();
            if (!status.TryReadInt32(out var code) || code is not (0 or 1))
            {
                throw Fail.With($"RFC 3161 timestamp response status is not granted");
            }
            if (!seq.HasData)
            {
                throw Fail.With("RFC 3161 timestamp response carries no token");
            }
            return seq.ReadEncodedValue().ToArray();
        }
        catch (AsnContentException)
        {
            throw Fail.With("malformed RFC 3161 timestamp response");
        }
    }
}
