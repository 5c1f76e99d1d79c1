using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ImageGate.Cel;

/// <summary>Runtime value kinds used for overload dispatch.</summary>
public enum ValueKind : byte
{
    Null, Bool, Int, Uint, Double, String, Bytes, List, Map, Timestamp, Duration, Type, Optional, Error, Object,
}

/// <summary>
/// Operations on CEL runtime values. CEL values are plain objects: long, ulong, double, bool, string, CelBytes,
/// CelNull, CelTimestamp, CelDuration, CelType, CelOptional, CelError, lists (CelList, IList, JsonArray, JSON array
/// elements) and maps (CelMap, string-keyed dictionaries, JsonObject, JSON object elements). Host collections are
/// read in place; their elements are adapted when read.
/// </summary>
public static class Values
{
    internal static readonly object True = true;
    internal static readonly object False = false;
    private static readonly object[] SmallInts = Enumerable.Range(-128, 1153).Select(i => (object)(long)i).ToArray();

    /// <summary>Boxes a bool without allocating.</summary>
    public static object Bool(bool b) => b ? True : False;

    /// <summary>Boxes an int64, reusing boxes for small values.</summary>
    public static object Int(long v) => v >= -128 && v < 1025 ? SmallInts[v + 128] : v;

    /// <summary>Converts a host value (CLR primitive, collection, JsonNode, JsonElement) to a CEL value without copying collections.</summary>
    public static object Adapt(object? v)
    {
        // Fast path for the shapes JSON-like host data usually has (exact type compares are the cheapest test).
        if (v is null) return CelNull.Value;
        var type = v.GetType();
        if (type == typeof(string) || type == typeof(Dictionary<string, object?>) || type == typeof(bool) || type == typeof(long) || type == typeof(List<object?>)) return v;
        switch (v)
        {
            case null: return CelNull.Value;
            case double or ulong: return v;
            case int i: return Int(i);
            case JsonElement e: return AdaptElement(e);
            case JsonNode n: return AdaptNode(n);
            case CelList or CelMap or CelBytes or CelNull or CelTimestamp or CelDuration or CelType or CelOptional or CelError: return v;
            case short s: return Int(s);
            case sbyte sb: return Int(sb);
            case byte b: return Int(b);
            case uint ui: return (ulong)ui;
            case ushort us: return (ulong)us;
            case float f: return (double)f;
            case decimal m: return (double)m;
            case byte[] bytes: return new CelBytes(bytes);
            case DateTimeOffset dto: return CelTimestamp.FromDateTimeOffset(dto);
            case DateTime dt: return CelTimestamp.FromDateTimeOffset(new DateTimeOffset(dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt));
            case TimeSpan ts: return CelDuration.FromTimeSpan(ts);
            case Enum en: return Convert.ToInt64(en, CultureInfo.InvariantCulture);
            case char c: return c.ToString();
            default: return v;
        }
    }

    private static object AdaptElement(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString()!,
        JsonValueKind.True => True,
        JsonValueKind.False => False,
        JsonValueKind.Null or JsonValueKind.Undefined => CelNull.Value,
        JsonValueKind.Number => e.TryGetInt64(out var l) ? Int(l) : e.TryGetUInt64(out var u) ? u : e.GetDouble(),
        _ => e,
    };

    private static object AdaptNode(JsonNode n)
    {
        if (n is JsonValue jv)
        {
            if (jv.TryGetValue<JsonElement>(out var el)) return AdaptElement(el);
            if (jv.TryGetValue<string>(out var s)) return s;
            if (jv.TryGetValue<bool>(out var b)) return Bool(b);
            if (jv.TryGetValue<long>(out var l)) return Int(l);
            if (jv.TryGetValue<int>(out var i)) return Int(i);
            if (jv.TryGetValue<ulong>(out var u)) return u;
            if (jv.TryGetValue<double>(out var d)) return d;
            return AdaptElement(JsonSerializer.SerializeToElement(jv, CelJsonContext.Default.JsonNode));
        }
        return n;
    }

    /// <summary>The runtime kind of a CEL value.</summary>
    public static ValueKind KindOf(object v) => v switch
    {
        string => ValueKind.String,
        bool => ValueKind.Bool,
        long => ValueKind.Int,
        double => ValueKind.Double,
        ulong => ValueKind.Uint,
        CelError => ValueKind.Error,
        CelNull => ValueKind.Null,
        CelList or JsonArray or IList => ValueKind.List,
        CelMap or JsonObject or IDictionary<string, object?> or IReadOnlyDictionary<string, object?> or IDictionary => ValueKind.Map,
        JsonElement e => e.ValueKind == JsonValueKind.Array ? ValueKind.List : ValueKind.Map,
        CelBytes => ValueKind.Bytes,
        CelTimestamp => ValueKind.Timestamp,
        CelDuration => ValueKind.Duration,
        CelType => ValueKind.Type,
        CelOptional => ValueKind.Optional,
        _ => ValueKind.Object,
    };

    /// <summary>The CEL type of a value, as <c>type(x)</c> returns it.</summary>
    public static CelType TypeOf(object v) => KindOf(v) switch
    {
        ValueKind.String => CelType.String,
        ValueKind.Bool => CelType.Bool,
        ValueKind.Int => CelType.Int,
        ValueKind.Uint => CelType.Uint,
        ValueKind.Double => CelType.Double,
        ValueKind.Null => CelType.Null,
        ValueKind.List => CelType.ListType,
        ValueKind.Map => CelType.MapType,
        ValueKind.Bytes => CelType.Bytes,
        ValueKind.Timestamp => CelType.Timestamp,
        ValueKind.Duration => CelType.Duration,
        ValueKind.Type => CelType.TypeType,
        ValueKind.Optional => CelType.OptionalType,
        ValueKind.Error => CelType.Error,
        _ => v is ICelObject o ? o.CelType : HostTypes.TryGetValue(v.GetType(), out var ht) ? ht : CelType.Opaque(v.GetType().Name),
    };

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, CelType> HostTypes = new();

    /// <summary>Maps a CLR type to the CEL (opaque) type its instances have, for hosts that pass objects not implementing ICelObject.</summary>
    public static void RegisterHostType(Type clrType, CelType celType) => HostTypes[clrType] = celType;

    /// <summary>Type name for error messages.</summary>
    public static string TypeName(object? v) => v is null ? "null" : TypeOf(v).Name;

    // ---------------------------------------------------------------- lists

    /// <summary>Whether the value is a list.</summary>
    public static bool IsList(object v) => v is CelList || v is List<object?> || (v is IList && v is not IDictionary) || v is JsonArray || (v is JsonElement e && e.ValueKind == JsonValueKind.Array);

    /// <summary>Number of elements of a list value.</summary>
    public static int ListCount(object list) => list switch
    {
        CelList l => l.Items.Length,
        List<object?> l => l.Count,
        IList l => l.Count,
        JsonArray a => a.Count,
        JsonElement e => e.GetArrayLength(),
        _ => 0,
    };

    /// <summary>Element i of a list value, adapted.</summary>
    public static object ListGet(object list, int i) => list switch
    {
        CelList l => l.Items[i],
        List<object?> l => Adapt(l[i]),
        IList l => Adapt(l[i]),
        JsonArray a => Adapt(a[i]),
        JsonElement e => Adapt(e[i]),
        _ => throw new InvalidOperationException("not a list"),
    };

    /// <summary>All elements of a list value as an array of CEL values.</summary>
    public static object[] ListToArray(object list)
    {
        if (list is CelList cl) return cl.Items;
        var n = ListCount(list);
        var arr = new object[n];
        for (var i = 0; i < n; i++) arr[i] = ListGet(list, i);
        return arr;
    }

    // ---------------------------------------------------------------- maps

    /// <summary>Whether the value is a map.</summary>
    public static bool IsMap(object v) => v is Dictionary<string, object?> || v is CelMap || v is IDictionary<string, object?> || v is JsonObject || v is IReadOnlyDictionary<string, object?> || v is IDictionary || (v is JsonElement e && e.ValueKind == JsonValueKind.Object);

    /// <summary>Number of entries of a map value.</summary>
    public static int MapCount(object map) => map switch
    {
        CelMap m => m.Count,
        IDictionary<string, object?> d => d.Count,
        JsonObject o => o.Count,
        IReadOnlyDictionary<string, object?> r => r.Count,
        IDictionary d => d.Count,
        JsonElement e => CountProperties(e),
        _ => 0,
    };

    private static int CountProperties(JsonElement e)
    {
        var n = 0;
        foreach (var _ in e.EnumerateObject()) n++;
        return n;
    }

    /// <summary>Looks a key up in a map value; the found value is adapted.</summary>
    public static bool MapTryGet(object map, object key, out object value)
    {
        switch (map)
        {
            case Dictionary<string, object?> hd when key is string hs:
                if (hd.TryGetValue(hs, out var hv)) { value = Adapt(hv); return true; }
                break;
            case CelMap m:
                return m.Entries.TryGetValue(key, out value!);
            case IDictionary<string, object?> d when key is string s:
                if (d.TryGetValue(s, out var dv)) { value = Adapt(dv); return true; }
                break;
            case JsonObject o when key is string s:
                if (o.TryGetPropertyValue(s, out var nv)) { value = Adapt(nv); return true; }
                break;
            case IReadOnlyDictionary<string, object?> r when key is string s:
                if (r.TryGetValue(s, out var rv)) { value = Adapt(rv); return true; }
                break;
            case IDictionary nd:
                if (key is string && nd.Contains(key)) { value = Adapt(nd[key]); return true; }
                foreach (DictionaryEntry de in nd)
                    if (KeyEquals(Adapt(de.Key), key)) { value = Adapt(de.Value); return true; }
                break;
            case JsonElement e when key is string s && e.ValueKind == JsonValueKind.Object:
                if (e.TryGetProperty(s, out var pv)) { value = Adapt(pv); return true; }
                break;
        }
        value = null!;
        return false;
    }

    /// <summary>The keys of a map value, adapted.</summary>
    public static IEnumerable<object> MapKeys(object map)
    {
        switch (map)
        {
            case CelMap m: return m.Entries.Keys;
            case IDictionary<string, object?> d: return d.Keys;
            case JsonObject o: return o.Select(p => (object)p.Key);
            case IReadOnlyDictionary<string, object?> r: return r.Keys;
            case IDictionary nd: return nd.Keys.Cast<object?>().Select(Adapt);
            case JsonElement e: return e.EnumerateObject().Select(p => (object)p.Name);
            default: return [];
        }
    }

    /// <summary>The entries of a map value, adapted.</summary>
    public static IEnumerable<KeyValuePair<object, object>> MapEntries(object map)
    {
        if (map is CelMap m) return m.Entries;
        return MapKeys(map).Select(k => { MapTryGet(map, k, out var v); return new KeyValuePair<object, object>(k, v); });
    }

    // ---------------------------------------------------------------- equality and ordering

    /// <summary>CEL equality (heterogeneous: values of different types are unequal; numbers compare across types).</summary>
    public static bool Equal(object a, object b)
    {
        if (ReferenceEquals(a, b)) return a is not double d || !double.IsNaN(d);
        switch (a)
        {
            case string s: return b is string t && s == t;
            case bool x: return b is bool yb && x == yb;
            case long l:
                return b switch { long m => l == m, ulong u => l >= 0 && (ulong)l == u, double d => CompareIntDouble(l, d) == 0, _ => false };
            case ulong u:
                return b switch { ulong v => u == v, long l => l >= 0 && (ulong)l == u, double d => CompareUintDouble(u, d) == 0, _ => false };
            case double d:
                return b switch { double e => d == e, long l => CompareIntDouble(l, d) == 0, ulong u => CompareUintDouble(u, d) == 0, _ => false };
            case CelNull: return b is CelNull;
            case CelBytes x: return b is CelBytes y1 && x.Equals(y1);
            case CelTimestamp x: return b is CelTimestamp y2 && x.Nanos == y2.Nanos;
            case CelDuration x: return b is CelDuration y3 && x.Nanos == y3.Nanos;
            case CelType x: return b is CelType y4 && x.RuntimeType.Equals(y4.RuntimeType);
            case CelOptional x:
                return b is CelOptional y && x.HasValue == y.HasValue && (!x.HasValue || Equal(x.Value!, y.Value!));
        }
        // Host data can nest deeper than the stack allows: fail with an error value rather than a crash.
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        if (IsList(a))
        {
            if (!IsList(b)) return false;
            var n = ListCount(a);
            if (n != ListCount(b)) return false;
            for (var i = 0; i < n; i++)
                if (!Equal(ListGet(a, i), ListGet(b, i))) return false;
            return true;
        }
        if (IsMap(a))
        {
            if (!IsMap(b) || MapCount(a) != MapCount(b)) return false;
            foreach (var kv in MapEntries(a))
            {
                if (!MapTryGet(b, kv.Key, out var bv)) return false;
                if (!Equal(kv.Value, bv)) return false;
            }
            return true;
        }
        return a.Equals(b);
    }

    internal static bool KeyEquals(object x, object y) => x switch
    {
        string s => y is string t && s == t,
        bool b => y is bool c && b == c,
        long or ulong or double => y is long or ulong or double && Equal(x, y),
        _ => x.Equals(y),
    };

    /// <summary>Compares two ints/doubles exactly; NaN yields int.MinValue marker through <see cref="Compare"/>.</summary>
    internal static int CompareIntDouble(long l, double d) => double.IsNaN(d) ? 2 : ((double)l).CompareTo(d);

    internal static int CompareUintDouble(ulong u, double d) => double.IsNaN(d) ? 2 : ((double)u).CompareTo(d);

    /// <summary>CEL ordering: -1, 0, 1; 2 when unordered (NaN); null when the types have no ordering.</summary>
    public static int? Compare(object a, object b)
    {
        switch (a)
        {
            case long l:
                return b switch
                {
                    long m => l.CompareTo(m),
                    ulong u => l < 0 ? -1 : ((ulong)l).CompareTo(u),
                    double d => CompareIntDouble(l, d),
                    _ => null,
                };
            case ulong u:
                return b switch
                {
                    ulong v => u.CompareTo(v),
                    long l => l < 0 ? 1 : u.CompareTo((ulong)l),
                    double d => CompareUintDouble(u, d),
                    _ => null,
                };
            case double d:
                return b switch
                {
                    double e => double.IsNaN(d) || double.IsNaN(e) ? 2 : d.CompareTo(e),
                    long l => Flip(CompareIntDouble(l, d)),
                    ulong u => Flip(CompareUintDouble(u, d)),
                    _ => null,
                };
            case string s: return b is string t ? Math.Sign(string.CompareOrdinal(s, t)) : null;
            case bool x: return b is bool yb ? x.CompareTo(yb) : null;
            case CelBytes x: return b is CelBytes y5 ? Math.Sign(x.CompareTo(y5)) : null;
            case CelTimestamp x: return b is CelTimestamp y6 ? x.CompareTo(y6) : null;
            case CelDuration x: return b is CelDuration y7 ? x.CompareTo(y7) : null;
        }
        return null;
    }

    private static int Flip(int c) => c == 2 ? 2 : -c;

    internal static Int128 FloorDiv(Int128 a, Int128 b)
    {
        var q = a / b;
        if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
        return q;
    }

    // ---------------------------------------------------------------- text

    /// <summary>A readable CEL-like rendering of a value (strings quoted), for messages and debugging.</summary>
    public static string Describe(object? v)
    {
        var sb = new StringBuilder();
        Describe(sb, v, 0);
        return sb.ToString();
    }

    private static void Describe(StringBuilder sb, object? v, int depth)
    {
        if (depth > 32) { sb.Append("..."); return; }
        v = Adapt(v);
        switch (v)
        {
            case string s: sb.Append(Library.StringsLibrary.Quote(s)); return;
            case bool b: sb.Append(b ? "true" : "false"); return;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); return;
            case ulong u: sb.Append(u.ToString(CultureInfo.InvariantCulture)).Append('u'); return;
            case double d: sb.Append(FormatDouble(d)); return;
            case CelNull: sb.Append("null"); return;
            case CelBytes by: sb.Append("b").Append(Library.StringsLibrary.Quote(Encoding.UTF8.GetString(by.Data))); return;
            case CelTimestamp t: sb.Append("timestamp(\"").Append(t).Append("\")"); return;
            case CelDuration du: sb.Append("duration(\"").Append(du).Append("\")"); return;
            case CelType ty: sb.Append(ty); return;
            case CelOptional o:
                if (!o.HasValue) { sb.Append("optional.none()"); return; }
                sb.Append("optional.of(");
                Describe(sb, o.Value, depth + 1);
                sb.Append(')');
                return;
            case CelError e: sb.Append("error(").Append(e.Message).Append(')'); return;
        }
        if (IsList(v))
        {
            sb.Append('[');
            var n = ListCount(v);
            for (var i = 0; i < n; i++)
            {
                if (i > 0) sb.Append(", ");
                Describe(sb, ListGet(v, i), depth + 1);
            }
            sb.Append(']');
            return;
        }
        if (IsMap(v))
        {
            sb.Append('{');
            var first = true;
            foreach (var kv in MapEntries(v))
            {
                if (!first) sb.Append(", ");
                first = false;
                Describe(sb, kv.Key, depth + 1);
                sb.Append(": ");
                Describe(sb, kv.Value, depth + 1);
            }
            sb.Append('}');
            return;
        }
        sb.Append(v);
    }

    /// <summary>Formats a double the way CEL's string() does.</summary>
    public static string FormatDouble(double d)
    {
        if (double.IsPositiveInfinity(d)) return "+Inf";
        if (double.IsNegativeInfinity(d)) return "-Inf";
        if (double.IsNaN(d)) return "NaN";
        var abs = Math.Abs(d);
        if (abs != 0 && (abs < 1e-4 || abs >= 1e21))
        {
            var s = d.ToString("E16", CultureInfo.InvariantCulture);
            s = d.ToString("R", CultureInfo.InvariantCulture);
            // Go's 'g'-like exponent form: 1e+21, 1.5e-05
            var idx = s.IndexOfAny(['E', 'e']);
            if (idx < 0) return s;
            var mant = s[..idx];
            var exp = int.Parse(s[(idx + 1)..], CultureInfo.InvariantCulture);
            return mant + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("D2", CultureInfo.InvariantCulture);
        }
        return d.ToString("R", CultureInfo.InvariantCulture);
    }

    // ---------------------------------------------------------------- to .NET / JSON

    /// <summary>Converts a CEL value to plain .NET data (Dictionary, List, primitives) for serialization.</summary>
    public static object? ToNative(object? v)
    {
        v = Adapt(v);
        switch (v)
        {
            case CelNull: return null;
            case string or bool or long or ulong or double: return v;
            case CelBytes b: return Convert.ToBase64String(b.Data);
            case CelTimestamp or CelDuration or CelType: return v.ToString();
            case CelOptional o: return o.HasValue ? ToNative(o.Value) : null;
            case CelError e: return e.Message;
        }
        if (IsList(v))
        {
            var n = ListCount(v);
            var list = new List<object?>(n);
            for (var i = 0; i < n; i++) list.Add(ToNative(ListGet(v, i)));
            return list;
        }
        if (IsMap(v))
        {
            var d = new Dictionary<string, object?>();
            foreach (var kv in MapEntries(v)) d[kv.Key is string s ? s : Describe(kv.Key)] = ToNative(kv.Value);
            return d;
        }
        return v.ToString();
    }

    /// <summary>Converts a CEL value to a JSON node.</summary>
    public static JsonNode? ToJson(object? v) => JsonSerializer.SerializeToNode(ToNative(v), CelJsonContext.Default.Object);

    /// <summary>Converts a CEL value to JSON text (compact, with the serializer's default escaping).</summary>
    public static string ToJsonText(object? v) => JsonSerializer.Serialize(ToNative(v), CelJsonContext.Default.Object);
}
