namespace ImageGate.Cel.Syntax;

/// <summary>A node of the parsed CEL syntax tree; macros are already expanded.</summary>
public abstract class Expr
{
    /// <summary>Unique id of the node inside its tree.</summary>
    public long Id { get; init; }

    /// <summary>Character offset of the node in the source text.</summary>
    public int Offset { get; init; }
}

/// <summary>A literal; Value holds the runtime value (long, ulong, double, string, bool, CelBytes, CelNull).</summary>
public sealed class ConstExpr : Expr
{
    public required object Value { get; init; }
}

/// <summary>A simple or leading-dot identifier.</summary>
public sealed class IdentExpr : Expr
{
    public required string Name { get; init; }
}

/// <summary>Field selection <c>a.f</c>, or a presence test <c>has(a.f)</c> when TestOnly.</summary>
public sealed class SelectExpr : Expr
{
    public required Expr Operand { get; init; }
    public required string Field { get; init; }
    public bool TestOnly { get; init; }
}

/// <summary>A global call <c>f(a)</c> or a receiver call <c>t.f(a)</c>; operators use their internal names (<c>_+_</c>).</summary>
public sealed class CallExpr : Expr
{
    public Expr? Target { get; init; }
    public required string Function { get; init; }
    public required Expr[] Args { get; init; }
}

/// <summary>A list literal; OptionalIndices marks <c>?e</c> elements.</summary>
public sealed class ListExpr : Expr
{
    public required Expr[] Elements { get; init; }
    public required int[] OptionalIndices { get; init; }
}

/// <summary>One entry of a map or object literal.</summary>
public sealed record MapEntry(long Id, Expr Key, Expr Value, bool Optional);

/// <summary>A map literal.</summary>
public sealed class MapExpr : Expr
{
    public required MapEntry[] Entries { get; init; }
}

/// <summary>One field initializer of an object literal.</summary>
public sealed record FieldInit(long Id, string Field, Expr Value, bool Optional);

/// <summary>An object literal <c>T{f: v}</c>.</summary>
public sealed class StructExpr : Expr
{
    public required string TypeName { get; init; }
    public required FieldInit[] Fields { get; init; }
}

/// <summary>The expanded form of every comprehension macro.</summary>
public sealed class ComprehensionExpr : Expr
{
    public required string IterVar { get; init; }
    public string? IterVar2 { get; init; }
    public required Expr IterRange { get; init; }
    public required string AccuVar { get; init; }
    public required Expr AccuInit { get; init; }
    public required Expr LoopCondition { get; init; }
    public required Expr LoopStep { get; init; }
    public required Expr Result { get; init; }
}
