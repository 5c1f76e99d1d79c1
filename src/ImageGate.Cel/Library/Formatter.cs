using System.Globalization;
using System.Text;

namespace ImageGate.Cel.Library;

/// <summary>Implements <c>string.format(list)</c>: %s %d %f %e %x %X %o %b and %%, with optional precision.</summary>
internal static class Formatter
{
    private const int MaxPrecision = 1000;

    public static object Format(string fmt, object[] args)
    {
        var sb = new StringBuilder();
        var argi = 0;
        for (var i = 0; i < fmt.Length; i++)
        {
            var c = fmt[i];
            if (c != '%') { sb.Append(c); continue; }
            if (++i >= fmt.Length) return new CelError("unexpected end of format string");
            if (fmt[i] == '%') { sb.Append('%'); continue; }
            int? precision = null;
            if (fmt[i] == '.')
            {
                var ps = ++i;
                while (i < fmt.Length && char.IsAsciiDigit(fmt[i])) i++;
                if (i == ps || i >= fmt.Length) return new CelError("unable to find end of precision specifier");
                // A precision is digits the result must hold: bound it before it turns into memory.
                if (i - ps > 4 || int.Parse(fmt[ps..i], CultureInfo.InvariantCulture) > MaxPrecision)
                    return new CelError($"precision {fmt[ps..i]} exceeds the limit of {MaxPrecision}");
                precision = int.Parse(fmt[ps..i], CultureInfo.InvariantCulture);
            }
            var verb = fmt[i];
            if (argi >= args.Length) return new CelError($"index {argi} out of range");
            var arg = args[argi++];
            var r = FormatOne(verb, precision, arg);
            if (r is CelError) return r;
            sb.Append((string)r);
        }
        if (argi < args.Length) return new CelError($"too many arguments supplied to string.format (expected {argi}, got {args.Length})");
        return sb.ToString();
    }

    private static object FormatOne(char verb, int? precision, object arg)
    {
        switch (verb)
        {
            case 's': return AsString(arg, top: true);
            case 'd':
                return arg switch
                {
                    long l => l.ToString(CultureInfo.InvariantCulture),
                    ulong u => u.ToString(CultureInfo.InvariantCulture),
                    double d when !double.IsFinite(d) => Values.FormatDouble(d).Replace("+Inf", "Infinity").Replace("-Inf", "-Infinity"),
                    _ => new CelError($"error during formatting: decimal clause can only be used on integers, was given {Values.TypeName(arg)}"),
                };
            case 'f' or 'e':
            {
                double d;
                switch (arg)
                {
                    case double x: d = x; break;
                    case long l: d = l; break;
                    case ulong u: d = u; break;
                    default:
                        return new CelError($"error during formatting: {(verb == 'f' ? "fixed-point" : "scientific")} clause can only be used on doubles, was given {Values.TypeName(arg)}");
                }
                if (double.IsNaN(d)) return "NaN";
                if (double.IsPositiveInfinity(d)) return "Infinity";
                if (double.IsNegativeInfinity(d)) return "-Infinity";
                var p = precision ?? 6;
                if (verb == 'f') return d.ToString("F" + p, CultureInfo.InvariantCulture);
                var s = d.ToString((p == 0 ? "0" : "0." + new string('0', p)) + "e+00", CultureInfo.InvariantCulture);
                return s;
            }
            case 'b':
                return arg switch
                {
                    long l => l < 0 ? "-" + Convert.ToString(-l, 2) : Convert.ToString(l, 2),
                    ulong u => ToBase(u, 2),
                    bool b => b ? "1" : "0",
                    _ => new CelError($"error during formatting: only integers and bools can be formatted as binary, was given {Values.TypeName(arg)}"),
                };
            case 'o':
                return arg switch
                {
                    long l => l < 0 ? "-" + Convert.ToString(-l, 8) : Convert.ToString(l, 8),
                    ulong u => ToBase(u, 8),
                    _ => new CelError($"error during formatting: octal clause can only be used on integers, was given {Values.TypeName(arg)}"),
                };
            case 'x' or 'X':
            {
                string? s = arg switch
                {
                    long l => l < 0 ? "-" + (-(Int128)l).ToString("x", CultureInfo.InvariantCulture) : l.ToString("x", CultureInfo.InvariantCulture),
                    ulong u => u.ToString("x", CultureInfo.InvariantCulture),
                    string str => Convert.ToHexStringLower(Encoding.UTF8.GetBytes(str)),
                    CelBytes by => Convert.ToHexStringLower(by.Data),
                    _ => null,
                };
                if (s == null) return new CelError($"error during formatting: only integers, byte buffers, and strings can be formatted as hex, was given {Values.TypeName(arg)}");
                return verb == 'X' ? s.ToUpperInvariant() : s;
            }
        }
        return new CelError($"could not parse formatting clause: unrecognized formatting clause \"{verb}\"");
    }

    private static string ToBase(ulong u, int b)
    {
        if (u == 0) return "0";
        var sb = new StringBuilder();
        while (u > 0) { sb.Insert(0, (char)('0' + (int)(u % (ulong)b))); u /= (ulong)b; }
        return sb.ToString();
    }

    private static object AsString(object v, bool top)
    {
        switch (v)
        {
            case string s: return s;
            case long or ulong: return Convert.ToString(v, CultureInfo.InvariantCulture)!;
            case double d: return Values.FormatDouble(d).Replace("+Inf", "Infinity").Replace("-Inf", "-Infinity");
            case bool b: return b ? "true" : "false";
            case CelBytes by: return Encoding.UTF8.GetString(by.Data);
            case CelNull: return "null";
            case CelType t: return t.Name;
            case CelTimestamp or CelDuration: return v.ToString()!;
        }
        if (Values.IsList(v))
        {
            var parts = new List<string>();
            foreach (var x in Values.ListToArray(v))
            {
                var r = AsString(x, false);
                if (r is CelError) return r;
                parts.Add((string)r);
            }
            return "[" + string.Join(", ", parts) + "]";
        }
        if (Values.IsMap(v))
        {
            var parts = new List<(string K, string V)>();
            foreach (var kv in Values.MapEntries(v))
            {
                var k = AsString(kv.Key, false);
                var val = AsString(kv.Value, false);
                if (k is CelError) return k;
                if (val is CelError) return val;
                parts.Add(((string)k, (string)val));
            }
            parts.Sort((a, b) => string.CompareOrdinal(a.K, b.K));
            return "{" + string.Join(", ", parts.Select(p => p.K + ": " + p.V)) + "}";
        }
        if (v is CelOptional o) return o.HasValue ? AsString(o.Value!, top) : "optional.none()";
        return new CelError($"error during formatting: string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps, was given {Values.TypeName(v)}");
    }
}
