namespace ImageGate.Cel.Library;

internal static partial class StandardLibrary
{
    private static void RegisterMath(CelEnvironment env)
    {
        foreach (var name in new[] { "math.greatest", "math.least" })
        {
            var greatest = name == "math.greatest";
            for (var n = 1; n <= 8; n++)
                GN(env, name, Enumerable.Repeat(Dy, n).ToArray(), Dy, a => Extreme(name, a.Length == 1 && Values.IsList(a[0]) ? Values.ListToArray(a[0]) : a, greatest));
        }
        G1(env, "math.abs", I, I, a => (long)a == long.MinValue ? new CelError("integer overflow") : Values.Int(Math.Abs((long)a)));
        G1(env, "math.abs", U, U, a => a);
        G1(env, "math.abs", D, D, a => Math.Abs((double)a));
        G1(env, "math.sign", I, I, a => Values.Int(Math.Sign((long)a)));
        G1(env, "math.sign", U, U, a => (ulong)a == 0 ? 0UL : 1UL);
        G1(env, "math.sign", D, D, a => double.IsNaN((double)a) ? double.NaN : (double)Math.Sign((double)a));
        G1(env, "math.ceil", D, D, a => Math.Ceiling((double)a));
        G1(env, "math.floor", D, D, a => Math.Floor((double)a));
        G1(env, "math.round", D, D, a => Math.Round((double)a, MidpointRounding.AwayFromZero));
        G1(env, "math.trunc", D, D, a => Math.Truncate((double)a));
        G1(env, "math.isInf", D, Bo, a => Values.Bool(double.IsInfinity((double)a)));
        G1(env, "math.isNaN", D, Bo, a => Values.Bool(double.IsNaN((double)a)));
        G1(env, "math.isFinite", D, Bo, a => Values.Bool(double.IsFinite((double)a)));
        G1(env, "math.sqrt", D, D, a => Math.Sqrt((double)a));
        G1(env, "math.sqrt", I, D, a => Math.Sqrt((long)a));
        G1(env, "math.sqrt", U, D, a => Math.Sqrt((ulong)a));
        G2(env, "math.bitAnd", I, I, I, (a, b) => Values.Int((long)a & (long)b));
        G2(env, "math.bitAnd", U, U, U, (a, b) => (ulong)a & (ulong)b);
        G2(env, "math.bitOr", I, I, I, (a, b) => Values.Int((long)a | (long)b));
        G2(env, "math.bitOr", U, U, U, (a, b) => (ulong)a | (ulong)b);
        G2(env, "math.bitXor", I, I, I, (a, b) => Values.Int((long)a ^ (long)b));
        G2(env, "math.bitXor", U, U, U, (a, b) => (ulong)a ^ (ulong)b);
        G1(env, "math.bitNot", I, I, a => Values.Int(~(long)a));
        G1(env, "math.bitNot", U, U, a => ~(ulong)a);
        G2(env, "math.bitShiftLeft", I, I, I, (a, b) => (long)b < 0 ? new CelError("math.bitShiftLeft() negative offset") : (long)b > 63 ? Values.Int(0) : Values.Int((long)a << (int)(long)b));
        G2(env, "math.bitShiftLeft", U, I, U, (a, b) => (long)b < 0 ? new CelError("math.bitShiftLeft() negative offset") : (long)b > 63 ? 0UL : (ulong)a << (int)(long)b);
        G2(env, "math.bitShiftRight", I, I, I, (a, b) => (long)b < 0 ? new CelError("math.bitShiftRight() negative offset") : (long)b > 63 ? Values.Int(0) : Values.Int((long)((ulong)(long)a >> (int)(long)b)));
        G2(env, "math.bitShiftRight", U, I, U, (a, b) => (long)b < 0 ? new CelError("math.bitShiftRight() negative offset") : (long)b > 63 ? 0UL : (ulong)a >> (int)(long)b);
    }

    private static object Extreme(string name, object[] items, bool greatest)
    {
        if (items.Length == 0) return new CelError($"{name}(list) argument must not be empty");
        object best = items[0];
        foreach (var x in items)
        {
            if (x is not (long or ulong or double)) return new CelError($"no such overload: {name}");
        }
        for (var i = 1; i < items.Length; i++)
        {
            var c = Values.Compare(items[i], best);
            if (items[i] is double d && double.IsNaN(d)) { best = d; continue; }
            if (best is double bd && double.IsNaN(bd)) continue;
            if (c is { } cv && (greatest ? cv == 1 : cv == -1)) best = items[i];
        }
        return best;
    }
}
