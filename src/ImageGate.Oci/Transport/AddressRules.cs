using System.Net;
using System.Net.Sockets;

namespace ImageGate.Oci.Transport;

/// <summary>Classifies hosts as public or not (loopback, private, link-local, localhost names), which
/// decides where a token realm may point.</summary>
public static class AddressRules
{
    /// <summary>True when <paramref name="host"/> (no port) is a loopback, private, link-local or
    /// unspecified IP literal, or a <c>localhost</c> name.</summary>
    public static bool IsNonPublic(string host)
    {
        host = host.Trim('[', ']');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (!IPAddress.TryParse(host, out var ip))
        {
            return false;
        }
        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }
        if (IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))
        {
            return true;
        }
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = ip.GetAddressBytes();
            return b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168)
                || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] >= 64 && b[1] <= 127) || b[0] == 0;
        }
        return ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6UniqueLocal;
    }

    /// <summary>Host part of <c>host[:port]</c> (IPv6 literals keep no brackets).</summary>
    public static string HostOf(string authority)
    {
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            return close > 0 ? authority[1..close] : authority;
        }
        var colon = authority.LastIndexOf(':');
        return colon > 0 && authority.IndexOf(':') == colon ? authority[..colon] : authority;
    }

    /// <summary>Checks a token realm URL for a registry; returns the reason it is refused, or null when allowed.
    /// The realm must be absolute HTTPS (HTTP only when the registry may use plain HTTP), and may point at a
    /// non-public address only when the registry itself is on one (blocks SSRF through a hostile challenge).</summary>
    public static string? RealmRefusal(string realm, string registry, bool registryInsecureAllowed)
    {
        if (!Uri.TryCreate(realm, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return $"token realm \"{realm}\" is not an absolute http(s) URL";
        }
        if (uri.Scheme == Uri.UriSchemeHttp && !registryInsecureAllowed)
        {
            return $"token realm {uri.GetLeftPart(UriPartial.Path)} uses plain HTTP and the registry is not allowed to be insecure";
        }
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "token realm carries user information";
        }
        if (IsNonPublic(uri.Host) && !IsNonPublic(HostOf(registry)))
        {
            return $"token realm {uri.GetLeftPart(UriPartial.Path)} is on a private, loopback or link-local address but the registry is not";
        }
        return null;
    }
}
