namespace ImageGate.Cel;

/// <summary>One overload of a CEL function. For receiver-style overloads the receiver is the first parameter.</summary>
public sealed class CelOverload
{
    /// <summary>Creates an overload.</summary>
    public CelOverload(string id, bool isMember, CelType[] parameters, CelType result, Func<object[], object> impl)
    {
        Id = id;
        IsMember = isMember;
        Parameters = parameters;
        Result = result;
        Impl = impl;
    }

    /// <summary>Overload id (unique within the function).</summary>
    public string Id { get; }

    /// <summary>Receiver-style (<c>x.f(y)</c>) rather than global (<c>f(x, y)</c>).</summary>
    public bool IsMember { get; }

    /// <summary>Parameter types (receiver first for member overloads).</summary>
    public CelType[] Parameters { get; }

    /// <summary>Result type.</summary>
    public CelType Result { get; }

    /// <summary>The implementation; arguments are CEL values, never errors.</summary>
    public Func<object[], object> Impl { get; }

    /// <summary>Fast path for one argument.</summary>
    public Func<object, object>? Unary { get; init; }

    /// <summary>Fast path for two arguments.</summary>
    public Func<object, object, object>? Binary { get; init; }

    /// <summary>Whether the runtime value matches the parameter type (dyn and type parameters match anything).</summary>
    internal static bool Matches(CelType t, object v) => t.Kind switch
    {
        CelTypeKind.Dyn or CelTypeKind.TypeParam or CelTypeKind.Any => true,
        CelTypeKind.Int => v is long,
        CelTypeKind.Uint => v is ulong,
        CelTypeKind.Double => v is double,
        CelTypeKind.String => v is string,
        CelTypeKind.Bool => v is bool,
        CelTypeKind.Bytes => v is CelBytes,
        CelTypeKind.Null => v is CelNull,
        CelTypeKind.List => Values.IsList(v),
        CelTypeKind.Map => Values.IsMap(v),
        CelTypeKind.Timestamp => v is CelTimestamp,
        CelTypeKind.Duration => v is CelDuration,
        CelTypeKind.Type => v is CelType,
        CelTypeKind.Optional => v is CelOptional,
        CelTypeKind.Opaque => v is ICelObject o ? o.CelType.Name == t.Name : OpaqueMatches(t, v),
        _ => false,
    };

    private static bool OpaqueMatches(CelType t, object v) => Values.TypeOf(v).Name == t.Name || t.Name == v.GetType().FullName;
}

/// <summary>A named CEL function with its overloads.</summary>
public sealed class CelFunction
{
    internal CelFunction(string name) => Name = name;

    /// <summary>Function name (qualified names such as <c>math.greatest</c> allowed).</summary>
    public string Name { get; }

    /// <summary>The overloads, in registration order.</summary>
    public List<CelOverload> Overloads { get; } = [];
}

/// <summary>Signals that the expression's cost limit or the shared cost budget was exhausted; caught by the program
/// and turned into an error value.</summary>
internal sealed class CostLimitExceededException(string message) : Exception(message)
{
    /// <summary>The expression's own limit was reached.</summary>
    public static CostLimitExceededException PerExpression(long limit) => new($"operation cancelled: actual cost limit exceeded (limit {limit})");
}
