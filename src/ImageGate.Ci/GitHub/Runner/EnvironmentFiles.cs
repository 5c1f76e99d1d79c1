using System.Text;

namespace ImageGate.Ci.GitHub.Runner;

/// <summary>The step's environment files: <c>$GITHUB_OUTPUT</c> (outputs in the heredoc form) and
/// <c>$GITHUB_STEP_SUMMARY</c> (Markdown). Written as UTF-8 without a BOM, appended as the toolkit does.</summary>
public static class EnvironmentFiles
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Appends outputs as <c>name&lt;&lt;DELIMITER</c>, value, <c>DELIMITER</c>, with a fresh random delimiter
    /// that the value cannot contain, so multi-line values are safe.</summary>
    public static void AppendOutputs(string path, IEnumerable<KeyValuePair<string, string>> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        File.AppendAllText(path, FormatOutputs(outputs), Utf8);
    }

    /// <summary>The text <see cref="AppendOutputs"/> writes.</summary>
    public static string FormatOutputs(IEnumerable<KeyValuePair<string, string>> outputs)
    {
        var sb = new StringBuilder();
        foreach (var (name, value) in outputs)
        {
            if (name.Length == 0 || name.AsSpan().IndexOfAny("\r\n=<") >= 0)
            {
                throw new ArgumentException($"invalid output name '{name}'", nameof(outputs));
            }
            var delimiter = "ghadelimiter_" + Guid.NewGuid().ToString();
            if (name.Contains(delimiter, StringComparison.Ordinal) || value.Contains(delimiter, StringComparison.Ordinal))
            {
                throw new ArgumentException($"output '{name}' contains its delimiter", nameof(outputs));
            }
            sb.Append(name).Append("<<").Append(delimiter).Append('\n')
              .Append(value.Replace("\r\n", "\n", StringComparison.Ordinal)).Append('\n')
              .Append(delimiter).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Appends Markdown to the step summary, ending with a blank line so a later step's text starts fresh.</summary>
    public static void AppendSummary(string path, string markdown) =>
        File.AppendAllText(path, markdown.EndsWith('\n') ? markdown + "\n" : markdown + "\n\n", Utf8);

    /// <summary>Parses an outputs file back (for checks and tests): the heredoc form and the one-line <c>name=value</c> form.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ParseOutputs(string text)
    {
        var result = new List<KeyValuePair<string, string>>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }
            var heredoc = line.IndexOf("<<", StringComparison.Ordinal);
            var equals = line.IndexOf('=');
            if (heredoc > 0 && (equals < 0 || heredoc < equals))
            {
                var name = line[..heredoc];
                var delimiter = line[(heredoc + 2)..];
                var value = new List<string>();
                for (i++; i < lines.Length && lines[i] != delimiter; i++)
                {
                    value.Add(lines[i]);
                }
                if (i >= lines.Length)
                {
                    throw new FormatException($"output '{name}': delimiter '{delimiter}' not found");
                }
                result.Add(new(name, string.Join('\n', value)));
            }
            else if (equals > 0)
            {
                result.Add(new(line[..equals], line[(equals + 1)..]));
            }
            else
            {
                throw new FormatException($"line {i + 1} is neither name=value nor name<<DELIMITER");
            }
        }
        return result;
    }
}
