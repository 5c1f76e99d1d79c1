namespace ImageGate.Oci.Auth;

/// <summary>A parsed <c>WWW-Authenticate</c> challenge: scheme and parameters (realm, service, scope, error).</summary>
public sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>The <c>realm</c> parameter.</summary>
    public string? Realm => Parameters.GetValueOrDefault("realm");
    /// <summary>The <c>service</c> parameter.</summary>
    public string? Service => Parameters.GetValueOrDefault("service");
    /// <summary>The <c>scope</c> parameter.</summary>
    public string? Scope => Parameters.GetValueOrDefault("scope");

    /// <summary>True for the Bearer scheme.</summary>
    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);
    /// <summary>True for the Basic scheme.</summary>
    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses one challenge header value (<c>Scheme k="v", k2=v2</c>); null when empty or malformed.</summary>
    public static AuthChallenge? Parse(string scheme, string? parameter)
    {
        if (string.IsNullOrWhiteSpace(scheme))
        {
            return null;
        }
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var text = parameter ?? "";
        var i = 0;
        // Bound the loop by the input length: each iteration consumes at least one character.
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i])))
            {
                i++;
            }
            var keyStart = i;
            while (i < text.Length && text[i] != '=' && text[i] != ',')
            {
                i++;
            }
            var key = text[keyStart..i].Trim();
            if (i >= text.Length || text[i] != '=')
            {
                i++;
                continue;
            }
            i++; // '='
            string value;
            if (i < text.Length && text[i] == '"')
            {
                i++;
                var sb = new System.Text.StringBuilder();
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }
                    sb.Append(text[i]);
                    i++;
                }
                i++; // closing quote
                value = sb.ToString();
            }
            else
            {
                var start = i;
                while (i < text.Length && text[i] != ',')
                {
                    i++;
                }
                value = text[start..i].Trim();
            }
            if (key.Length > 0)
            {
                parameters[key] = value;
            }
        }
        return new AuthChallenge(scheme.Trim(), parameters);
    }
}
