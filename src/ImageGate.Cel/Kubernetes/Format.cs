using System.Globalization;
using System.Text;
using ImageGate.Cel.Regex;

namespace ImageGate.Cel.Kubernetes;

/// <summary>
/// A named format of the Kubernetes CEL format library (format.dns1123Label(), format.named("uuid"), ...).
/// <see cref="Validate"/> returns the same error messages as Kubernetes; an empty list means valid
/// (CEL's <c>validate</c> then yields optional.none).
/// </summary>
public sealed class Format
{
    private const string Dns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private const string Dns1123LabelErrMsg = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
    private const string Dns1123SubdomainFmt = Dns1123LabelFmt + "(\\." + Dns1123LabelFmt + ")*";
    private const string Dns1123SubdomainErrMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    private const string Dns1035LabelFmt = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private const string Dns1035LabelErrMsg = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
    private const string QualifiedNameFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private const string QualifiedNameErrMsg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private const string LabelValueFmt = "(" + QualifiedNameFmt + ")?";
    private const string LabelValueErrMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

    private static readonly Dictionary<string, Format> ByName = new Format[]
    {
        new("dns1123Label", "DNS1123Label", s => IsDns1123Label(s)),
        new("dns1123Subdomain", "DNS1123Subdomain", s => IsDns1123Subdomain(s)),
        new("dns1035Label", "DNS1035Label", s => IsDns1035Label(s)),
        new("qualifiedName", "QualifiedName", IsQualifiedName),
        new("portName", "PortName", IsValidPortName),
        new("dns1123LabelPrefix", "DNS1123LabelPrefix", s => IsDns1123Label(MaskTrailingDash(s))),
        new("dns1123SubdomainPrefix", "DNS1123SubdomainPrefix", s => IsDns1123Subdomain(MaskTrailingDash(s))),
        new("dns1035LabelPrefix", "DNS1035LabelPrefix", s => IsDns1035Label(MaskTrailingDash(s))),
        new("labelValue", "LabelValue", IsValidLabelValue),
        new("uri", "URI", s => KubeUrl.RequestUriError(s) is { } e ? [e] : []),
        new("uuid", "uuid", s => Matches(@"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$", s) ? [] : ["does not match the UUID format"]),
        new("byte", "byte", s => IsStdBase64(s) ? [] : ["invalid base64"]),
        new("date", "date", s => IsDate(s) ? [] : ["invalid date"]),
        new("datetime", "datetime", s => IsDateTime(s) ? [] : ["invalid datetime"]),
    }.ToDictionary(f => f.Name, StringComparer.Ordinal);

    private readonly Func<string, List<string>> _validate;

    private Format(string name, string displayName, Func<string, List<string>> validate)
    {
        Name = name;
        DisplayName = displayName;
        _validate = validate;
    }

    /// <summary>The name used in CEL, e.g. "dns1123Label".</summary>
    public string Name { get; }

    /// <summary>The name Kubernetes gives the format value, e.g. "DNS1123Label".</summary>
    public string DisplayName { get; }

    /// <summary>Every format the library defines, by CEL name.</summary>
    public static IReadOnlyCollection<string> Names => ByName.Keys;

    /// <summary>The format with this CEL name, or null (CEL <c>format.named</c> then yields optional.none).</summary>
    public static Format? Named(string name) => ByName.GetValueOrDefault(name);

    /// <summary>Kubernetes' error messages for <paramref name="value"/>; empty when the value is valid.</summary>
    public IReadOnlyList<string> Validate(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return _validate(value);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    private static bool Matches(string pattern, string value) => Re2Regex.GetOrCompile(pattern).IsMatch(value);

    private static int ByteLength(string s) => Encoding.UTF8.GetByteCount(s);

    private static string MaxLenError(int length) => $"must be no more than {length} characters";

    private static string RegexError(string message, string format, params string[] examples) =>
        examples.Length == 0
            ? $"{message} (regex used for validation is '{format}')"
            : $"{message} (e.g. {string.Concat(examples.Select((e, i) => (i > 0 ? " or " : "") + "'" + e + "', "))}regex used for validation is '{format}')";

    // Kubernetes' quirk: a trailing dash is replaced by dropping two characters and appending "a".
    private static string MaskTrailingDash(string name) =>
        name.Length > 1 && name.EndsWith('-') ? name[..^2] + "a" : name;

    private static List<string> IsDns1123Label(string value)
    {
        var errs = new List<string>();
        if (ByteLength(value) > 63)
        {
            errs.Add(MaxLenError(63));
        }
        if (!Matches("^" + Dns1123LabelFmt + "$", value))
        {
            errs.Add(Matches("^" + Dns1123SubdomainFmt + "$", value)
                ? "must not contain dots"
                : RegexError(Dns1123LabelErrMsg, Dns1123LabelFmt, "my-name", "123-abc"));
        }
        return errs;
    }

    private static List<string> IsDns1123Subdomain(string value)
    {
        var errs = new List<string>();
        if (ByteLength(value) > 253)
        {
            errs.Add(MaxLenError(253));
        }
        if (!Matches("^" + Dns1123SubdomainFmt + "$", value))
        {
            errs.Add(RegexError(Dns1123SubdomainErrMsg, Dns1123SubdomainFmt, "example.com"));
        }
        return errs;
    }

    private static List<string> IsDns1035Label(string value)
    {
        var errs = new List<string>();
        if (ByteLength(value) > 63)
        {
            errs.Add(MaxLenError(63));
        }
        if (!Matches("^" + Dns1035LabelFmt + "$", value))
        {
            errs.Add(RegexError(Dns1035LabelErrMsg, Dns1035LabelFmt, "my-name", "abc-123"));
        }
        return errs;
    }

    private static List<string> IsQualifiedName(string value)
    {
        var errs = new List<string>();
        string[] parts = value.Split('/');
        string name;
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2:
                name = parts[1];
                if (parts[0].Length == 0)
                {
                    errs.Add("prefix part must be non-empty");
                }
                else
                {
                    errs.AddRange(IsDns1123Subdomain(parts[0]).Select(m => "prefix part " + m));
                }
                break;
            default:
                errs.Add("a qualified name " + RegexError(QualifiedNameErrMsg, QualifiedNameFmt, "MyName", "my.name", "123-abc")
                    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
                return errs;
        }
        if (name.Length == 0)
        {
            errs.Add("name part must be non-empty");
        }
        else if (ByteLength(name) > 63)
        {
            errs.Add("name part " + MaxLenError(63));
        }
        if (!Matches("^" + QualifiedNameFmt + "$", name))
        {
            errs.Add("name part " + RegexError(QualifiedNameErrMsg, QualifiedNameFmt, "MyName", "my.name", "123-abc"));
        }
        return errs;
    }

    private static List<string> IsValidLabelValue(string value)
    {
        var errs = new List<string>();
        if (ByteLength(value) > 63)
        {
            errs.Add(MaxLenError(63));
        }
        if (!Matches("^" + LabelValueFmt + "$", value))
        {
            errs.Add(RegexError(LabelValueErrMsg, LabelValueFmt, "MyValue", "my_value", "12345"));
        }
        return errs;
    }

    private static List<string> IsValidPortName(string port)
    {
        var errs = new List<string>();
        if (ByteLength(port) > 15)
        {
            errs.Add(MaxLenError(15));
        }
        if (!Matches("^[-a-z0-9]+$", port))
        {
            errs.Add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        }
        if (!Matches("[a-z]", port))
        {
            errs.Add("must contain at least one letter (a-z)");
        }
        if (port.Contains("--", StringComparison.Ordinal))
        {
            errs.Add("must not contain consecutive hyphens");
        }
        if (port.Length > 0 && (port[0] == '-' || port[^1] == '-'))
        {
            errs.Add("must not begin or end with a hyphen");
        }
        return errs;
    }

    // Go's base64.StdEncoding: padded standard alphabet; \r and \n are skipped.
    private static bool IsStdBase64(string s)
    {
        string data = s.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);
        if (data.Length % 4 != 0)
        {
            return false;
        }
        int padding = data.EndsWith("==", StringComparison.Ordinal) ? 2 : data.EndsWith('=') ? 1 : 0;
        for (int i = 0; i < data.Length - padding; i++)
        {
            char c = data[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c == '+' || c == '/'))
            {
                return false;
            }
        }
        return true;
    }

    // Go's time.Parse with layout 2006-01-02: four-digit year (0000 included), real calendar day.
    private static bool IsDate(string s)
    {
        if (s.Length != 10 || s[4] != '-' || s[7] != '-'
            || !s.Where((c, i) => i is not (4 or 7)).All(char.IsAsciiDigit))
        {
            return false;
        }
        int year = int.Parse(s.AsSpan(0, 4), CultureInfo.InvariantCulture);
        int month = int.Parse(s.AsSpan(5, 2), CultureInfo.InvariantCulture);
        int day = int.Parse(s.AsSpan(8, 2), CultureInfo.InvariantCulture);
        if (month is < 1 or > 12 || day < 1)
        {
            return false;
        }
        bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        int[] days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        return day <= days[month - 1];
    }

    // The OpenAPI date-time check Kubernetes uses: a date, 't', then hh:mm:ss[.fraction](z|±hh:mm).
    private static bool IsDateTime(string s)
    {
        if (s.Length < 4)
        {
            return false;
        }
        string[] parts = s.ToLowerInvariant().Split('t');
        if (parts.Length < 2 || !IsDate(parts[0]))
        {
            return false;
        }
        var m = Re2Regex.GetOrCompile(@"^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$").FindSubmatch(parts[1]);
        return m is not null
            && string.CompareOrdinal(m[1], "23") <= 0
            && string.CompareOrdinal(m[2], "59") <= 0
            && string.CompareOrdinal(m[3], "59") <= 0;
    }
}
