using System.Text;

namespace ImageGate.Cel.Kubernetes;

/// <summary>
/// A URL as the Kubernetes CEL url library sees it: validated with Go's url.ParseRequestURI (absolute URL
/// or absolute path) and then read with url.Parse, so fragments are handled properly. Accessors follow
/// Go's net/url. Immutable.
/// </summary>
public sealed class KubeUrl
{
    /// <summary>Longest accepted URL in UTF-8 bytes.</summary>
    public const int MaxLength = 64 * 1024;

    // Go's net/url escaping modes.
    private enum Mode
    {
        Path,
        Host,
        Zone,
        UserPassword,
        QueryComponent,
        Fragment,
    }

    private readonly string _text;
    private readonly string _host;   // bytes as chars (each char < 256)
    private readonly string _path;
    private readonly string _rawPath;
    private readonly string _rawQuery;

    private KubeUrl(string text, GoUrl url)
    {
        _text = text;
        Scheme = url.Scheme;
        _host = url.Host;
        _path = url.Path;
        _rawPath = url.RawPath;
        _rawQuery = url.RawQuery;
    }

    /// <summary>The scheme in lower case, e.g. "https"; "" for an absolute path (CEL <c>getScheme</c>).</summary>
    public string Scheme { get; }

    /// <summary>Host and optional port, e.g. "example.com:80" or "[::1]:80" (CEL <c>getHost</c>).</summary>
    public string Host => FromBytes(_host);

    /// <summary>The host without port or IPv6 brackets (CEL <c>getHostname</c>).</summary>
    public string Hostname => FromBytes(SplitHostPort(_host).Host);

    /// <summary>The port, or "" when there is none (CEL <c>getPort</c>).</summary>
    public string Port => SplitHostPort(_host).Port;

    /// <summary>The path in escaped form, e.g. "/path%20with%20spaces/" (CEL <c>getEscapedPath</c>).</summary>
    public string EscapedPath
    {
        get
        {
            if (_rawPath.Length > 0 && ValidEncodedPath(_rawPath) && Unescape(_rawPath, Mode.Path, out _) == _path)
            {
                return _rawPath;
            }
            return _path == "*" ? "*" : Escape(_path, Mode.Path);
        }
    }

    /// <summary>The query as Go's URL.Query() decodes it: key to values; malformed pairs are skipped (CEL <c>getQuery</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Query
    {
        get
        {
            var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (string pair in _rawQuery.Split('&'))
            {
                if (pair.Length == 0 || pair.Contains(';'))
                {
                    continue;
                }
                int eq = pair.IndexOf('=');
                string? key = Unescape(eq < 0 ? pair : pair[..eq], Mode.QueryComponent, out _);
                string? value = Unescape(eq < 0 ? "" : pair[(eq + 1)..], Mode.QueryComponent, out _);
                if (key is null || value is null)
                {
                    continue;
                }
                key = FromBytes(key);
                if (!result.TryGetValue(key, out var values))
                {
                    result[key] = values = new List<string>();
                }
                values.Add(FromBytes(value));
            }
            return result.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value, StringComparer.Ordinal);
        }
    }

    /// <summary>Parses a URL as the CEL <c>url()</c> function does; throws <see cref="FormatException"/> with the Kubernetes message.</summary>
    public static KubeUrl Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ParseCore(text, out string? error) ?? throw new FormatException(error);
    }

    /// <summary>Parses a URL; false where Kubernetes reports an error.</summary>
    public static bool TryParse(string text, out KubeUrl? url)
    {
        url = text is null ? null : ParseCore(text, out _);
        return url is not null;
    }

    /// <summary>Whether <paramref name="text"/> passes Go's url.ParseRequestURI (CEL <c>isURL</c>).</summary>
    public static bool IsValid(string text) => TryParse(text, out _);

    /// <summary>Go's url.ParseRequestURI error text for <paramref name="text"/> (e.g. parse "x": invalid URI for request), or null when it parses.</summary>
    internal static string? RequestUriError(string text)
    {
        string bytes = ToBytes(text);
        if (bytes.Length > MaxLength)
        {
            return $"parse \"{text}\": URL of {bytes.Length} bytes exceeds the limit of {MaxLength}";
        }
        return ParseGo(bytes, viaRequest: true, out string? error) is null ? $"parse \"{text}\": {error}" : null;
    }

    /// <summary>The URL text as given.</summary>
    public override string ToString() => _text;

    private static KubeUrl? ParseCore(string text, out string? error)
    {
        string bytes = ToBytes(text);
        if (bytes.Length > MaxLength)
        {
            error = $"URL parse error during conversion from string: URL of {bytes.Length} bytes exceeds the limit of {MaxLength}";
            return null;
        }
        // ParseRequestURI checks the URL; Parse then reads it without mistaking a fragment for path or query.
        if (ParseGo(bytes, viaRequest: true, out error) is null)
        {
            error = $"URL parse error during conversion from string: parse \"{text}\": {error}";
            return null;
        }
        int hash = bytes.IndexOf('#');
        string withoutFragment = hash < 0 ? bytes : bytes[..hash];
        var url = ParseGo(withoutFragment, viaRequest: false, out error);
        if (url is null || (hash >= 0 && Unescape(bytes[(hash + 1)..], Mode.Fragment, out error) is null))
        {
            error = $"URL parse error during conversion from string: parse \"{text}\": {error}";
            return null;
        }
        error = null;
        return new KubeUrl(text, url);
    }

    private sealed record GoUrl(string Scheme, string Host, string Path, string RawPath, string RawQuery);

    // Go's url.parse on a UTF-8 byte string (one char per byte).
    private static GoUrl? ParseGo(string raw, bool viaRequest, out string? error)
    {
        error = null;
        if (raw.Any(c => c < 0x20 || c == 0x7F))
        {
            error = "net/url: invalid control character in URL";
            return null;
        }
        if (raw.Length == 0 && viaRequest)
        {
            error = "empty url";
            return null;
        }
        if (raw == "*")
        {
            return new GoUrl("", "", "*", "", "");
        }
        if (!TrySplitScheme(raw, out string scheme, out string rest, out error))
        {
            return null;
        }
        scheme = scheme.ToLowerInvariant();
        string rawQuery = "";
        if (rest.EndsWith('?') && rest.Count(c => c == '?') == 1)
        {
            rest = rest[..^1];
        }
        else
        {
            int q = rest.IndexOf('?');
            if (q >= 0)
            {
                rawQuery = rest[(q + 1)..];
                rest = rest[..q];
            }
        }
        if (!rest.StartsWith('/'))
        {
            if (scheme.Length > 0)
            {
                return new GoUrl(scheme, "", "", "", rawQuery); // opaque, e.g. mailto:someone
            }
            if (viaRequest)
            {
                error = "invalid URI for request";
                return null;
            }
            int slash = rest.IndexOf('/');
            if ((slash < 0 ? rest : rest[..slash]).Contains(':'))
            {
                error = "first path segment in URL cannot contain colon";
                return null;
            }
        }
        string host = "";
        if ((scheme.Length > 0 || (!viaRequest && !rest.StartsWith("///", StringComparison.Ordinal))) && rest.StartsWith("//", StringComparison.Ordinal))
        {
            string authority = rest[2..];
            rest = "";
            int slash = authority.IndexOf('/');
            if (slash >= 0)
            {
                rest = authority[slash..];
                authority = authority[..slash];
            }
            var parsedHost = ParseAuthority(authority, out error);
            if (parsedHost is null)
            {
                return null;
            }
            host = parsedHost;
        }
        string? path = Unescape(rest, Mode.Path, out error);
        if (path is null)
        {
            return null;
        }
        string rawPath = Escape(path, Mode.Path) == rest ? "" : rest;
        return new GoUrl(scheme, host, path, rawPath, rawQuery);
    }

    private static bool TrySplitScheme(string raw, out string scheme, out string rest, out string? error)
    {
        scheme = "";
        rest = raw;
        error = null;
        for (int i = 0; i < raw.Length; i++)
        {
            char c = raw[i];
            if (char.IsAsciiLetter(c))
            {
                continue;
            }
            if (char.IsAsciiDigit(c) || c is '+' or '-' or '.')
            {
                if (i == 0)
                {
                    return true;
                }
                continue;
            }
            if (c == ':')
            {
                if (i == 0)
                {
                    error = "missing protocol scheme";
                    return false;
                }
                scheme = raw[..i];
                rest = raw[(i + 1)..];
            }
            return true;
        }
        return true;
    }

    private static string? ParseAuthority(string authority, out string? error)
    {
        int at = authority.LastIndexOf('@');
        string? host = ParseHost(at < 0 ? authority : authority[(at + 1)..], out error);
        if (host is null || at < 0)
        {
            return host;
        }
        string userinfo = authority[..at];
        if (!userinfo.All(c => char.IsAsciiLetterOrDigit(c) || "-._:~!$&'()*+,;=%@".Contains(c)))
        {
            error = "net/url: invalid userinfo";
            return null;
        }
        int colon = userinfo.IndexOf(':');
        foreach (string part in colon < 0 ? [userinfo] : new[] { userinfo[..colon], userinfo[(colon + 1)..] })
        {
            if (Unescape(part, Mode.UserPassword, out error) is null)
            {
                return null;
            }
        }
        return host;
    }

    private static string? ParseHost(string host, out string? error)
    {
        error = null;
        if (host.StartsWith('['))
        {
            int close = host.LastIndexOf(']');
            if (close < 0)
            {
                error = "missing ']' in host";
                return null;
            }
            string colonPort = host[(close + 1)..];
            if (!ValidOptionalPort(colonPort))
            {
                error = $"invalid port \"{colonPort}\" after host";
                return null;
            }
            int zone = host[..close].IndexOf("%25", StringComparison.Ordinal);
            if (zone >= 0)
            {
                string? a = Unescape(host[..zone], Mode.Host, out error);
                string? b = a is null ? null : Unescape(host[zone..close], Mode.Zone, out error);
                string? c = b is null ? null : Unescape(host[close..], Mode.Host, out error);
                return c is null ? null : a + b + c;
            }
        }
        else
        {
            int colon = host.LastIndexOf(':');
            if (colon >= 0 && !ValidOptionalPort(host[colon..]))
            {
                error = $"invalid port \"{host[colon..]}\" after host";
                return null;
            }
        }
        return Unescape(host, Mode.Host, out error);
    }

    private static bool ValidOptionalPort(string port) =>
        port.Length == 0 || (port[0] == ':' && port.Skip(1).All(char.IsAsciiDigit));

    private static (string Host, string Port) SplitHostPort(string hostPort)
    {
        string host = hostPort, port = "";
        int colon = host.LastIndexOf(':');
        if (colon >= 0 && ValidOptionalPort(host[colon..]))
        {
            port = host[(colon + 1)..];
            host = host[..colon];
        }
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        return (host, port);
    }

    // Go's url.unescape: validates %-escapes (and host characters) and decodes them.
    private static string? Unescape(string s, Mode mode, out string? error)
    {
        error = null;
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length;)
        {
            char c = s[i];
            if (c == '%')
            {
                if (i + 2 >= s.Length || !char.IsAsciiHexDigit(s[i + 1]) || !char.IsAsciiHexDigit(s[i + 2]))
                {
                    error = $"invalid URL escape \"{s.Substring(i, Math.Min(3, s.Length - i))}\"";
                    return null;
                }
                int v = Convert.ToInt32(s.Substring(i + 1, 2), 16);
                string escape = s.Substring(i, 3);
                if (mode == Mode.Host && v < 0x80 && escape != "%25")
                {
                    error = $"invalid URL escape \"{escape}\"";
                    return null;
                }
                if (mode == Mode.Zone && escape != "%25" && v != ' ' && ShouldEscape((char)v, Mode.Host))
                {
                    error = $"invalid URL escape \"{escape}\"";
                    return null;
                }
                sb.Append((char)v);
                i += 3;
                continue;
            }
            if ((mode == Mode.Host || mode == Mode.Zone) && c < 0x80 && ShouldEscape(c, mode))
            {
                error = $"invalid character \"{c}\" in host name";
                return null;
            }
            sb.Append(c == '+' && mode == Mode.QueryComponent ? ' ' : c);
            i++;
        }
        return sb.ToString();
    }

    private static string Escape(string s, Mode mode)
    {
        var sb = new StringBuilder(s.Length);
        foreach (char c in s)
        {
            if (ShouldEscape(c, mode))
            {
                sb.Append('%').Append(((int)c).ToString("X2"));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    private static bool ValidEncodedPath(string s) =>
        s.All(c => "!$&'()*+,;=:@[]%".Contains(c) || !ShouldEscape(c, Mode.Path));

    // Go's url.shouldEscape for the modes used here.
    private static bool ShouldEscape(char c, Mode mode)
    {
        if (char.IsAsciiLetterOrDigit(c))
        {
            return false;
        }
        if ((mode == Mode.Host || mode == Mode.Zone) && "!$&'()*+,;=:[]<>\"".Contains(c))
        {
            return false;
        }
        if (c is '-' or '_' or '.' or '~')
        {
            return false;
        }
        if ("$&+,/:;=?@".Contains(c))
        {
            return mode switch
            {
                Mode.Path => c == '?',
                Mode.UserPassword => c is '@' or '/' or '?' or ':',
                Mode.QueryComponent => true,
                Mode.Fragment => false,
                _ => true,
            };
        }
        if (mode == Mode.Fragment && c is '!' or '(' or ')' or '*')
        {
            return false;
        }
        return true;
    }

    private static string ToBytes(string s) => Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(s));

    private static string FromBytes(string s) => Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(s));
}
