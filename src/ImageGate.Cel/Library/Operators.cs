using ImageGate.Cel.Runtime;

namespace ImageGate.Cel.Library;

/// <summary>Arithmetic, ordering, indexing and membership operators.</summary>
internal static class Operators
{
    public static object Add(object a, object b)
    {
        switch (a)
        {
            case long x when b is long y:
            {
                var r = x + y;
                return ((x ^ r) & (y ^ r)) < 0 ? CelError.IntOverflow : Values.Int(r);
            }
            case ulong x when b is ulong y:
            {
                var r = x + y;
                return r < x ? CelError.UintOverflow : r;
            }
            case double x when b is double y: return x + y;
            case string x when b is string y:
                return (long)x.Length + y.Length > ValueLimits.MaxStringLength ? ValueLimits.StringTooLong((long)x.Length + y.Length) : string.Concat(x, y);
            case CelBytes x when b is CelBytes y:
                return (long)x.Data.Length + y.Data.Length > ValueLimits.MaxStringLength
                    ? new CelError($"bytes of length {(long)x.Data.Length + y.Data.Length} exceed the limit of {ValueLimits.MaxStringLength}")
                    : new CelBytes([.. x.Data, .. y.Data]);
            case CelDuration x when b is CelDuration y: return CheckDuration(x.Nanos + y.Nanos);
            case CelTimestamp x when b is CelDuration y: return CheckTimestamp(x.Nanos + y.Nanos);
            case CelDuration x when b is CelTimestamp y: return CheckTimestamp(x.Nanos + y.Nanos);
        }
        if (Values.IsList(a) && Values.IsList(b))
        {
            var la = Values.ListToArray(a);
            var lb = Values.ListToArray(b);
            if (la.Length == 0) return b is CelList ? b : new CelList(lb);
            if (lb.Length == 0) return a is CelList ? a : new CelList(la);
            if ((long)la.Length + lb.Length > ValueLimits.MaxListLength) return ValueLimits.ListTooLong((long)la.Length + lb.Length);
            return new CelList([.. la, .. lb]);
        }
        return CelError.NoSuchOverload("_+_", a, b);
    }

    public static object Sub(object a, object b)
    {
        switch (a)
        {
            case long x when b is long y:
            {
                var r = x - y;
                return ((x ^ y) & (x ^ r)) < 0 ? CelError.IntOverflow : Values.Int(r);
            }
            case ulong x when b is ulong y: return y > x ? CelError.UintOverflow : x - y;
            case double x when b is double y: return x - y;
            case CelDuration x when b is CelDuration y: return CheckDuration(x.Nanos - y.Nanos);
            case CelTimestamp x when b is CelDuration y: return CheckTimestamp(x.Nanos - y.Nanos);
            case CelTimestamp x when b is CelTimestamp y: return CheckDuration(x.Nanos - y.Nanos);
        }
        return CelError.NoSuchOverload("_-_", a, b);
    }

    public static object Mul(object a, object b)
    {
        switch (a)
        {
            case long x when b is long y:
            {
                long r;
                try { r = checked(x * y); }
                catch (OverflowException) { return CelError.IntOverflow; }
                return Values.Int(r);
            }
            case ulong x when b is ulong y:
            {
                ulong r;
                try { r = checked(x * y); }
                catch (OverflowException) { return CelError.UintOverflow; }
                return r;
            }
            case double x when b is double y: return x * y;
        }
        return CelError.NoSuchOverload("_*_", a, b);
    }

    public static object Div(object a, object b)
    {
        switch (a)
        {
            case long x when b is long y:
                if (y == 0) return CelError.DivideByZero;
                if (x == long.MinValue && y == -1) return CelError.IntOverflow;
                return Values.Int(x / y);
            case ulong x when b is ulong y:
                return y == 0 ? CelError.DivideByZero : x / y;
            case double x when b is double y: return x / y;
        }
        return CelError.NoSuchOverload("_/_", a, b);
    }

    public static object Mod(object a, object b)
    {
        switch (a)
        {
            case long x when b is long y:
                if (y == 0) return CelError.ModulusByZero;
                if (x == long.MinValue && y == -1) return CelError.IntOverflow;
                return Values.Int(x % y);
            case ulong x when b is ulong y:
                return y == 0 ? CelError.ModulusByZero : x % y;
        }
        return CelError.NoSuchOverload("_%_", a, b);
    }

    public static object Negate(object a) => a switch
    {
        long x => x == long.MinValue ? CelError.IntOverflow : Values.Int(-x),
        double d => -d,
        CelDuration d => new CelDuration(-d.Nanos),
        _ => CelError.NoSuchOverload("-_", a),
    };

    public static object CheckDuration(Int128 n) => n > CelDuration.MaxNanos || n < -CelDuration.MaxNanos ? new CelError("duration out of range") : new CelDuration(n);

    public static object CheckTimestamp(Int128 n) => n > CelTimestamp.MaxNanos || n < CelTimestamp.MinNanos ? new CelError("timestamp out of range") : new CelTimestamp(n);

    public static Func<object, object, object> Relation(string fn) => fn switch
    {
        "_<_" => (a, b) => Values.Compare(a, b) is { } c ? Values.Bool(c == -1) : CelError.NoSuchOverload(fn, a, b),
        "_<=_" => (a, b) => Values.Compare(a, b) is { } c ? Values.Bool(c is -1 or 0) : CelError.NoSuchOverload(fn, a, b),
        "_>_" => (a, b) => Values.Compare(a, b) is { } c ? Values.Bool(c == 1) : CelError.NoSuchOverload(fn, a, b),
        _ => (a, b) => Values.Compare(a, b) is { } c ? Values.Bool(c is 1 or 0) : CelError.NoSuchOverload(fn, a, b),
    };

    public static object Index(object o, object k)
    {
        if (Values.IsList(o))
        {
            long i;
            switch (k)
            {
                case long l: i = l; break;
                case ulong u: i = u > long.MaxValue ? long.MaxValue : (long)u; break;
                case double d:
                    if (d != Math.Floor(d) || double.IsInfinity(d)) return new CelError($"invalid_argument: unsupported index value {Values.FormatDouble(d)} in list");
                    i = (long)d;
                    break;
                default: return CelError.NoSuchOverload("_[_]", o, k);
            }
            var n = Values.ListCount(o);
            if (i < 0 || i >= n) return new CelError($"index out of bounds: {i}");
            return Values.ListGet(o, (int)i);
        }
        if (Values.IsMap(o))
        {
            if (k is not (string or long or ulong or bool or double)) return CelError.NoSuchOverload("_[_]", o, k);
            return Values.MapTryGet(o, k, out var v) ? v : CelError.NoSuchKey(k);
        }
        return CelError.NoSuchOverload("_[_]", o, k);
    }

    public static object In(object elem, object container)
    {
        if (Values.IsList(container))
        {
            var n = Values.ListCount(container);
            for (var i = 0; i < n; i++)
                if (Values.Equal(elem, Values.ListGet(container, i))) return Values.True;
            return Values.False;
        }
        if (Values.IsMap(container))
        {
            if (elem is not (string or long or ulong or bool or double)) return Values.False;
            return Values.Bool(Values.MapTryGet(container, elem, out _));
        }
        return CelError.NoSuchOverload("@in", elem, container);
    }
}
