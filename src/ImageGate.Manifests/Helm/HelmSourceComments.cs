using System.Text.RegularExpressions;

namespace ImageGate.Manifests.Helm;

/// <summary>The <c># Source: chart/templates/file.yaml</c> comments that <c>helm template</c> writes before each object.</summary>
internal static partial class HelmSourceComments
{
    /// <summary>Every source comment of <paramref name="text"/>: its 1-based line and the template path.</summary>
    public static List<(int Line, string Path)> Find(string text)
    {
        var found = new List<(int, string)>();
        if (!text.Contains("# Source: ", StringComparison.Ordinal))
        {
            return found;
        }
        var line = 1;
        var start = 0;
        while (start <= text.Length)
        {
            var end = text.IndexOf('\n', start);
            if (end < 0)
            {
                end = text.Length;
            }
            var span = text.AsSpan(start, end - start);
            if (span.StartsWith("# Source: ", StringComparison.Ordinal))
            {
                var path = span["# Source: ".Length..].Trim().ToString();
                if (path.Length > 0)
                {
                    found.Add((line, path));
                }
            }
            line++;
            start = end + 1;
        }
        return found;
    }

    /// <summary>The chart name and the path inside the chart of a source path, or null when it has no folder.</summary>
    public static (string Chart, string PathInChart)? Split(string sourcePath)
    {
        var slash = sourcePath.IndexOf('/');
        if (slash <= 0 || slash == sourcePath.Length - 1 || sourcePath.Contains("..", StringComparison.Ordinal))
        {
            return null;
        }
        return (sourcePath[..slash], sourcePath[(slash + 1)..]);
    }
}
