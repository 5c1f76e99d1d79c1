using System.Globalization;
using System.Text;

namespace ImageGate.Cel.Kubernetes;

/// <summary>
/// An IPv4 or IPv6 address with the Kubernetes CEL ip library's rules: strict parsing as Go's
/// net/netip (no leading zeros in IPv4 octets, at most four hex digits per IPv6 group), and no zones
/// or IPv4-mapped IPv6 addresses. Immutable.
/// </summary>
public sealed class IpAddress : IEquatable<IpAddress>
{
    private readonly byte[] _bytes; // 4 or 16 bytes

    private IpAddress(byte[] bytes) => _bytes = bytes;

    /// <summary>4 for IPv4, 6 for IPv6.</summary>
    public int Family => _bytes.Length == 4 ? 4 : 6;

    /// <summary>0.0.0.0 or ::.</summary>
    public bool IsUnspecified => _bytes.All(b => b == 0);

    /// <summary>127.0.0.0/8 or ::1.</summary>
    public bool IsLoopback => Family == 4 ? _bytes[0] == 127 : _bytes.Take(15).All(b => b == 0) && _bytes[15] == 1;

    /// <summary>224.0.0.0/24 or ff02::/16 (any flags nibble, as Go checks).</summary>
    public bool IsLinkLocalMulticast => Family == 4
        ? _bytes[0] == 224 && _bytes[1] == 0 && _bytes[2] == 0
        : _bytes[0] == 0xFF && (_bytes[1] & 0x0F) == 0x02;

    /// <summary>169.254.0.0/16 or fe80::/10.</summary>
    public bool IsLinkLocalUnicast => Family == 4
        ? _bytes[0] == 169 && _bytes[1] == 254
        : _bytes[0] == 0xFE && (_bytes[1] & 0xC0) == 0x80;

    /// <summary>224.0.0.0/4 or ff00::/8.</summary>
    public bool IsMulticast => Family == 4 ? (_bytes[0] & 0xF0) == 0xE0 : _bytes[0] == 0xFF;

    /// <summary>
    /// Go's IsGlobalUnicast: anything but unspecified, limited broadcast, loopback, multicast and link-local
    /// unicast (private and unique-local addresses count as global unicast).
    /// </summary>
    public bool IsGlobalUnicast =>
        !IsUnspecified
        && !(Family == 4 && _bytes.All(b => b == 0xFF))
        && !IsLoopback && !IsMulticast && !IsLinkLocalUnicast;

    /// <summary>Parses an address; throws <see cref="FormatException"/> with the Kubernetes message.</summary>
    public static IpAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ParseCore(text, out string? error) ?? throw new FormatException(error);
    }

    /// <summary>Parses an address; false where Kubernetes reports an error.</summary>
    public static bool TryParse(string text, out IpAddress? address)
    {
        address = text is null ? null : ParseCore(text, out _);
        return address is not null;
    }

    /// <summary>Whether <paramref name="text"/> is an address Kubernetes accepts (CEL <c>isIP</c>).</summary>
    public static bool IsValid(string text) => TryParse(text, out _);

    /// <summary>Whether <paramref name="text"/> is written in canonical form (CEL <c>ip.isCanonical</c>); throws for an invalid address.</summary>
    public static bool IsCanonical(string text) => Parse(text).ToString() == text;

    /// <summary>The address bytes in network order (4 or 16 bytes).</summary>
    public byte[] GetAddressBytes() => (byte[])_bytes.Clone();

    /// <summary>Value equality (family and bytes).</summary>
    public bool Equals(IpAddress? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is IpAddress ip && Equals(ip);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_bytes);
        return hash.ToHashCode();
    }

    /// <summary>The canonical form: dotted decimal, or RFC 5952 IPv6 (lower case, longest zero run as ::).</summary>
    public override string ToString()
    {
        if (Family == 4)
        {
            return string.Join('.', _bytes);
        }
        var groups = new int[8];
        for (int i = 0; i < 8; i++)
        {
            groups[i] = (_bytes[2 * i] << 8) | _bytes[2 * i + 1];
        }
        // Longest run of at least two zero groups; the first wins a tie.
        int bestStart = -1, bestLength = 1;
        for (int i = 0; i < 8;)
        {
            if (groups[i] != 0)
            {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0)
            {
                j++;
            }
            if (j - i > bestLength)
            {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        var sb = new StringBuilder();
        for (int i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                sb.Append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.Length > 0 && sb[^1] != ':')
            {
                sb.Append(':');
            }
            sb.Append(groups[i].ToString("x", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    internal static IpAddress FromBytes(byte[] bytes) => new(bytes);

    /// <summary>Whether this IPv6 address is an IPv4-mapped address (::ffff:0:0/96).</summary>
    internal bool IsIPv4Mapped =>
        Family == 6 && _bytes.Take(10).All(b => b == 0) && _bytes[10] == 0xFF && _bytes[11] == 0xFF;

    private static IpAddress? ParseCore(string text, out string? error)
    {
        var parsed = ParseAddress(text, out string? zone, out error);
        if (parsed is null)
        {
            error = $"IP Address \"{text}\" parse error during conversion from string: {error}";
            return null;
        }
        if (zone is not null)
        {
            error = $"IP address \"{text}\" with zone value is not allowed";
            return null;
        }
        if (parsed.IsIPv4Mapped)
        {
            error = $"IPv4-mapped IPv6 address \"{text}\" is not allowed";
            return null;
        }
        return parsed;
    }

    /// <summary>Go's netip.ParseAddr: the address and its zone (null when none); error text as Go words it.</summary>
    internal static IpAddress? ParseAddress(string s, out string? zone, out string? error)
    {
        zone = null;
        foreach (char c in s)
        {
            switch (c)
            {
                case '.':
                    var v4 = ParseIPv4(s, s, out error);
                    return v4 is null ? null : new IpAddress(v4);
                case ':':
                    var v6 = ParseIPv6(s, out zone, out error);
                    return v6 is null ? null : new IpAddress(v6);
                case '%':
                    error = Fail(s, "missing IPv6 address");
                    return null;
            }
        }
        error = Fail(s, "unable to parse IP");
        return null;
    }

    private static string Fail(string input, string message, string? at = null) =>
        $"ParseAddr(\"{input}\"): {message}" + (string.IsNullOrEmpty(at) ? "" : $" (at \"{at}\")");

    private static byte[]? ParseIPv4(string s, string input, out string? error)
    {
        error = null;
        var fields = new byte[4];
        int value = 0, pos = 0, digits = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c is >= '0' and <= '9')
            {
                if (digits == 1 && value == 0)
                {
                    error = Fail(input, "IPv4 field has octet with leading zero");
                    return null;
                }
                value = value * 10 + (c - '0');
                digits++;
                if (value > 255)
                {
                    error = Fail(input, "IPv4 field has value >255");
                    return null;
                }
            }
            else if (c == '.')
            {
                if (i == 0 || i == s.Length - 1 || s[i - 1] == '.')
                {
                    error = Fail(input, "IPv4 field must have at least one digit", s[i..]);
                    return null;
                }
                if (pos == 3)
                {
                    error = Fail(input, "IPv4 address too long");
                    return null;
                }
                fields[pos++] = (byte)value;
                value = 0;
                digits = 0;
            }
            else
            {
                error = Fail(input, "unexpected character", s[i..]);
                return null;
            }
        }
        if (pos < 3)
        {
            error = Fail(input, "IPv4 address too short");
            return null;
        }
        fields[3] = (byte)value;
        return fields;
    }

    private static byte[]? ParseIPv6(string input, out string? zone, out string? error)
    {
        zone = null;
        error = null;
        string s = input;
        int percent = s.IndexOf('%');
        if (percent >= 0)
        {
            zone = s[(percent + 1)..];
            s = s[..percent];
            if (zone.Length == 0)
            {
                error = Fail(input, "zone must be a non-empty string");
                return null;
            }
        }
        var ip = new byte[16];
        int ellipsis = -1;
        if (s.StartsWith("::", StringComparison.Ordinal))
        {
            ellipsis = 0;
            s = s[2..];
            if (s.Length == 0)
            {
                return ip;
            }
        }
        int n = 0;
        while (n < 16)
        {
            int off = 0;
            int acc = 0;
            for (; off < s.Length; off++)
            {
                int digit = HexValue(s[off]);
                if (digit < 0)
                {
                    break;
                }
                acc = (acc << 4) + digit;
                if (off > 3)
                {
                    error = Fail(input, "each group must have 4 or less digits", s);
                    return null;
                }
            }
            if (off == 0)
            {
                error = Fail(input, "each colon-separated field must have at least one digit", s);
                return null;
            }
            if (off < s.Length && s[off] == '.')
            {
                if (ellipsis < 0 && n != 12)
                {
                    error = Fail(input, "embedded IPv4 address must replace the final 2 fields of the address", s);
                    return null;
                }
                if (n + 4 > 16)
                {
                    error = Fail(input, "too many hex fields to fit an embedded IPv4 at the end of the address", s);
                    return null;
                }
                var v4 = ParseIPv4(s, input, out error);
                if (v4 is null)
                {
                    return null;
                }
                v4.CopyTo(ip, n);
                s = "";
                n += 4;
                break;
            }
            ip[n] = (byte)(acc >> 8);
            ip[n + 1] = (byte)acc;
            n += 2;
            s = s[off..];
            if (s.Length == 0)
            {
                break;
            }
            if (s[0] != ':')
            {
                error = Fail(input, "unexpected character, want colon", s);
                return null;
            }
            if (s.Length == 1)
            {
                error = Fail(input, "colon must be followed by more characters", s);
                return null;
            }
            s = s[1..];
            if (s[0] == ':')
            {
                if (ellipsis >= 0)
                {
                    error = Fail(input, "multiple :: in address", s);
                    return null;
                }
                ellipsis = n;
                s = s[1..];
                if (s.Length == 0)
                {
                    break;
                }
            }
        }
        if (s.Length != 0)
        {
            error = Fail(input, "trailing garbage after address", s);
            return null;
        }
        if (n < 16)
        {
            if (ellipsis < 0)
            {
                error = Fail(input, "address string too short");
                return null;
            }
            int shift = 16 - n;
            for (int j = n - 1; j >= ellipsis; j--)
            {
                ip[j + shift] = ip[j];
            }
            Array.Clear(ip, ellipsis, shift);
        }
        else if (ellipsis >= 0)
        {
            error = Fail(input, "the :: must expand to at least one field of zeros");
            return null;
        }
        return ip;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
