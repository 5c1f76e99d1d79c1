using System.Collections;
using System.Text;

namespace ImageGate.Cel;

/// <summary>The CEL <c>null</c> value.</summary>
public sealed class CelNull
{
    /// <summary>The single null value.</summary>
    public static readonly CelNull Value = new();
    private CelNull() { }
    public override string ToString() => "null";
}

/// <summary>An error value; evaluation carries it instead of throwing.</summary>
public sealed class CelError
{
    /// <summary>Creates an error value with a message.</summary>
    public CelError(string message) => Message = message;

    /// <summary>The error message.</summary>
    public string Message { get; }

    /// <summary>Expression node id where the error arose, when known.</summary>
    public long ExprId { get; init; }

    public override string ToString() => Message;

    internal static CelError NoSuchOverload(string fn) => new($"no such overload: {fn}");
    internal static CelError NoSuchOverload(string fn, object? a) => new($"no such overload: {fn}({Values.TypeName(a)})");
    internal static CelError NoSuchOverload(string fn, object? a, object? b) => new($"no such overload: {fn}({Values.TypeName(a)}, {Values.TypeName(b)})");
    internal static CelError NoSuchKey(object key) => new($"no such key: {Values.Describe(key)}");
    internal static readonly CelError IntOverflow = new("integer overflow");
    internal static readonly CelError UintOverflow = new("unsigned integer overflow");
    internal static readonly CelError DivideByZero = new("division by zero");
    internal static readonly CelError ModulusByZero = new("modulus by zero");
}

/// <summary>A CEL <c>bytes</c> value.</summary>
public sealed class CelBytes : IEquatable<CelBytes>, IComparable<CelBytes>
{
    /// <summary>Wraps a byte array (not copied).</summary>
    public CelBytes(byte[] data) => Data = data;

    /// <summary>The bytes.</summary>
    public byte[] Data { get; }

    public bool Equals(CelBytes? other) => other is not null && Data.AsSpan().SequenceEqual(other.Data);
    public override bool Equals(object? obj) => obj is CelBytes b && Equals(b);
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.AddBytes(Data);
        return h.ToHashCode();
    }
    public int CompareTo(CelBytes? other) => Data.AsSpan().SequenceCompareTo(other!.Data);
    public override string ToString() => Encoding.UTF8.GetString(Data);
}

/// <summary>A CEL <c>google.protobuf.Timestamp</c>: nanoseconds since the Unix epoch, years 1 to 9999.</summary>
public sealed class CelTimestamp : IEquatable<CelTimestamp>, IComparable<CelTimestamp>
{
    internal static readonly Int128 MinNanos = (Int128)(-62135596800L) * 1_000_000_000;
    internal static readonly Int128 MaxNanos = (Int128)253402300799L * 1_000_000_000 + 999_999_999;

    /// <summary>Creates a timestamp from nanoseconds since the epoch (not range checked).</summary>
    public CelTimestamp(Int128 nanos) => Nanos = nanos;

    /// <summary>Nanoseconds since 1970-01-01T00:00:00Z.</summary>
    public Int128 Nanos { get; }

    /// <summary>Seconds since the epoch (floor).</summary>
    public long Seconds => (long)Values.FloorDiv(Nanos, 1_000_000_000);

    /// <summary>Sub-second nanoseconds, 0..999,999,999.</summary>
    public int NanoOfSecond => (int)(Nanos - (Int128)Seconds * 1_000_000_000);

    internal bool InRange => Nanos >= MinNanos && Nanos <= MaxNanos;

    /// <summary>The timestamp as a UTC DateTimeOffset (100 ns precision).</summary>
    public DateTimeOffset ToDateTimeOffset() => DateTimeOffset.UnixEpoch.AddTicks((long)Values.FloorDiv(Nanos, 100));

    /// <summary>Converts a DateTimeOffset.</summary>
    public static CelTimestamp FromDateTimeOffset(DateTimeOffset t) => new((Int128)(t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100);

    public bool Equals(CelTimestamp? other) => other is not null && other.Nanos == Nanos;
    public override bool Equals(object? obj) => obj is CelTimestamp t && Equals(t);
    public override int GetHashCode() => Nanos.GetHashCode();
    public int CompareTo(CelTimestamp? other) => Nanos.CompareTo(other!.Nanos);

    /// <summary>RFC 3339 text with trailing fractional zeros removed.</summary>
    public override string ToString()
    {
        var dt = DateTime.UnixEpoch.AddSeconds(Seconds);
        var s = dt.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        var n = NanoOfSecond;
        if (n != 0) s += "." + n.ToString("D9", System.Globalization.CultureInfo.InvariantCulture).TrimEnd('0');
        return s + "Z";
    }
}

/// <summary>A CEL <c>google.protobuf.Duration</c> in nanoseconds, within the int64 nanosecond range (about ±292 years).</summary>
public sealed class CelDuration : IEquatable<CelDuration>, IComparable<CelDuration>
{
    internal static readonly Int128 MaxNanos = long.MaxValue;

    /// <summary>Creates a duration from nanoseconds (not range checked).</summary>
    public CelDuration(Int128 nanos) => Nanos = nanos;

    /// <summary>Total nanoseconds.</summary>
    public Int128 Nanos { get; }

    internal bool InRange => Nanos >= -MaxNanos && Nanos <= MaxNanos;

    /// <summary>Converts a TimeSpan.</summary>
    public static CelDuration FromTimeSpan(TimeSpan t) => new((Int128)t.Ticks * 100);

    /// <summary>The duration as a TimeSpan (100 ns precision).</summary>
    public TimeSpan ToTimeSpan() => TimeSpan.FromTicks((long)(Nanos / 100));

    public bool Equals(CelDuration? other) => other is not null && other.Nanos == Nanos;
    public override bool Equals(object? obj) => obj is CelDuration d && Equals(d);
    public override int GetHashCode() => Nanos.GetHashCode();
    public int CompareTo(CelDuration? other) => Nanos.CompareTo(other!.Nanos);

    /// <summary>Seconds with up to nine fractional digits and an <c>s</c> suffix (<c>1.5s</c>).</summary>
    public override string ToString()
    {
        var neg = Nanos < 0;
        var abs = neg ? -Nanos : Nanos;
        var secs = abs / 1_000_000_000;
        var frac = (long)(abs % 1_000_000_000);
        var s = (neg ? "-" : "") + secs.ToString();
        if (frac != 0) s += "." + frac.ToString("D9", System.Globalization.CultureInfo.InvariantCulture).TrimEnd('0');
        return s + "s";
    }
}

/// <summary>A CEL optional value.</summary>
public sealed class CelOptional
{
    /// <summary>The empty optional.</summary>
    public static readonly CelOptional None = new(null, false);

    private CelOptional(object? value, bool hasValue)
    {
        Value = value;
        HasValue = hasValue;
    }

    /// <summary>An optional holding a value.</summary>
    public static CelOptional Of(object value) => new(value, true);

    /// <summary>Whether a value is present.</summary>
    public bool HasValue { get; }

    /// <summary>The value (null when empty).</summary>
    public object? Value { get; }

    public override string ToString() => HasValue ? $"optional.of({Values.Describe(Value)})" : "optional.none()";
}

/// <summary>A list built by CEL evaluation.</summary>
public sealed class CelList : IReadOnlyList<object>
{
    /// <summary>The empty list.</summary>
    public static readonly CelList Empty = new([]);

    internal readonly object[] Items;

    /// <summary>Wraps an array of CEL values (not copied).</summary>
    public CelList(object[] items) => Items = items;

    public object this[int index] => Items[index];
    public int Count => Items.Length;
    public IEnumerator<object> GetEnumerator() => ((IEnumerable<object>)Items).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => Items.GetEnumerator();
}

/// <summary>A map built by CEL evaluation; keys follow CEL equality (1 == 1u == 1.0), insertion order kept.</summary>
public sealed class CelMap : IReadOnlyDictionary<object, object>
{
    internal readonly Dictionary<object, object> Entries;

    /// <summary>Creates an empty map.</summary>
    public CelMap(int capacity = 0) => Entries = new Dictionary<object, object>(capacity, KeyComparer.Instance);

    public object this[object key] => Entries[key];
    public IEnumerable<object> Keys => Entries.Keys;
    IEnumerable<object> IReadOnlyDictionary<object, object>.Values => Entries.Values;
    public int Count => Entries.Count;
    public bool ContainsKey(object key) => Entries.ContainsKey(key);
    public bool TryGetValue(object key, out object value) => Entries.TryGetValue(key, out value!);
    public IEnumerator<KeyValuePair<object, object>> GetEnumerator() => Entries.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => Entries.GetEnumerator();

    /// <summary>Map key comparer implementing CEL's numeric key equality.</summary>
    internal sealed class KeyComparer : IEqualityComparer<object>
    {
        public static readonly KeyComparer Instance = new();
        public new bool Equals(object? x, object? y) => x is not null && y is not null && Values.KeyEquals(x, y);
        public int GetHashCode(object o) => o switch
        {
            long l => l.GetHashCode(),
            ulong u => u <= long.MaxValue ? ((long)u).GetHashCode() : u.GetHashCode(),
            double d => d == Math.Floor(d) && d >= long.MinValue && d < 9.2233720368547758E18 ? ((long)d).GetHashCode() : d.GetHashCode(),
            _ => o.GetHashCode(),
        };
    }
}

/// <summary>A host object with fields that CEL can select (<c>obj.field</c>) and test (<c>has(obj.field)</c>).</summary>
public interface ICelObject
{
    /// <summary>The CEL type of the object.</summary>
    CelType CelType { get; }

    /// <summary>Reads a field; false when the field is not set.</summary>
    bool TryGetField(string name, out object? value);
}
