using ImageGate.Cel.Runtime;
using System.Globalization;
using System.Text;

namespace ImageGate.Cel.Library;

/// <summary>The strings extension library: code-point aware indexing, case mapping, format, quote.</summary>
internal static class StringsLibrary
{
    private static readonly CelType S = CelType.String, I = CelType.Int, Bo = CelType.Bool;

    public static void Register(CelEnvironment env)
    {
        StandardLibrary.M2(env, "charAt", S, I, S, (s, i) =>
        {
            var r = Runes((string)s);
            var idx = (long)i;
            if (idx < 0 || idx > r.Length) return new CelError($"index out of range: {idx}");
            return idx == r.Length ? "" : char.ConvertFromUtf32(r[idx]);
        });
        StandardLibrary.M2(env, "indexOf", S, S, I, (s, t) => IndexOf((string)s, (string)t, 0));
        StandardLibrary.MN(env, "indexOf", [S, S, I], I, a => IndexOf((string)a[0], (string)a[1], (long)a[2]));
        StandardLibrary.M2(env, "lastIndexOf", S, S, I, (s, t) => LastIndexOf((string)s, (string)t, null));
        StandardLibrary.MN(env, "lastIndexOf", [S, S, I], I, a => LastIndexOf((string)a[0], (string)a[1], (long)a[2]));
        StandardLibrary.M1(env, "lowerAscii", S, S, s => MapAscii((string)s, lower: true));
        StandardLibrary.M1(env, "upperAscii", S, S, s => MapAscii((string)s, lower: false));
        StandardLibrary.MN(env, "replace", [S, S, S], S, a => Replace((string)a[0], (string)a[1], (string)a[2], -1));
        StandardLibrary.MN(env, "replace", [S, S, S, I], S, a => Replace((string)a[0], (string)a[1], (string)a[2], (long)a[3]));
        StandardLibrary.M2(env, "split", S, S, CelType.List(S), (s, sep) => Split((string)s, (string)sep, -1));
        StandardLibrary.MN(env, "split", [S, S, I], CelType.List(S), a => Split((string)a[0], (string)a[1], (long)a[2]));
        StandardLibrary.M2(env, "substring", S, I, S, (s, i) => Substring((string)s, (long)i, null));
        StandardLibrary.MN(env, "substring", [S, I, I], S, a => Substring((string)a[0], (long)a[1], (long)a[2]));
        StandardLibrary.M1(env, "trim", S, S, s => Trim((string)s));
        StandardLibrary.M1(env, "join", CelType.List(S), S, l => Join(l, ""));
        StandardLibrary.M2(env, "join", CelType.List(S), S, S, (l, sep) => Join(l, (string)sep));
        StandardLibrary.M1(env, "reverse", S, S, s =>
        {
            var r = Runes((string)s);
            Array.Reverse(r);
            return FromRunes(r);
        });
        StandardLibrary.G1(env, "strings.quote", S, S, s => Quote((string)s));
        StandardLibrary.M2(env, "format", S, CelType.ListType, S, (f, args) => Formatter.Format((string)f, Values.ListToArray(args)));
    }

    internal static int CodePointCount(string s)
    {
        var n = s.Length;
        foreach (var c in s)
            if (char.IsLowSurrogate(c)) n--;
        return n;
    }

    internal static int[] Runes(string s)
    {
        var list = new List<int>(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                list.Add(char.ConvertToUtf32(s[i], s[i + 1]));
                i++;
            }
            else list.Add(s[i]);
        }
        return list.ToArray();
    }

    internal static string FromRunes(ReadOnlySpan<int> runes)
    {
        var sb = new StringBuilder(runes.Length);
        foreach (var r in runes)
        {
            if (r > 0xFFFF) sb.Append(char.ConvertFromUtf32(r));
            else sb.Append((char)r);
        }
        return sb.ToString();
    }

    private static object IndexOf(string s, string t, long start)
    {
        var r = Runes(s);
        var q = Runes(t);
        if (start < 0 || start > r.Length) return new CelError($"index out of range: {start}");
        for (var i = (int)start; i + q.Length <= r.Length; i++)
            if (r.AsSpan(i, q.Length).SequenceEqual(q)) return Values.Int(i);
        return Values.Int(-1);
    }

    private static object LastIndexOf(string s, string t, long? start)
    {
        var r = Runes(s);
        var q = Runes(t);
        var from = start ?? r.Length;
        if (from < 0 || from > r.Length) return new CelError($"index out of range: {from}");
        for (var i = (int)Math.Min(from, r.Length - q.Length); i >= 0; i--)
            if (r.AsSpan(i, q.Length).SequenceEqual(q)) return Values.Int(i);
        return Values.Int(-1);
    }

    private static string MapAscii(string s, bool lower)
    {
        var chars = s.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (lower && c >= 'A' && c <= 'Z') chars[i] = (char)(c + 32);
            else if (!lower && c >= 'a' && c <= 'z') chars[i] = (char)(c - 32);
        }
        return new string(chars);
    }

    private static object Replace(string s, string old, string repl, long n)
    {
        if (n == 0) return s;
        // Each replacement can multiply the length: measure the result before building it.
        var occurrences = old.Length == 0 ? s.Length + 1L : CountOccurrences(s, old, n);
        var length = s.Length + Math.Min(occurrences, n < 0 ? long.MaxValue : n) * ((long)repl.Length - old.Length);
        if (length > ValueLimits.MaxStringLength) return ValueLimits.StringTooLong(length);
        if (n < 0) return old.Length == 0 ? ReplaceEmpty(s, repl, int.MaxValue) : s.Replace(old, repl, StringComparison.Ordinal);
        if (old.Length == 0) return ReplaceEmpty(s, repl, n);
        var sb = new StringBuilder();
        var pos = 0;
        for (var k = 0; k < n; k++)
        {
            var idx = s.IndexOf(old, pos, StringComparison.Ordinal);
            if (idx < 0) break;
            sb.Append(s, pos, idx - pos).Append(repl);
            pos = idx + old.Length;
        }
        sb.Append(s, pos, s.Length - pos);
        return sb.ToString();
    }

    private static long CountOccurrences(string s, string old, long n)
    {
        long count = 0;
        for (var i = s.IndexOf(old, StringComparison.Ordinal); i >= 0 && (n < 0 || count < n); i = s.IndexOf(old, i + old.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    private static string ReplaceEmpty(string s, string repl, long n)
    {
        var r = Runes(s);
        var sb = new StringBuilder();
        long done = 0;
        for (var i = 0; i <= r.Length; i++)
        {
            if (done < n) { sb.Append(repl); done++; }
            if (i < r.Length) sb.Append(FromRunes([r[i]]));
        }
        return sb.ToString();
    }

    private static object Split(string s, string sep, long n)
    {
        if (n == 0) return CelList.Empty;
        var pieces = sep.Length == 0 ? s.Length : CountOccurrences(s, sep, -1) + 1;
        if (n > 0) pieces = Math.Min(pieces, n);
        if (pieces > ValueLimits.MaxListLength) return ValueLimits.ListTooLong(pieces);
        string[] parts;
        if (sep.Length == 0)
        {
            var r = Runes(s);
            var list = new List<string>();
            for (var i = 0; i < r.Length; i++)
            {
                if (n > 0 && list.Count == n - 1) { list.Add(FromRunes(r.AsSpan(i))); break; }
                list.Add(FromRunes([r[i]]));
            }
            parts = list.ToArray();
        }
        else parts = n < 0 ? s.Split(sep) : s.Split(sep, (int)Math.Min(n, int.MaxValue));
        return new CelList(parts.Cast<object>().ToArray());
    }

    private static object Substring(string s, long start, long? end)
    {
        var r = Runes(s);
        var e = end ?? r.Length;
        if (start < 0 || start > r.Length) return new CelError($"index out of range: {start}");
        if (e < 0 || e > r.Length) return new CelError($"index out of range: {e}");
        if (start > e) return new CelError($"invalid substring range. start: {start}, end: {e}");
        return FromRunes(r.AsSpan((int)start, (int)(e - start)));
    }

    private static string Trim(string s)
    {
        // Unicode White_Space characters, as the reference implementation trims.
        static bool Ws(char c) => char.IsWhiteSpace(c) || c == '\u0085' || c == '\u00a0' || c == '\u1680' || (c >= '\u2000' && c <= '\u200a') || c is '\u2028' or '\u2029' or '\u202f' or '\u205f' or '\u3000';
        int a = 0, b = s.Length;
        while (a < b && Ws(s[a])) a++;
        while (b > a && Ws(s[b - 1])) b--;
        return s[a..b];
    }

    private static object Join(object list, string sep)
    {
        var items = Values.ListToArray(list);
        var sb = new StringBuilder();
        for (var i = 0; i < items.Length; i++)
        {
            if (items[i] is not string str) return new CelError($"join: list element is {Values.TypeName(items[i])}, not string");
            if (i > 0) sb.Append(sep);
            sb.Append(str);
            if (sb.Length > ValueLimits.MaxStringLength) return ValueLimits.StringTooLong(sb.Length);
        }
        return sb.ToString();
    }

    internal static string? DecodeUtf8(byte[] data)
    {
        try { return new UTF8Encoding(false, true).GetString(data); }
        catch (DecoderFallbackException) { return null; }
    }

    /// <summary>Quotes a string as a CEL double-quoted literal.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        sb.Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\v': sb.Append("\\v"); break;
                case '\\': sb.Append("\\\\"); break;
                case '"': sb.Append("\\\""); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                    {
                        sb.Append(c).Append(s[i + 1]);
                        i++;
                    }
                    else if (char.IsSurrogate(c)) sb.Append('\uFFFD');
                    else if (c < 0x20 || c == 0x7f) sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
        return sb.ToString();
    }
}
