using System.Globalization;

namespace ImageGate.Cel.Kubernetes;

/// <summary>
/// A semantic version as the Kubernetes CEL semver library reads it (blang/semver v4 rules, with the
/// library's optional normalisation). Equality and ordering follow semver precedence, so build
/// metadata is ignored. Immutable.
/// </summary>
public sealed class SemVer : IComparable<SemVer>, IEquatable<SemVer>
{
    private readonly string[] _preRelease;
    private readonly string[] _build;

    private SemVer(ulong major, ulong minor, ulong patch, string[] preRelease, string[] build)
    {
        Major = major;
        Minor = minor;
        Patch = patch;
        _preRelease = preRelease;
        _build = build;
    }

    /// <summary>The major version.</summary>
    public ulong Major { get; }

    /// <summary>The minor version.</summary>
    public ulong Minor { get; }

    /// <summary>The patch version.</summary>
    public ulong Patch { get; }

    /// <summary>Dot-separated pre-release identifiers (e.g. ["alpha", "1"]).</summary>
    public IReadOnlyList<string> PreRelease => _preRelease;

    /// <summary>Dot-separated build metadata identifiers.</summary>
    public IReadOnlyList<string> Build => _build;

    /// <summary>
    /// Parses a version; with <paramref name="normalize"/> a leading "v" is dropped, missing minor and patch
    /// become 0 and leading zeros are removed (semver("v1.02", true) is 1.2.0). Throws <see cref="FormatException"/>.
    /// </summary>
    public static SemVer Parse(string text, bool normalize = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ParseCore(text, normalize, out string? error) ?? throw new FormatException(error);
    }

    /// <summary>Parses a version; false when it is not valid.</summary>
    public static bool TryParse(string text, bool normalize, out SemVer? version)
    {
        version = text is null ? null : ParseCore(text, normalize, out _);
        return version is not null;
    }

    /// <summary>Whether <paramref name="text"/> is a valid version (CEL <c>isSemver</c>).</summary>
    public static bool IsValid(string text, bool normalize = false) => TryParse(text, normalize, out _);

    /// <summary>Semver precedence: -1, 0 or 1 (build metadata is ignored).</summary>
    public int CompareTo(SemVer? other)
    {
        if (other is null)
        {
            return 1;
        }
        int c = Major.CompareTo(other.Major);
        if (c == 0)
        {
            c = Minor.CompareTo(other.Minor);
        }
        if (c == 0)
        {
            c = Patch.CompareTo(other.Patch);
        }
        if (c != 0)
        {
            return Math.Sign(c);
        }
        // A version without pre-release identifiers ranks above one with them.
        if (_preRelease.Length == 0 || other._preRelease.Length == 0)
        {
            return other._preRelease.Length.CompareTo(_preRelease.Length) switch { > 0 => 1, < 0 => -1, _ => 0 };
        }
        for (int i = 0; i < Math.Min(_preRelease.Length, other._preRelease.Length); i++)
        {
            c = ComparePreRelease(_preRelease[i], other._preRelease[i]);
            if (c != 0)
            {
                return c;
            }
        }
        return _preRelease.Length.CompareTo(other._preRelease.Length) switch { > 0 => 1, < 0 => -1, _ => 0 };
    }

    /// <summary>Whether this version has lower precedence than <paramref name="other"/>.</summary>
    public bool IsLessThan(SemVer other) => CompareTo(other) < 0;

    /// <summary>Whether this version has higher precedence than <paramref name="other"/>.</summary>
    public bool IsGreaterThan(SemVer other) => CompareTo(other) > 0;

    /// <summary>Equal precedence (build metadata ignored).</summary>
    public bool Equals(SemVer? other) => other is not null && CompareTo(other) == 0;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SemVer v && Equals(v);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Major, Minor, Patch, string.Join('.', _preRelease));

    /// <summary>The version as major.minor.patch[-pre][+build].</summary>
    public override string ToString()
    {
        string s = $"{Major}.{Minor}.{Patch}";
        if (_preRelease.Length > 0)
        {
            s += "-" + string.Join('.', _preRelease);
        }
        if (_build.Length > 0)
        {
            s += "+" + string.Join('.', _build);
        }
        return s;
    }

    private static int ComparePreRelease(string a, string b)
    {
        bool aNum = IsNumeric(a), bNum = IsNumeric(b);
        if (aNum && bNum)
        {
            return ulong.Parse(a, CultureInfo.InvariantCulture).CompareTo(ulong.Parse(b, CultureInfo.InvariantCulture)) switch { > 0 => 1, < 0 => -1, _ => 0 };
        }
        if (aNum != bNum)
        {
            return aNum ? -1 : 1; // numeric identifiers rank below alphanumeric ones
        }
        return Math.Sign(string.CompareOrdinal(a, b));
    }

    private static bool IsNumeric(string s) => s.Length > 0 && s.All(char.IsAsciiDigit);

    private static bool IsAlphanumeric(string s) => s.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private static bool HasLeadingZero(string s) => s.Length > 1 && s[0] == '0';

    private static SemVer? ParseCore(string s, bool normalize, out string? error)
    {
        if (normalize)
        {
            s = Normalize(s, out error);
            if (error is not null)
            {
                return null;
            }
        }
        if (s.Length == 0)
        {
            error = "Version string empty";
            return null;
        }
        string[] parts = s.Split('.', 3);
        if (parts.Length != 3)
        {
            error = "No Major.Minor.Patch elements found";
            return null;
        }
        if (!TryParseNumber(parts[0], "major", out ulong major, out error) || !TryParseNumber(parts[1], "minor", out ulong minor, out error))
        {
            return null;
        }

        string patchText = parts[2];
        string[] build = [];
        string[] preRelease = [];
        int plus = patchText.IndexOf('+');
        if (plus >= 0)
        {
            build = patchText[(plus + 1)..].Split('.');
            patchText = patchText[..plus];
        }
        int dash = patchText.IndexOf('-');
        if (dash >= 0)
        {
            preRelease = patchText[(dash + 1)..].Split('.');
            patchText = patchText[..dash];
        }
        if (!TryParseNumber(patchText, "patch", out ulong patch, out error))
        {
            return null;
        }
        foreach (string identifier in preRelease)
        {
            if (identifier.Length == 0)
            {
                error = "Prerelease is empty";
                return null;
            }
            if (IsNumeric(identifier))
            {
                if (HasLeadingZero(identifier))
                {
                    error = $"Numeric PreRelease version must not contain leading zeroes \"{identifier}\"";
                    return null;
                }
                if (!ulong.TryParse(identifier, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    error = $"Numeric PreRelease version out of range \"{identifier}\"";
                    return null;
                }
            }
            else if (!IsAlphanumeric(identifier))
            {
                error = $"Invalid character(s) found in prerelease \"{identifier}\"";
                return null;
            }
        }
        foreach (string identifier in build)
        {
            if (identifier.Length == 0)
            {
                error = "Buildversion is empty";
                return null;
            }
            if (!IsAlphanumeric(identifier))
            {
                error = $"Invalid character(s) found in build meta data \"{identifier}\"";
                return null;
            }
        }
        error = null;
        return new SemVer(major, minor, patch, preRelease, build);
    }

    private static bool TryParseNumber(string text, string name, out ulong value, out string? error)
    {
        value = 0;
        if (!text.All(char.IsAsciiDigit))
        {
            error = $"Invalid character(s) found in {name} number \"{text}\"";
            return false;
        }
        if (HasLeadingZero(text))
        {
            error = $"{char.ToUpperInvariant(name[0])}{name[1..]} number must not contain leading zeroes \"{text}\"";
            return false;
        }
        if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            error = $"invalid {name} number \"{text}\"";
            return false;
        }
        error = null;
        return true;
    }

    // The Kubernetes library's normalisation: drop a "v", strip leading zeros, fill in minor and patch.
    private static string Normalize(string s, out string? error)
    {
        error = null;
        if (s.StartsWith('v'))
        {
            s = s[1..];
        }
        var parts = s.Split('.', 3).ToList();
        for (int i = 0; i < parts.Count; i++)
        {
            string p = parts[i];
            if (p.Length > 1)
            {
                p = p.TrimStart('0');
                if (p.Length == 0 || !char.IsAsciiDigit(p[0]))
                {
                    p = "0" + p;
                }
                parts[i] = p;
            }
        }
        if (parts.Count < 3)
        {
            if (parts[^1].IndexOfAny(['+', '-']) >= 0)
            {
                error = "short version cannot contain PreRelease/Build meta data";
                return s;
            }
            while (parts.Count < 3)
            {
                parts.Add("0");
            }
        }
        return string.Join('.', parts);
    }
}
