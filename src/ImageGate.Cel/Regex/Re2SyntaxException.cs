namespace ImageGate.Cel.Regex;

/// <summary>A pattern that RE2 rejects; <see cref="Position"/> is the UTF-16 offset of the offending construct.</summary>
public sealed class Re2SyntaxException : FormatException
{
    /// <summary>Creates the exception for the construct <paramref name="fragment"/> at <paramref name="position"/>.</summary>
    public Re2SyntaxException(string code, string fragment, int position)
        : base($"error parsing regexp: {code}: `{fragment}` (at offset {position})")
    {
        Code = code;
        Fragment = fragment;
        Position = position;
    }

    /// <summary>The UTF-16 offset in the pattern where the offending construct starts.</summary>
    public int Position { get; }

    /// <summary>The kind of error, worded as Go's regexp/syntax does (e.g. "invalid escape sequence").</summary>
    public string Code { get; }

    /// <summary>The offending part of the pattern.</summary>
    public string Fragment { get; }
}
