using System.Text;

namespace ImageGate.Cel;

/// <summary>A parse or type-check error with its position in the expression.</summary>
public sealed record CelIssue(int Line, int Column, int Offset, string Message, string Source)
{
    /// <summary>Builds an issue from a character offset.</summary>
    public static CelIssue At(string source, int offset, string message)
    {
        offset = Math.Clamp(offset, 0, source.Length);
        int line = 1, col = 1;
        for (var i = 0; i < offset; i++)
        {
            if (source[i] == '\n') { line++; col = 1; }
            else col++;
        }
        return new CelIssue(line, col, offset, message, source);
    }

    /// <summary>Renders <c>ERROR: &lt;input&gt;:L:C: message</c> followed by the source line and a caret under the column.</summary>
    public string ToDisplayString(string sourceName = "<input>")
    {
        var sb = new StringBuilder();
        sb.Append("ERROR: ").Append(sourceName).Append(':').Append(Line).Append(':').Append(Column).Append(": ").Append(Message);
        var lines = Source.Split('\n');
        if (Line - 1 < lines.Length)
        {
            var text = lines[Line - 1].TrimEnd('\r');
            sb.Append("\n | ").Append(text);
            sb.Append("\n | ").Append(new string('.', Math.Max(0, Column - 1))).Append('^');
        }
        return sb.ToString();
    }

    public override string ToString() => $"{Line}:{Column}: {Message}";
}
