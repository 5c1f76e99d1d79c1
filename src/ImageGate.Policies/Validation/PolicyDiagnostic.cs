using ImageGate.Policies.Model;

namespace ImageGate.Policies.Validation;

/// <summary>How serious a diagnostic is.</summary>
public enum DiagnosticSeverity
{
    /// <summary>Informational, e.g. a document of another kind was skipped.</summary>
    Notice,

    /// <summary>Accepted, but probably not what the author meant.</summary>
    Warning,

    /// <summary>Invalid: the document is not loaded.</summary>
    Error,
}

/// <summary>A problem found while loading a policy document, naming its place and field path.</summary>
/// <param name="Code">A stable identifier such as <c>unknown-field</c> or <c>one-of</c> (see <see cref="DiagnosticCodes"/>).</param>
/// <param name="Path">The field path as written, e.g. <c>spec.attestors[0].cosign.key.data</c>; empty for the document.</param>
public sealed record PolicyDiagnostic(
    DiagnosticSeverity Severity,
    string Code,
    string Message,
    string Path,
    SourceSpan Span)
{
    /// <summary><c>file:line:column: error: path: message</c>.</summary>
    public override string ToString()
    {
        var severity = Severity.ToString().ToLowerInvariant();
        return Path.Length == 0 ? $"{Span}: {severity}: {Message}" : $"{Span}: {severity}: {Path}: {Message}";
    }
}

/// <summary>Stable diagnostic codes.</summary>
public static class DiagnosticCodes
{
    /// <summary>The YAML itself does not parse.</summary>
    public const string InvalidYaml = "invalid-yaml";

    /// <summary>A field the schema does not define for this apiVersion.</summary>
    public const string UnknownField = "unknown-field";

    /// <summary>A required field is missing.</summary>
    public const string Required = "required";

    /// <summary>A value outside the allowed set.</summary>
    public const string Enum = "enum";

    /// <summary>Exactly one of several fields must be set.</summary>
    public const string OneOf = "one-of";

    /// <summary>A value of the wrong type (string, boolean, integer, list, object).</summary>
    public const string Type = "type";

    /// <summary>A value of the right type that is still not valid (format, range, duplicate, conflict).</summary>
    public const string Invalid = "invalid";

    /// <summary>Input larger or deeper than the loader accepts.</summary>
    public const string Limit = "limit";

    /// <summary>A field that is accepted but has no effect, or that Kyverno ignores.</summary>
    public const string Ignored = "ignored";

    /// <summary>A document that is not a policy or exception was skipped.</summary>
    public const string Skipped = "skipped";
}
