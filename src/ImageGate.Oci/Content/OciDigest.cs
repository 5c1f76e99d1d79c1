using System.Security.Cryptography;

namespace ImageGate.Oci.Content;

/// <summary>Content digests (<c>sha256:&lt;hex&gt;</c>, <c>sha512:&lt;hex&gt;</c>): validation and computation.</summary>
public static class OciDigest
{
    /// <summary>True when <paramref name="digest"/> is a well-formed sha256 or sha512 digest in lower-case hex.</summary>
    public static bool IsValid(string? digest)
    {
        if (digest is null)
        {
            return false;
        }
        var (algorithm, hex) = Split(digest);
        var length = algorithm switch { "sha256" => 64, "sha512" => 128, _ => -1 };
        return hex.Length == length && hex.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
    }

    /// <summary>Computes the digest of <paramref name="content"/> with the algorithm <paramref name="algorithm"/>.</summary>
    public static string Compute(ReadOnlySpan<byte> content, string algorithm = "sha256") => algorithm switch
    {
        "sha256" => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content)),
        "sha512" => "sha512:" + Convert.ToHexStringLower(SHA512.HashData(content)),
        _ => throw new ArgumentException($"unsupported digest algorithm {algorithm}", nameof(algorithm)),
    };

    /// <summary>True when the content hashes to <paramref name="expected"/> (with the expected digest's algorithm).</summary>
    public static bool Matches(ReadOnlySpan<byte> content, string expected) =>
        IsValid(expected) && Compute(content, Split(expected).Algorithm) == expected;

    /// <summary>The algorithm and hex parts of a digest.</summary>
    public static (string Algorithm, string Hex) Split(string digest)
    {
        var colon = digest.IndexOf(':');
        return colon < 0 ? ("", digest) : (digest[..colon], digest[(colon + 1)..]);
    }

    /// <summary>The tag that stands for a digest in tag schemes: <c>sha256:abc</c> → <c>sha256-abc</c>.</summary>
    public static string ToTag(string digest) => digest.Replace(':', '-');
}
