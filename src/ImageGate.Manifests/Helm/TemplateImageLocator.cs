using System.Text.RegularExpressions;

namespace ImageGate.Manifests.Helm;

/// <summary>Finds, inside a chart template, the line that produced a rendered image: a literal <c>image:</c> line
/// with the same value, or the <c>{{ ... }}</c> expression line written under <c>image:</c>.</summary>
internal sealed partial class TemplateImageLocator(long maxTemplateBytes)
{
    private readonly Dictionary<string, TemplateFile?> _files = new(StringComparer.Ordinal);

    /// <summary>A parsed view of one template: its image lines.</summary>
    private sealed record TemplateFile(string[] Lines, List<ImageLine> Images);

    /// <summary>An <c>image:</c> line of a template.</summary>
    /// <param name="Line">1-based line of the value (or of the expression under <c>image:</c>).</param>
    /// <param name="Column">1-based column where the value starts.</param>
    /// <param name="EndColumn">Exclusive end column of the value.</param>
    /// <param name="Literal">The unquoted value when it has no template action, otherwise null.</param>
    /// <param name="ContainerName">The literal <c>name</c> of the same container, when written plainly.</param>
    private sealed record ImageLine(int Line, int Column, int EndColumn, string? Literal, string? ContainerName);

    /// <summary>The span of the <c>kind: X</c> line of the template when there is exactly one, else null.</summary>
    public SourceSpan? LocateObject(string templatePath, string displayFile, string kind)
    {
        var template = Load(templatePath);
        if (template is null || kind.Length == 0)
        {
            return null;
        }
        SourceSpan? found = null;
        for (var i = 0; i < template.Lines.Length; i++)
        {
            var text = template.Lines[i];
            var trimmed = text.TrimStart();
            if (trimmed.StartsWith("kind:", StringComparison.Ordinal) && Unquote(StripComment(trimmed["kind:".Length..].Trim())) == kind)
            {
                if (found is not null)
                {
                    return null;
                }
                var column = text.Length - trimmed.Length + 1;
                found = new SourceSpan(displayFile, i + 1, column, i + 1, column + trimmed.TrimEnd().Length);
            }
        }
        return found;
    }

    /// <summary>The template span for each rendered image of one object (null where no line fits).</summary>
    public SourceSpan?[] LocateImages(string templatePath, string displayFile, IReadOnlyList<ContainerImage> images)
    {
        var result = new SourceSpan?[images.Count];
        var template = Load(templatePath);
        if (template is null)
        {
            return result;
        }
        var expressions = template.Images.Where(l => l.Literal is null).ToList();
        var unmatched = 0;
        for (var i = 0; i < images.Count; i++)
        {
            var image = images[i];
            var line = template.Images.FirstOrDefault(l => l.Literal == image.Image && (l.ContainerName is null || l.ContainerName == image.ContainerName))
                ?? template.Images.FirstOrDefault(l => l.Literal == image.Image);
            if (line is null)
            {
                // An expression line: prefer the one whose container name is written plainly and matches,
                // otherwise take expression lines in order.
                line = expressions.FirstOrDefault(l => l.ContainerName == image.ContainerName && image.ContainerName.Length > 0);
                if (line is null)
                {
                    var open = expressions.Where(l => l.ContainerName is null || !images.Any(x => x.ContainerName == l.ContainerName)).ToList();
                    // More images than lines: the later ones come from a loop around the last line.
                    line = unmatched < open.Count ? open[unmatched] : open.Count > 0 ? open[^1] : null;
                    unmatched++;
                }
            }
            if (line is not null)
            {
                result[i] = new SourceSpan(displayFile, line.Line, line.Column, line.Line, line.EndColumn);
            }
        }
        return result;
    }

    private TemplateFile? Load(string path)
    {
        if (_files.TryGetValue(path, out var cached))
        {
            return cached;
        }
        TemplateFile? template = null;
        var info = new FileInfo(path);
        if (info.Exists && info.Length <= maxTemplateBytes)
        {
            var lines = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
            template = new TemplateFile(lines, FindImageLines(lines));
        }
        _files[path] = template;
        return template;
    }

    private static List<ImageLine> FindImageLines(string[] lines)
    {
        var found = new List<ImageLine>();
        for (var i = 0; i < lines.Length; i++)
        {
            var match = ImageKey().Match(lines[i]);
            if (!match.Success)
            {
                continue;
            }
            var keyColumn = match.Groups["key"].Index + 1;
            var rest = match.Groups["rest"].Value;
            var value = rest.TrimStart();
            var valueColumn = match.Groups["rest"].Index + 1 + (rest.Length - value.Length);
            value = value.Contains("{{", StringComparison.Ordinal) ? value.TrimEnd() : StripComment(value).TrimEnd();
            var name = ContainerNameNear(lines, i, keyColumn);
            if (value.Length == 0 || value[0] is '|' or '>')
            {
                // The value is on the next non-blank line: keep it only when it is a template expression.
                var next = i + 1;
                while (next < lines.Length && lines[next].Trim().Length == 0)
                {
                    next++;
                }
                if (next < lines.Length && lines[next].Contains("{{", StringComparison.Ordinal))
                {
                    var text = lines[next].TrimEnd();
                    var column = text.Length - text.TrimStart().Length + 1;
                    found.Add(new ImageLine(next + 1, column, text.Length + 1, null, name));
                }
                continue;
            }
            var literal = value.Contains("{{", StringComparison.Ordinal) ? null : Unquote(value);
            found.Add(new ImageLine(i + 1, valueColumn, valueColumn + value.Length, literal, name));
        }
        return found;
    }

    /// <summary>The plainly written <c>name</c> of the container whose <c>image:</c> key is at <paramref name="keyColumn"/>.</summary>
    private static string? ContainerNameNear(string[] lines, int imageLine, int keyColumn)
    {
        // Upwards to the start of the list item, then downwards to its end.
        for (var i = imageLine - 1; i >= 0 && i >= imageLine - 200; i--)
        {
            var key = KeyAt(lines[i], out var column, out var dash, out var value);
            if (key is null)
            {
                continue;
            }
            if (column == keyColumn && key == "name")
            {
                return LiteralOrNull(value);
            }
            if (column < keyColumn || (dash && column == keyColumn))
            {
                break;
            }
        }
        for (var i = imageLine + 1; i < lines.Length && i <= imageLine + 200; i++)
        {
            var key = KeyAt(lines[i], out var column, out var dash, out var value);
            if (key is null)
            {
                continue;
            }
            if (column < keyColumn || dash)
            {
                break;
            }
            if (column == keyColumn && key == "name")
            {
                return LiteralOrNull(value);
            }
        }
        return null;
    }

    private static string? KeyAt(string line, out int column, out bool dash, out string value)
    {
        var match = AnyKey().Match(line);
        column = 0;
        dash = false;
        value = "";
        if (!match.Success)
        {
            return null;
        }
        column = match.Groups["key"].Index + 1;
        dash = match.Groups["dash"].Success;
        value = match.Groups["rest"].Value.Trim();
        return match.Groups["key"].Value;
    }

    private static string? LiteralOrNull(string value) =>
        value.Length == 0 || value.Contains("{{", StringComparison.Ordinal) ? null : Unquote(StripComment(value).TrimEnd());

    private static string StripComment(string value)
    {
        var hash = value.IndexOf(" #", StringComparison.Ordinal);
        return hash < 0 ? value : value[..hash];
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && ((value[0] == '"' && value[^1] == '"') || (value[0] == '\'' && value[^1] == '\''))
            ? value[1..^1]
            : value;

    [GeneratedRegex(@"^\s*(?:-\s+)?(?<key>image):(?<rest>(?:\s.*)?)$")]
    private static partial Regex ImageKey();

    [GeneratedRegex(@"^\s*(?<dash>-\s+)?(?<key>[A-Za-z_][A-Za-z0-9_.-]*):(?<rest>(?:\s.*)?)$")]
    private static partial Regex AnyKey();
}
