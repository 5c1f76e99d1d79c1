using System.Globalization;
using System.Text.RegularExpressions;

namespace ImageGate.Cel.Library;

internal static partial class StandardLibrary
{
    private static void RegisterTime(CelEnvironment env)
    {
        G1(env, "timestamp", Ts, Ts, a => a);
        G1(env, "timestamp", S, Ts, a => ParseTimestamp((string)a) is { } t ? t : new CelError($"cannot parse timestamp '{a}'"));
        G1(env, "timestamp", I, Ts, a => Operators.CheckTimestamp((Int128)(long)a * 1_000_000_000));
        G1(env, "duration", Du, Du, a => a);
        G1(env, "duration", S, Du, a => ParseDuration((string)a) is { } d ? Operators.CheckDuration(d) : new CelError($"cannot parse duration '{a}'"));
        G1(env, "duration", I, Du, a => new CelDuration((long)a));

        void Getter(string name, Func<DateTime, long, long> f)
        {
            M1(env, name, Ts, I, a => TsGet(a, "UTC", f));
            M2(env, name, Ts, S, I, (a, tz) => TsGet(a, (string)tz, f));
        }
        Getter("getFullYear", (d, _) => d.Year);
        Getter("getMonth", (d, _) => d.Month - 1);
        Getter("getDayOfYear", (d, _) => d.DayOfYear - 1);
        Getter("getDayOfMonth", (d, _) => d.Day - 1);
        Getter("getDate", (d, _) => d.Day);
        Getter("getDayOfWeek", (d, _) => (long)d.DayOfWeek);
        Getter("getHours", (d, _) => d.Hour);
        Getter("getMinutes", (d, _) => d.Minute);
        Getter("getSeconds", (d, _) => d.Second);
        Getter("getMilliseconds", (_, nanos) => nanos / 1_000_000);
        M1(env, "getHours", Du, I, a => Values.Int((long)(((CelDuration)a).Nanos / 3_600_000_000_000)));
        M1(env, "getMinutes", Du, I, a => Values.Int((long)(((CelDuration)a).Nanos / 60_000_000_000)));
        M1(env, "getSeconds", Du, I, a => Values.Int((long)(((CelDuration)a).Nanos / 1_000_000_000)));
        M1(env, "getMilliseconds", Du, I, a => Values.Int((long)(((CelDuration)a).Nanos % 1_000_000_000 / 1_000_000)));
    }

    private static object TsGet(object ts, string tz, Func<DateTime, long, long> f)
    {
        var t = (CelTimestamp)ts;
        var offset = ResolveOffset(tz, t);
        if (offset is null) return new CelError($"unknown time zone: '{tz}'");
        var local = DateTime.UnixEpoch.AddSeconds(t.Seconds) + offset.Value;
        return Values.Int(f(local, t.NanoOfSecond));
    }

    private static TimeSpan? ResolveOffset(string tz, CelTimestamp t)
    {
        if (tz is "UTC" or "Z" or "") return TimeSpan.Zero;
        var m = OffsetPattern().Match(tz);
        if (m.Success)
        {
            var sign = m.Groups[1].Value == "-" ? -1 : 1;
            var h = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            var mi = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
            return sign * new TimeSpan(h, mi, 0);
        }
        try
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(tz);
            return zone.GetUtcOffset(DateTime.SpecifyKind(DateTime.UnixEpoch.AddSeconds(t.Seconds), DateTimeKind.Utc));
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^([+-]?)(\d{1,2}):(\d{2})$")]
    private static partial System.Text.RegularExpressions.Regex OffsetPattern();

    [GeneratedRegex(@"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")]
    private static partial System.Text.RegularExpressions.Regex Rfc3339();

    internal static CelTimestamp? ParseTimestamp(string s)
    {
        var m = Rfc3339().Match(s);
        if (!m.Success) return null;
        int Gi(int i) => int.Parse(m.Groups[i].Value, CultureInfo.InvariantCulture);
        DateTime dt;
        try { dt = new DateTime(Gi(1), Gi(2), Gi(3), Gi(4), Gi(5), Gi(6), DateTimeKind.Utc); }
        catch (ArgumentOutOfRangeException) { return null; }
        Int128 nanos = (Int128)(long)(dt - DateTime.UnixEpoch).TotalSeconds * 1_000_000_000;
        if (m.Groups[7].Success) nanos += long.Parse(m.Groups[7].Value[1..].PadRight(9, '0'), CultureInfo.InvariantCulture);
        var z = m.Groups[8].Value;
        if (z is not ("Z" or "z"))
        {
            var sign = z[0] == '-' ? -1 : 1;
            var off = int.Parse(z[1..3], CultureInfo.InvariantCulture) * 3600 + int.Parse(z[4..6], CultureInfo.InvariantCulture) * 60;
            nanos -= (Int128)(sign * off) * 1_000_000_000;
        }
        var ts = new CelTimestamp(nanos);
        return ts.InRange ? ts : null;
    }

    /// <summary>Parses Go-style durations: <c>1h2m3.5s</c>, <c>-1.5h</c>, <c>100ms</c>, <c>0</c>.</summary>
    internal static Int128? ParseDuration(string s)
    {
        if (s.Length == 0) return null;
        var i = 0;
        var neg = false;
        if (s[0] is '-' or '+') { neg = s[0] == '-'; i++; }
        if (s[i..] == "0") return 0;
        if (i >= s.Length) return null;
        Int128 total = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
            var intPart = s[start..i];
            var frac = "";
            if (i < s.Length && s[i] == '.')
            {
                i++;
                var fs = i;
                while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
                frac = s[fs..i];
            }
            if (intPart.Length == 0 && frac.Length == 0) return null;
            var us = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.') i++;
            var unit = s[us..i];
            long mult = unit switch
            {
                "ns" => 1, "us" or "µs" or "μs" => 1000, "ms" => 1_000_000, "s" => 1_000_000_000, "m" => 60_000_000_000, "h" => 3_600_000_000_000,
                _ => 0,
            };
            if (mult == 0) return null;
            if (intPart.Length > 20) return null;
            Int128 v = intPart.Length == 0 ? 0 : Int128.Parse(intPart, CultureInfo.InvariantCulture) * mult;
            if (frac.Length > 0)
            {
                var f = frac.Length > 18 ? frac[..18] : frac;
                v += Int128.Parse(f, CultureInfo.InvariantCulture) * mult / Int128.Parse("1" + new string('0', f.Length), CultureInfo.InvariantCulture);
            }
            total += v;
            if (total > (Int128)long.MaxValue * 100) return null;
        }
        return neg ? -total : total;
    }
}
