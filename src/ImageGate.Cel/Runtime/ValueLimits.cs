namespace ImageGate.Cel.Runtime;

/// <summary>Bounds on the values an evaluation may build. The cost limit counts steps, not bytes: without these a
/// few calls (<c>s + s</c> repeated, <c>replace</c>, <c>format</c> with a huge precision) could exhaust memory.
/// Every value an operator or function produces is also charged to the cost budget by its size, so a
/// comprehension that builds large values again and again is stopped as well.</summary>
public static class ValueLimits
{
    /// <summary>Longest string (in UTF-16 code units) or bytes value an evaluation may produce.</summary>
    public const int MaxStringLength = 16 * 1024 * 1024;

    /// <summary>Most elements of a list an evaluation may produce.</summary>
    public const int MaxListLength = 4 * 1024 * 1024;

    /// <summary>Size units charged per cost unit: one per 8 characters, bytes or list elements produced.</summary>
    internal const int SizePerCost = 8;

    internal static CelError StringTooLong(long length) =>
        new($"string of {length} characters exceeds the limit of {MaxStringLength}");

    internal static CelError ListTooLong(long length) =>
        new($"list of {length} elements exceeds the limit of {MaxListLength}");

    /// <summary>Charges the traversal of a large argument (a function reads its string, bytes or list once at
    /// least), so that calls over big inputs inside comprehensions run out of budget instead of time.</summary>
    internal static void ChargeArgument(Frame f, object value)
    {
        var size = value switch
        {
            string s => s.Length,
            CelBytes b => b.Data.Length,
            CelList l => l.Count,
            _ => 0,
        };
        if (size >= SizePerCost) f.AddCost(size / SizePerCost);
    }

    /// <summary>Checks a produced value against the limits and charges its size to the cost budget.</summary>
    internal static object Charge(Frame f, object value)
    {
        long size;
        switch (value)
        {
            case string s:
                if (s.Length > MaxStringLength) return StringTooLong(s.Length);
                size = s.Length;
                break;
            case CelBytes b:
                if (b.Data.Length > MaxStringLength) return new CelError($"bytes of length {b.Data.Length} exceed the limit of {MaxStringLength}");
                size = b.Data.Length;
                break;
            case CelList l:
                if (l.Count > MaxListLength) return ListTooLong(l.Count);
                size = l.Count;
                break;
            default:
                return value;
        }
        if (size >= SizePerCost) f.AddCost(size / SizePerCost);
        return value;
    }
}
