using System.Globalization;
using System.Text.RegularExpressions;

namespace ImageGate.Notation.Envelopes;

/// <summary>The Notary Project rules for protected headers, shared by JWS and COSE.</summary>
internal static partial class HeaderRules
{
    private static readonly HashSet<string> Registered = new(StringComparer.Ordinal)
    {
        "alg", "cty", "crit", ProtectedHeaders.SigningScheme, ProtectedHeaders.SigningTime,
        ProtectedHeaders.AuthenticSigningTime, ProtectedHeaders.Expiry,
    };

    /// <summary>Labels that may appear in crit although they are registered.</summary>
    private static readonly HashSet<string> CriticalAllowed = new(StringComparer.Ordinal)
    {
        ProtectedHeaders.SigningScheme, ProtectedHeaders.AuthenticSigningTime, ProtectedHeaders.Expiry,
    };

    public const int MaxCritical = 32;

    /// <summary>Applies every structural rule; throws an integrity or unsupported failure.</summary>
    public static void Validate(ProtectedHeaders h)
    {
        if (h.ContentType != ProtectedHeaders.PayloadContentType)
        {
            throw Integrity($"content type must be '{ProtectedHeaders.PayloadContentType}', found '{h.ContentType ?? "(none)"}'");
        }
        if (h.Scheme is null)
        {
            throw Integrity($"missing protected header '{ProtectedHeaders.SigningScheme}'");
        }
        var crit = h.Critical ?? throw Integrity("missing protected header 'crit'");
        if (crit.Count == 0)
        {
            throw Integrity("'crit' must not be empty");
        }
        if (crit.Distinct(StringComparer.Ordinal).Count() != crit.Count)
        {
            throw Integrity("'crit' lists a header twice");
        }
        if (!crit.Contains(ProtectedHeaders.SigningScheme))
        {
            throw Integrity($"'{ProtectedHeaders.SigningScheme}' must be marked critical");
        }
        switch (h.Scheme)
        {
            case "notary.x509":
                if (h.SigningTimeValue is null)
                {
                    throw Integrity($"scheme notary.x509 requires '{ProtectedHeaders.SigningTime}'");
                }
                if (h.Present.Contains(ProtectedHeaders.AuthenticSigningTime))
                {
                    throw Integrity($"scheme notary.x509 must not carry '{ProtectedHeaders.AuthenticSigningTime}'");
                }
                break;
            case "notary.x509.signingAuthority":
                if (h.AuthenticSigningTimeValue is null)
                {
                    throw Integrity($"scheme notary.x509.signingAuthority requires '{ProtectedHeaders.AuthenticSigningTime}'");
                }
                if (!crit.Contains(ProtectedHeaders.AuthenticSigningTime))
                {
                    throw Integrity($"'{ProtectedHeaders.AuthenticSigningTime}' must be marked critical");
                }
                if (h.Present.Contains(ProtectedHeaders.SigningTime))
                {
                    throw Integrity($"scheme notary.x509.signingAuthority must not carry '{ProtectedHeaders.SigningTime}'");
                }
                break;
            default:
                throw Integrity($"unsupported signing scheme '{h.Scheme}'");
        }
        if (h.ExpiryValue is { } expiry)
        {
            if (!crit.Contains(ProtectedHeaders.Expiry))
            {
                throw Integrity($"'{ProtectedHeaders.Expiry}' must be marked critical");
            }
            var signed = h.SigningTimeValue ?? h.AuthenticSigningTimeValue;
            if (signed is { } t && expiry <= t)
            {
                throw Integrity($"expiry {Format(expiry)} is not after the signing time {Format(t)}");
            }
        }
        foreach (var name in crit)
        {
            if (!h.Present.Contains(name))
            {
                throw Integrity($"header '{name}' is marked critical but not present");
            }
            if (Registered.Contains(name) && !CriticalAllowed.Contains(name))
            {
                throw Integrity($"header '{name}' must not be marked critical");
            }
        }
        foreach (var plugin in new[] { ProtectedHeaders.VerificationPlugin, ProtectedHeaders.VerificationPluginMinVersion })
        {
            if (h.Present.Contains(plugin) && !crit.Contains(plugin))
            {
                throw Integrity($"header '{plugin}' must be marked critical");
            }
        }
        if (crit.Contains(ProtectedHeaders.VerificationPlugin) || crit.Contains(ProtectedHeaders.VerificationPluginMinVersion))
        {
            throw new NotaryException(NotaryFailureKind.Unsupported,
                "the signature requires a verification plugin, which is not supported");
        }
        // The Notary specification: a verifier MUST fail on critical headers it does not understand.
        var unknown = crit.FirstOrDefault(c => !Registered.Contains(c));
        if (unknown is not null)
        {
            throw Integrity($"unknown critical header '{unknown}'");
        }
    }

    /// <summary>Parses an RFC 3339 date-time (offsets and fractional seconds allowed).</summary>
    public static DateTimeOffset ParseRfc3339(string value, string name)
    {
        if (!Rfc3339().IsMatch(value) ||
            !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
        {
            throw Integrity($"header '{name}' is not an RFC 3339 time: '{Truncate(value)}'");
        }
        return t;
    }

    public static string Format(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static NotaryException Integrity(string message) => new(NotaryFailureKind.Integrity, message);

    public static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "…";

    [GeneratedRegex(@"\A\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})\z")]
    private static partial Regex Rfc3339();
}
