using System.Globalization;

namespace ImageGate.Cel.Kubernetes;

/// <summary>
/// An IP prefix (CIDR) with the Kubernetes CEL cidr library's rules: Go's netip.ParsePrefix (no zones,
/// prefix length without sign or leading zeros) and no IPv4-mapped IPv6 addresses. Immutable.
/// </summary>
public sealed class Cidr : IEquatable<Cidr>
{
    private Cidr(IpAddress address, int prefixLength)
    {
        Ip = address;
        PrefixLength = prefixLength;
    }

    /// <summary>The address as written, not masked (CEL <c>ip()</c>).</summary>
    public IpAddress Ip { get; }

    /// <summary>The number of leading bits in the prefix (CEL <c>prefixLength()</c>).</summary>
    public int PrefixLength { get; }

    /// <summary>Parses a prefix such as "10.0.0.0/8"; throws <see cref="FormatException"/> with the Kubernetes message.</summary>
    public static Cidr Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ParseCore(text, out string? error) ?? throw new FormatException(error);
    }

    /// <summary>Parses a prefix; false where Kubernetes reports an error.</summary>
    public static bool TryParse(string text, out Cidr? cidr)
    {
        cidr = text is null ? null : ParseCore(text, out _);
        return cidr is not null;
    }

    /// <summary>Whether <paramref name="text"/> is a prefix Kubernetes accepts (CEL <c>isCIDR</c>).</summary>
    public static bool IsValid(string text) => TryParse(text, out _);

    /// <summary>The prefix with the host bits cleared (CEL <c>masked()</c>).</summary>
    public Cidr Masked() => new(IpAddress.FromBytes(Mask(Ip.GetAddressBytes(), PrefixLength)), PrefixLength);

    /// <summary>Whether <paramref name="address"/> lies in this prefix (false for the other family).</summary>
    public bool ContainsIp(IpAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.Family == Ip.Family
            && Mask(address.GetAddressBytes(), PrefixLength).AsSpan().SequenceEqual(Mask(Ip.GetAddressBytes(), PrefixLength));
    }

    /// <summary>Parses <paramref name="address"/> as <see cref="IpAddress"/> (throwing for invalid text) and checks containment.</summary>
    public bool ContainsIp(string address) => ContainsIp(IpAddress.Parse(address));

    /// <summary>Whether every address of <paramref name="other"/> lies in this prefix.</summary>
    public bool ContainsCidr(Cidr other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other.PrefixLength >= PrefixLength && ContainsIp(other.Ip);
    }

    /// <summary>Parses <paramref name="other"/> as <see cref="Cidr"/> (throwing for invalid text) and checks containment.</summary>
    public bool ContainsCidr(string other) => ContainsCidr(Parse(other));

    /// <summary>Equal address (as written) and prefix length.</summary>
    public bool Equals(Cidr? other) => other is not null && Ip.Equals(other.Ip) && PrefixLength == other.PrefixLength;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Cidr c && Equals(c);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Ip, PrefixLength);

    /// <summary>The canonical address followed by /length, e.g. "10.0.0.1/8".</summary>
    public override string ToString() => Ip + "/" + PrefixLength.ToString(CultureInfo.InvariantCulture);

    private static byte[] Mask(byte[] bytes, int bits)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            int keep = Math.Clamp(bits - 8 * i, 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
        return bytes;
    }

    private static Cidr? ParseCore(string text, out string? error)
    {
        var cidr = ParsePrefix(text, out error);
        if (cidr is null)
        {
            error = $"network address parse error during conversion from string: netip.ParsePrefix(\"{text}\"): {error}";
            return null;
        }
        if (cidr.Ip.IsIPv4Mapped)
        {
            error = $"IPv4-mapped IPv6 address \"{text}\" is not allowed";
            return null;
        }
        return cidr;
    }

    private static Cidr? ParsePrefix(string s, out string? error)
    {
        int slash = s.LastIndexOf('/');
        if (slash < 0)
        {
            error = "no '/'";
            return null;
        }
        var address = IpAddress.ParseAddress(s[..slash], out string? zone, out error);
        if (address is null)
        {
            return null;
        }
        if (zone is not null)
        {
            error = "IPv6 zones cannot be present in a prefix";
            return null;
        }
        string bitsText = s[(slash + 1)..];
        if ((bitsText.Length > 1 && bitsText[0] is < '1' or > '9')
            || !int.TryParse(bitsText, NumberStyles.None, CultureInfo.InvariantCulture, out int bits))
        {
            error = $"bad bits after slash: \"{bitsText}\"";
            return null;
        }
        if (bits > (address.Family == 4 ? 32 : 128))
        {
            error = "prefix length out of range";
            return null;
        }
        error = null;
        return new Cidr(address, bits);
    }
}
