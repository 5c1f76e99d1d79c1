namespace ImageGate.Policies.Model;

/// <summary>A CEL expression kept as source text; compiled later by the engine. <see cref="PolicyNode.Span"/>
/// is the span of the YAML scalar holding it.</summary>
public sealed record CelExpression(string Text) : PolicyNode
{
    /// <summary>How the scalar was written (block scalars start their text on the line after the span).</summary>
    public ScalarStyle Style { get; init; } = ScalarStyle.Plain;

    /// <inheritdoc/>
    public override string ToString() => Text;
}

/// <summary>A <c>{value}</c> or <c>{expression}</c> object (exactly one is set). The seed-era plain PEM string is
/// loaded as <see cref="Value"/>.</summary>
public sealed record ValueOrExpression(string? Value, CelExpression? Expression) : PolicyNode;

/// <summary>A named CEL expression: <c>matchConditions[]</c>, <c>variables[]</c>, <c>images[]</c>.</summary>
public sealed record NamedExpression(string Name, CelExpression Expression) : PolicyNode;

/// <summary><c>validations[]</c>: a boolean expression and how to describe its failure.</summary>
public sealed record ValidationRule(
    CelExpression Expression,
    string? Message,
    CelExpression? MessageExpression,
    string? Reason) : PolicyNode;

/// <summary><c>auditAnnotations[]</c>.</summary>
public sealed record AuditAnnotation(string Key, CelExpression ValueExpression) : PolicyNode;

/// <summary>One <c>matchImageReferences[]</c> (seed era: <c>imageRules[]</c>) entry: a glob or a CEL expression
/// over <c>ref</c>; exactly one is set.</summary>
public sealed record ImageReferenceMatcher(string? Glob, CelExpression? Expression) : PolicyNode;
