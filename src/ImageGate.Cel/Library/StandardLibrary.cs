using System.Globalization;
using System.Text;
using ImageGate.Cel.Regex;

namespace ImageGate.Cel.Library;

/// <summary>Registers the CEL standard library and the extension libraries (strings, lists, sets, math, encoders, optionals).</summary>
internal static partial class StandardLibrary
{
    internal static readonly CelType A = CelType.Param("A");
    internal static readonly CelType B = CelType.Param("B");
    private static readonly CelType S = CelType.String, I = CelType.Int, U = CelType.Uint, D = CelType.Double, Bo = CelType.Bool,
        By = CelType.Bytes, Ts = CelType.Timestamp, Du = CelType.Duration, Dy = CelType.Dyn;
    private static readonly CelType ListA = CelType.List(A), MapAB = CelType.Map(A, B), OptA = CelType.Optional(A);

    internal static void G1(CelEnvironment env, string name, CelType p, CelType r, Func<object, object> f) =>
        env.AddOverload(name, new CelOverload(Id(name, false, p), false, [p], r, a => f(a[0])) { Unary = f });

    internal static void G2(CelEnvironment env, string name, CelType p0, CelType p1, CelType r, Func<object, object, object> f) =>
        env.AddOverload(name, new CelOverload(Id(name, false, p0, p1), false, [p0, p1], r, a => f(a[0], a[1])) { Binary = f });

    internal static void GN(CelEnvironment env, string name, CelType[] ps, CelType r, Func<object[], object> f) =>
        env.AddOverload(name, new CelOverload(Id(name, false, ps), false, ps, r, f));

    internal static void M1(CelEnvironment env, string name, CelType recv, CelType r, Func<object, object> f) =>
        env.AddOverload(name, new CelOverload(Id(name, true, recv), true, [recv], r, a => f(a[0])) { Unary = f });

    internal static void M2(CelEnvironment env, string name, CelType recv, CelType p, CelType r, Func<object, object, object> f) =>
        env.AddOverload(name, new CelOverload(Id(name, true, recv, p), true, [recv, p], r, a => f(a[0], a[1])) { Binary = f });

    internal static void MN(CelEnvironment env, string name, CelType[] ps, CelType r, Func<object[], object> f) =>
        env.AddOverload(name, new CelOverload(Id(name, true, ps), true, ps, r, f));

    private static string Id(string name, bool member, params CelType[] ps) =>
        (member ? ps[0].Name + "_" : "") + name + "_" + string.Join("_", (member ? ps.Skip(1) : ps).Select(p => p.ToString()));

    public static void Register(CelEnvironment env)
    {
        RegisterCore(env);
        RegisterConversions(env);
        RegisterTime(env);
        StringsLibrary.Register(env);
        RegisterLists(env);
        RegisterMath(env);
        RegisterOptional(env);
        RegisterEncoders(env);
        KubernetesLibrary.Register(env);
    }

    private static void RegisterCore(CelEnvironment env)
    {
        foreach (var member in new[] { false, true })
        {
            void Size(CelType t, Func<object, object> f)
            {
                if (member) M1(env, "size", t, I, f);
                else G1(env, "size", t, I, f);
            }
            Size(S, a => Values.Int(StringsLibrary.CodePointCount((string)a)));
            Size(By, a => Values.Int(((CelBytes)a).Data.Length));
            Size(ListA, a => Values.Int(Values.ListCount(a)));
            Size(MapAB, a => Values.Int(Values.MapCount(a)));
        }
        M2(env, "contains", S, S, Bo, (a, b) => Values.Bool(((string)a).Contains((string)b, StringComparison.Ordinal)));
        M2(env, "startsWith", S, S, Bo, (a, b) => Values.Bool(((string)a).StartsWith((string)b, StringComparison.Ordinal)));
        M2(env, "endsWith", S, S, Bo, (a, b) => Values.Bool(((string)a).EndsWith((string)b, StringComparison.Ordinal)));
        G2(env, "matches", S, S, Bo, Matches);
        M2(env, "matches", S, S, Bo, Matches);
        G1(env, "dyn", Dy, Dy, a => a);
    }

    private static object Matches(object s, object pattern)
    {
        Re2Regex re;
        try { re = Re2Regex.GetOrCompile((string)pattern); }
        catch (FormatException ex) { return new CelError($"invalid regular expression '{pattern}': {ex.Message}"); }
        return Values.Bool(re.IsMatch((string)s));
    }

    // ---------------------------------------------------------------- conversions

    private static void RegisterConversions(CelEnvironment env)
    {
        G1(env, "int", I, I, a => a);
        G1(env, "int", U, I, a => (ulong)a > long.MaxValue ? new CelError("integer overflow") : Values.Int((long)(ulong)a));
        G1(env, "int", D, I, a =>
        {
            var d = (double)a;
            if (double.IsNaN(d) || d <= -9.2233720368547758E18 || d >= 9.2233720368547758E18) return new CelError("integer overflow");
            return Values.Int((long)d);
        });
        G1(env, "int", S, I, a => long.TryParse((string)a, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? Values.Int(l) : new CelError($"cannot convert string '{a}' to int"));
        G1(env, "int", Ts, I, a => Values.Int(((CelTimestamp)a).Seconds));
        G1(env, "int", Du, I, a => Values.Int((long)((CelDuration)a).Nanos));
        G1(env, "uint", U, U, a => a);
        G1(env, "uint", I, U, a => (long)a < 0 ? new CelError("unsigned integer overflow") : (ulong)(long)a);
        G1(env, "uint", D, U, a =>
        {
            var d = (double)a;
            if (double.IsNaN(d) || d < 0 || d >= 1.8446744073709552E19) return new CelError("unsigned integer overflow");
            return (ulong)d;
        });
        G1(env, "uint", S, U, a => ulong.TryParse((string)a, NumberStyles.None, CultureInfo.InvariantCulture, out var u) ? u : new CelError($"cannot convert string '{a}' to uint"));
        G1(env, "double", D, D, a => a);
        G1(env, "double", I, D, a => (double)(long)a);
        G1(env, "double", U, D, a => (double)(ulong)a);
        G1(env, "double", S, D, a => ParseDouble((string)a) is { } d ? d : new CelError($"cannot convert string '{a}' to double"));
        G1(env, "string", S, S, a => a);
        G1(env, "string", I, S, a => ((long)a).ToString(CultureInfo.InvariantCulture));
        G1(env, "string", U, S, a => ((ulong)a).ToString(CultureInfo.InvariantCulture));
        G1(env, "string", D, S, a => Values.FormatDouble((double)a));
        G1(env, "string", Bo, S, a => (bool)a ? "true" : "false");
        G1(env, "string", By, S, a => StringsLibrary.DecodeUtf8(((CelBytes)a).Data) is { } s ? s : new CelError("invalid UTF-8 in bytes, cannot convert to string"));
        G1(env, "string", Ts, S, a => a.ToString()!);
        G1(env, "string", Du, S, a => a.ToString()!);
        G1(env, "bytes", By, By, a => a);
        G1(env, "bytes", S, By, a => new CelBytes(Encoding.UTF8.GetBytes((string)a)));
        G1(env, "bool", Bo, Bo, a => a);
        G1(env, "bool", S, Bo, a => (string)a switch
        {
            "true" or "TRUE" or "True" or "t" or "1" => Values.True,
            "false" or "FALSE" or "False" or "f" or "0" => Values.False,
            var s => new CelError($"type conversion error from 'string' to 'bool': {s}"),
        });
    }

    internal static double? ParseDouble(string s)
    {
        switch (s.ToLowerInvariant())
        {
            case "nan": return double.NaN;
            case "inf" or "+inf" or "infinity" or "+infinity": return double.PositiveInfinity;
            case "-inf" or "-infinity": return double.NegativeInfinity;
        }
        if (s.Length == 0 || char.IsWhiteSpace(s[0]) || char.IsWhiteSpace(s[^1])) return null;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
    }

    // ---------------------------------------------------------------- lists, sets

    private static void RegisterLists(CelEnvironment env)
    {
        MN(env, "slice", [ListA, I, I], ListA, a =>
        {
            var n = Values.ListCount(a[0]);
            long s = (long)a[1], e = (long)a[2];
            if (s < 0 || e < 0) return new CelError($"cannot slice({s}, {e}), negative indexes not supported");
            if (s > e) return new CelError($"cannot slice({s}, {e}), start index must be less than or equal to end index");
            if (e > n) return new CelError($"cannot slice({s}, {e}), list is length {n}");
            return new CelList(Values.ListToArray(a[0])[(int)s..(int)e]);
        });
        M1(env, "flatten", ListA, ListA, a => Flatten(a, 1));
        M2(env, "flatten", ListA, I, ListA, (a, d) => (long)d < 0 ? new CelError("level must be non-negative") : Flatten(a, (long)d));
        M1(env, "distinct", ListA, ListA, a =>
        {
            var res = new List<object>();
            foreach (var x in Values.ListToArray(a))
                if (!res.Any(y => Values.Equal(x, y))) res.Add(x);
            return new CelList(res.ToArray());
        });
        M1(env, "reverse", ListA, ListA, a =>
        {
            var arr = (object[])Values.ListToArray(a).Clone();
            Array.Reverse(arr);
            return new CelList(arr);
        });
        G1(env, "lists.range", I, CelType.List(I), a =>
        {
            var n = (long)a;
            if (n < 0 || n > 10_000_000) return new CelError("lists.range: size out of range");
            var arr = new object[n];
            for (var i = 0; i < n; i++) arr[i] = Values.Int(i);
            return new CelList(arr);
        });
        M1(env, "sort", ListA, ListA, a => Sort(Values.ListToArray(a), Values.ListToArray(a)));
        M2(env, "@sortByAssociatedKeys", ListA, CelType.ListType, ListA, (a, k) => Sort(Values.ListToArray(a), Values.ListToArray(k)));
        M1(env, "first", ListA, OptA, a => Values.ListCount(a) > 0 ? CelOptional.Of(Values.ListGet(a, 0)) : CelOptional.None);
        M1(env, "last", ListA, OptA, a => Values.ListCount(a) is var n && n > 0 ? CelOptional.Of(Values.ListGet(a, n - 1)) : CelOptional.None);
        G2(env, "sets.contains", ListA, ListA, Bo, (a, b) => Values.Bool(Values.ListToArray(b).All(x => Values.ListToArray(a).Any(y => Values.Equal(x, y)))));
        G2(env, "sets.equivalent", ListA, ListA, Bo, (a, b) =>
        {
            var la = Values.ListToArray(a);
            var lb = Values.ListToArray(b);
            return Values.Bool(la.All(x => lb.Any(y => Values.Equal(x, y))) && lb.All(x => la.Any(y => Values.Equal(x, y))));
        });
        G2(env, "sets.intersects", ListA, ListA, Bo, (a, b) => Values.Bool(Values.ListToArray(a).Any(x => Values.ListToArray(b).Any(y => Values.Equal(x, y)))));
    }

    private static object Flatten(object list, long depth)
    {
        var res = new List<object>();
        void Walk(object l, long d)
        {
            foreach (var x in Values.ListToArray(l))
            {
                if (d > 0 && Values.IsList(x)) Walk(x, d - 1);
                else res.Add(x);
            }
        }
        Walk(list, depth);
        return new CelList(res.ToArray());
    }

    private static object Sort(object[] items, object[] keys)
    {
        if (items.Length != keys.Length) return new CelError("@sortByAssociatedKeys: list sizes differ");
        if (keys.Length == 0) return new CelList(items);
        var kind = Values.KindOf(keys[0]);
        foreach (var k in keys)
        {
            if (Values.KindOf(k) != kind || Values.Compare(k, k) is null)
                return new CelError($"list elements must have the same type and be comparable: {Values.TypeName(k)}");
        }
        var idx = Enumerable.Range(0, items.Length).ToArray();
        Array.Sort(idx, (x, y) => { var c = Values.Compare(keys[x], keys[y]) ?? 0; return c == 2 ? 0 : c != 0 ? c : x.CompareTo(y); });
        return new CelList(idx.Select(i => items[i]).ToArray());
    }

    // ---------------------------------------------------------------- optionals, encoders

    private static void RegisterOptional(CelEnvironment env)
    {
        G1(env, "optional.of", A, OptA, a => CelOptional.Of(a));
        G1(env, "optional.ofNonZeroValue", A, OptA, a => IsZero(a) ? CelOptional.None : CelOptional.Of(a));
        GN(env, "optional.none", [], OptA, _ => CelOptional.None);
        M1(env, "hasValue", OptA, Bo, a => Values.Bool(((CelOptional)a).HasValue));
        M1(env, "value", OptA, A, a => ((CelOptional)a) is { HasValue: true } o ? o.Value! : new CelError("optional.none() dereference"));
        M2(env, "orValue", OptA, A, A, (a, b) => ((CelOptional)a) is { HasValue: true } o ? o.Value! : b);
        M2(env, "or", OptA, OptA, OptA, (a, b) => ((CelOptional)a).HasValue ? a : b);
    }

    internal static bool IsZero(object v) => v switch
    {
        CelNull => true,
        bool b => !b,
        long l => l == 0,
        ulong u => u == 0,
        double d => d == 0,
        string s => s.Length == 0,
        CelBytes b => b.Data.Length == 0,
        CelTimestamp t => t.Nanos == 0,
        CelDuration d => d.Nanos == 0,
        _ when Values.IsList(v) => Values.ListCount(v) == 0,
        _ when Values.IsMap(v) => Values.MapCount(v) == 0,
        _ => false,
    };

    private static void RegisterEncoders(CelEnvironment env)
    {
        G1(env, "base64.encode", By, S, a => Convert.ToBase64String(((CelBytes)a).Data));
        G1(env, "base64.decode", S, By, a =>
        {
            var s = (string)a;
            try { return new CelBytes(Convert.FromBase64String(s)); }
            catch (FormatException)
            {
                // Unpadded input is accepted, as in the reference implementation.
                try { return new CelBytes(Convert.FromBase64String(s + new string('=', (4 - s.Length % 4) % 4))); }
                catch (FormatException) { return new CelError("base64.decode: illegal base64 data"); }
            }
        });
    }
}
