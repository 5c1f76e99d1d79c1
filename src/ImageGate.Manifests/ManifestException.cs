namespace ImageGate.Manifests;

/// <summary>An input that cannot be read or parsed, located at file[:line[:column]].</summary>
public sealed class ManifestException : Exception
{
    /// <summary>Creates an error for <paramref name="file"/>, optionally at a line and column.</summary>
    public ManifestException(string file, int? line, int? column, string reason, Exception? inner = null)
        : base(Format(file, line, column, reason), inner)
    {
        File = file;
        Line = line;
        Column = column;
        Reason = reason;
    }

    /// <summary>The file as shown to the user (or <c>&lt;stdin&gt;</c>).</summary>
    public string File { get; }

    /// <summary>1-based line, when known.</summary>
    public int? Line { get; }

    /// <summary>1-based column, when known.</summary>
    public int? Column { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; }

    /// <summary>The location as <c>file:line:column</c> (parts that are unknown are left out).</summary>
    public string Location => Line is null ? File : Column is null ? $"{File}:{Line}" : $"{File}:{Line}:{Column}";

    private static string Format(string file, int? line, int? column, string reason)
    {
        var location = line is null ? file : column is null ? $"{file}:{line}" : $"{file}:{line}:{column}";
        return $"{location}: {reason}";
    }
}
