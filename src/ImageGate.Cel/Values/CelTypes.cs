namespace ImageGate.Cel;

/// <summary>Kinds of CEL types.</summary>
public enum CelTypeKind
{
    Dyn, Null, Bool, Int, Uint, Double, String, Bytes, List, Map, Timestamp, Duration, Type, Optional, Error, Opaque, TypeParam, Any,
}

/// <summary>A CEL type, possibly parameterized (<c>list(string)</c>, <c>map(string, dyn)</c>, <c>optional_type(int)</c>).</summary>
public sealed class CelType : IEquatable<CelType>
{
    /// <summary>The kind of the type.</summary>
    public CelTypeKind Kind { get; }

    /// <summary>The type name as CEL prints it (<c>int</c>, <c>list</c>, <c>google.protobuf.Timestamp</c>, opaque names).</summary>
    public string Name { get; }

    /// <summary>Type parameters (element, key/value, wrapped type).</summary>
    public IReadOnlyList<CelType> Parameters { get; }

    private CelType(CelTypeKind kind, string name, params CelType[] parameters)
    {
        Kind = kind;
        Name = name;
        Parameters = parameters;
    }

    public static readonly CelType Dyn = new(CelTypeKind.Dyn, "dyn");
    public static readonly CelType Null = new(CelTypeKind.Null, "null_type");
    public static readonly CelType Bool = new(CelTypeKind.Bool, "bool");
    public static readonly CelType Int = new(CelTypeKind.Int, "int");
    public static readonly CelType Uint = new(CelTypeKind.Uint, "uint");
    public static readonly CelType Double = new(CelTypeKind.Double, "double");
    public static readonly CelType String = new(CelTypeKind.String, "string");
    public static readonly CelType Bytes = new(CelTypeKind.Bytes, "bytes");
    public static readonly CelType Timestamp = new(CelTypeKind.Timestamp, "google.protobuf.Timestamp");
    public static readonly CelType Duration = new(CelTypeKind.Duration, "google.protobuf.Duration");
    public static readonly CelType Error = new(CelTypeKind.Error, "error");
    /// <summary>The unparameterized list type (runtime value of <c>list</c>).</summary>
    public static readonly CelType ListType = new(CelTypeKind.List, "list", Dyn);
    /// <summary>The unparameterized map type (runtime value of <c>map</c>).</summary>
    public static readonly CelType MapType = new(CelTypeKind.Map, "map", Dyn, Dyn);
    /// <summary>The unparameterized type of types (runtime value of <c>type</c>).</summary>
    public static readonly CelType TypeType = new(CelTypeKind.Type, "type", Dyn);
    /// <summary>The unparameterized optional type.</summary>
    public static readonly CelType OptionalType = new(CelTypeKind.Optional, "optional_type", Dyn);

    /// <summary><c>list(elem)</c>.</summary>
    public static CelType List(CelType elem) => elem.Kind == CelTypeKind.Dyn ? ListType : new(CelTypeKind.List, "list", elem);

    /// <summary><c>map(key, value)</c>.</summary>
    public static CelType Map(CelType key, CelType value) =>
        key.Kind == CelTypeKind.Dyn && value.Kind == CelTypeKind.Dyn ? MapType : new(CelTypeKind.Map, "map", key, value);

    /// <summary><c>optional_type(value)</c>.</summary>
    public static CelType Optional(CelType value) => new(CelTypeKind.Optional, "optional_type", value);

    /// <summary><c>type(t)</c>: the type of a type value.</summary>
    public static CelType TypeOf(CelType t) => new(CelTypeKind.Type, "type", t);

    /// <summary>A named host type (opaque to CEL except through its registered fields and functions).</summary>
    public static CelType Opaque(string name, params CelType[] parameters) => new(CelTypeKind.Opaque, name, parameters);

    /// <summary>A type parameter used in generic overload signatures (<c>A</c> in <c>list(A)</c>).</summary>
    public static CelType Param(string name) => new(CelTypeKind.TypeParam, name);

    /// <summary>The element type of a list, or the value type of a map or optional.</summary>
    public CelType Elem => Kind switch
    {
        CelTypeKind.List or CelTypeKind.Optional or CelTypeKind.Type => Parameters.Count > 0 ? Parameters[0] : Dyn,
        CelTypeKind.Map => Parameters[1],
        _ => Dyn,
    };

    /// <summary>Key type of a map.</summary>
    public CelType Key => Kind == CelTypeKind.Map ? Parameters[0] : Dyn;

    /// <summary>The runtime type of values of this type (parameters dropped), as <c>type(x)</c> reports it.</summary>
    public CelType RuntimeType => Kind switch
    {
        CelTypeKind.List => ListType,
        CelTypeKind.Map => MapType,
        CelTypeKind.Type => TypeType,
        CelTypeKind.Optional => OptionalType,
        _ => this,
    };

    public bool Equals(CelType? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        if (Kind != other.Kind || Name != other.Name || Parameters.Count != other.Parameters.Count) return false;
        for (var i = 0; i < Parameters.Count; i++)
            if (!Parameters[i].Equals(other.Parameters[i])) return false;
        return true;
    }

    public override bool Equals(object? obj) => obj is CelType t && Equals(t);

    public override int GetHashCode() => HashCode.Combine(Kind, Name);

    /// <summary>Prints the type the way CEL error messages do (<c>list(int)</c>, <c>map(string, dyn)</c>).</summary>
    public override string ToString() => Parameters.Count == 0 ? Name : Name + "(" + string.Join(", ", Parameters) + ")";
}
