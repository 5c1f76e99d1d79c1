using System.Security.Cryptography;
using System.Text;

namespace ImageGate.Sigstore;

/// <summary>Base64 (standard or URL-safe, as proto3 JSON allows), hex and PEM helpers.</summary>
internal static class Codec
{
    /// <summary>Decodes standard or URL-safe base64, padded or not.</summary>
    public static byte[] FromBase64(string value, string what)
    {
        var s = value.Trim().Replace('-', '+').Replace('_', '/');
        switch (s.Length % 4)
        {
            case 2: s += "=="; break;
            case 3: s += "="; break;
        }
        try
        {
            return Convert.FromBase64String(s);
        }
        catch (FormatException)
        {
            throw Fail.With($"malformed {what}: not valid base64");
        }
    }

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static byte[] Sha256(ReadOnlySpan<byte> data) => SHA256.HashData(data);

    /// <summary>All PEM blocks of the given label, in order.</summary>
    public static List<byte[]> PemBlocks(string pem, string label)
    {
        var result = new List<byte[]>();
        var begin = $"-----BEGIN {label}-----";
        var end = $"-----END {label}-----";
        var pos = 0;
        while (result.Count < 1000)
        {
            var b = pem.IndexOf(begin, pos, StringComparison.Ordinal);
            if (b < 0)
            {
                break;
            }
            var e = pem.IndexOf(end, b, StringComparison.Ordinal);
            if (e < 0)
            {
                throw new FormatException($"PEM block '{label}' has no END line");
            }
            var body = pem[(b + begin.Length)..e];
            result.Add(Convert.FromBase64String(string.Concat(body.Where(c => !char.IsWhiteSpace(c)))));
            pos = e + end.Length;
        }
        return result;
    }

    public static string ToPem(string label, ReadOnlySpan<byte> der) => new(PemEncoding.Write(label, der));

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
