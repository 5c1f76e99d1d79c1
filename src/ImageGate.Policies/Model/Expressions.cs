namespace ImageGate.Policies.Model;

/// <summary>A CEL expression kept as source text; compiled later by the engine. <see cref="PolicyNode.Span"/>
/// is the span of the YAML scalar holding it.</summary>
public sealed record CelExpression(string Text) : PolicyNode
{
    /// <summary>How the scalar was written (block scalars start their text on the line after the span).</summary>
    public ScalarStyle Style { get; init; } = ScalarStyle.Plain;

    /// <summary>The file position of a character of <see cref="Text"/> (e.g. a CEL error's offset): exact for
    /// single-line plain and quoted scalars without escapes; for block scalars the line is exact and the column
    /// unknown (0); otherwise the scalar's start.</summary>
    public SourceSpan LocationAt(int offset)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        var singleLine = !Text.Contains('\n') && Span.EndLine == Span.Line;
        switch (Style)
        {
            case ScalarStyle.Plain when singleLine && Span.EndColumn - Span.Column == Text.Length:
                return new SourceSpan(Span.File, Span.Line, Span.Column + offset);
            case ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted when singleLine && Span.EndColumn - Span.Column == Text.Length + 2:
                return new SourceSpan(Span.File, Span.Line, Span.Column + 1 + offset);
            case ScalarStyle.Literal:
                var line = Text.AsSpan(0, offset).Count('\n');
                return new SourceSpan(Span.File, Span.Line + 1 + line, 0);
            default:
                return Span with { EndLine = Span.Line, EndColumn = Span.Column };
        }
    }

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
