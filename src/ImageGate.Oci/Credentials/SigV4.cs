using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ImageGate.Oci.Credentials;

/// <summary>AWS Signature Version 4 for the few AWS calls the <c>amazon</c> provider makes.</summary>
public static class SigV4
{
    /// <summary>The <c>Authorization</c> header value for a request. <paramref name="headers"/> are the headers
    /// to sign (must include <c>host</c> and <c>x-amz-date</c>); <paramref name="query"/> is the raw query without '?'.</summary>
    public static string Authorize(string method, string path, string query, IReadOnlyDictionary<string, string> headers, ReadOnlySpan<byte> body,
        string accessKeyId, string secretAccessKey, string region, string service, DateTimeOffset time)
    {
        var (signedHeaders, signature) = Sign(method, path, query, headers, body, secretAccessKey, region, service, time);
        var date = time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        return $"AWS4-HMAC-SHA256 Credential={accessKeyId}/{date}/{region}/{service}/aws4_request, SignedHeaders={signedHeaders}, Signature={signature}";
    }

    /// <summary>Signed header list and hex signature.</summary>
    public static (string SignedHeaders, string Signature) Sign(string method, string path, string query, IReadOnlyDictionary<string, string> headers, ReadOnlySpan<byte> body,
        string secretAccessKey, string region, string service, DateTimeOffset time)
    {
        var amzDate = time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var canonicalHeaders = headers
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: string.Join(' ', h.Value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();
        var signedHeaders = string.Join(';', canonicalHeaders.Select(h => h.Name));
        var canonicalRequest = string.Join('\n',
            method,
            path.Length == 0 ? "/" : path,
            CanonicalQuery(query),
            string.Concat(canonicalHeaders.Select(h => $"{h.Name}:{h.Value}\n")),
            signedHeaders,
            Hex(SHA256.HashData(body)));
        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        return (signedHeaders, Hex(Hmac(key, stringToSign)));
    }

    /// <summary>Query parameters sorted by name then value, each RFC 3986-encoded.</summary>
    public static string CanonicalQuery(string query) => string.Join('&', query
        .Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split('=', 2))
        .Select(p => (Name: Encode(Uri.UnescapeDataString(p[0])), Value: Encode(p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "")))
        .OrderBy(p => p.Name, StringComparer.Ordinal)
        .ThenBy(p => p.Value, StringComparer.Ordinal)
        .Select(p => $"{p.Name}={p.Value}"));

    private static string Encode(string s) => Uri.EscapeDataString(s);

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] data) => Convert.ToHexStringLower(data);
}
