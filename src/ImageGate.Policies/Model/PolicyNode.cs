namespace ImageGate.Policies.Model;

/// <summary>Base of every model node: it remembers the field path and source span it was read from,
/// and the location of each of its scalar fields, so later errors can name <c>file:line</c> and the path.</summary>
public abstract record PolicyNode
{
    private static readonly IReadOnlyDictionary<string, FieldLocation> NoFields =
        new Dictionary<string, FieldLocation>();

    /// <summary>Field path as written, e.g. <c>spec.attestors[0].cosign.key</c>.</summary>
    public required string Path { get; init; }

    /// <summary>Source span of the node's value.</summary>
    public required SourceSpan Span { get; init; }

    /// <summary>Locations of this node's fields, keyed by the model's (current vocabulary) field name.</summary>
    public IReadOnlyDictionary<string, FieldLocation> Fields { get; init; } = NoFields;

    /// <summary>The location of one field: its path as written and span, or the node's own location when
    /// the field was not written.</summary>
    public FieldLocation LocationOf(string field) =>
        Fields.TryGetValue(field, out var location) ? location : new FieldLocation(FieldPath.Child(Path, field), Span);
}

/// <summary>Helpers to build field paths like <c>spec.attestors[0].cosign</c>.</summary>
public static class FieldPath
{
    /// <summary>Appends a field name to a path.</summary>
    public static string Child(string path, string field) => path.Length == 0 ? field : path + "." + field;

    /// <summary>Appends a list index to a path.</summary>
    public static string Index(string path, int index) => $"{path}[{index}]";
}
