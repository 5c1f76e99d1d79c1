using System.Text.RegularExpressions;

namespace ImageGate.Manifests.Helm;

/// <summary>Finds a chart's folder by the chart name of a <c># Source:</c> comment: in the configured chart roots,
/// beside or above the rendered file, or among the charts seen while walking the inputs.</summary>
internal sealed partial class ChartLocator(IReadOnlyList<string> chartRoots)
{
    private const int MaxAncestors = 8;
    private readonly Dictionary<string, string> _seen = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Chart, string? From), string?> _cache = [];

    /// <summary>Remembers a chart folder found in the input tree.</summary>
    public void Register(string chartDirectory)
    {
        var name = ChartName(chartDirectory);
        if (name is not null)
        {
            _seen.TryAdd(name, chartDirectory);
        }
    }

    /// <summary>The folder of chart <paramref name="chart"/>, or null. <paramref name="renderedDirectory"/> is the
    /// folder of the rendered file (the working directory for standard input).</summary>
    public string? Find(string chart, string? renderedDirectory)
    {
        if (_cache.TryGetValue((chart, renderedDirectory), out var cached))
        {
            return cached;
        }
        var found = FindUncached(chart, renderedDirectory);
        _cache[(chart, renderedDirectory)] = found;
        return found;
    }

    private string? FindUncached(string chart, string? renderedDirectory)
    {
        foreach (var root in chartRoots)
        {
            if (IsChart(root, chart))
            {
                return root;
            }
            foreach (var candidate in new[] { Path.Combine(root, chart), Path.Combine(root, "charts", chart) })
            {
                if (IsChart(candidate, chart))
                {
                    return candidate;
                }
            }
        }
        var dir = renderedDirectory is null ? null : new DirectoryInfo(renderedDirectory);
        for (var i = 0; dir is not null && i < MaxAncestors; i++, dir = dir.Parent)
        {
            foreach (var candidate in new[] { dir.FullName, Path.Combine(dir.FullName, chart), Path.Combine(dir.FullName, "charts", chart) })
            {
                if (IsChart(candidate, chart))
                {
                    return candidate;
                }
            }
        }
        return _seen.GetValueOrDefault(chart);
    }

    private static bool IsChart(string directory, string chart) =>
        File.Exists(Path.Combine(directory, "Chart.yaml")) && ChartName(directory) == chart;

    /// <summary>The <c>name</c> of a chart's Chart.yaml (the folder name when it has none).</summary>
    public static string? ChartName(string chartDirectory)
    {
        var file = new FileInfo(Path.Combine(chartDirectory, "Chart.yaml"));
        if (!file.Exists || file.Length > 1024 * 1024)
        {
            return null;
        }
        var match = NameLine().Match(File.ReadAllText(file.FullName));
        return match.Success ? match.Groups[1].Value : file.Directory!.Name;
    }

    [GeneratedRegex(@"^name:[ \t]*[""']?([^""'\s#]+)", RegexOptions.Multiline)]
    private static partial Regex NameLine();
}
