namespace ImageGate.Reporting.Tests;

/// <summary>A parsed CI log command.</summary>
internal sealed record ParsedCommand(string Name, Dictionary<string, string> Properties, string Data);

/// <summary>Parsers that read commands the way the GitHub runner and the Azure Pipelines agent do, so the tests see
/// exactly what the platform would.</summary>
internal static class CommandParsers
{
    /// <summary>GitHub: <c>::name k=v,k=v::data</c>; the first <c>::</c> after the name ends the properties.</summary>
    public static ParsedCommand? GitHub(string line)
    {
        line = line.TrimStart();
        if (!line.StartsWith("::", StringComparison.Ordinal))
        {
            return null;
        }
        var end = line.IndexOf("::", 2, StringComparison.Ordinal);
        if (end < 0)
        {
            return null;
        }
        var info = line[2..end];
        var space = info.IndexOf(' ');
        var name = space < 0 ? info : info[..space];
        var properties = new Dictionary<string, string>();
        if (space > 0)
        {
            foreach (var pair in info[(space + 1)..].Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = pair.Split('=', 2);
                if (kv.Length == 2)
                {
                    properties[kv[0]] = kv[1].Replace("%0D", "\r").Replace("%0A", "\n").Replace("%3A", ":").Replace("%2C", ",").Replace("%25", "%");
                }
            }
        }
        var data = line[(end + 2)..].Replace("%0D", "\r").Replace("%0A", "\n").Replace("%25", "%");
        return new ParsedCommand(name, properties, data);
    }

    /// <summary>Azure Pipelines: <c>##vso[area.action k=v;k=v]data</c>, found anywhere in the line.</summary>
    public static ParsedCommand? Azure(string line)
    {
        var prefix = line.IndexOf("##vso[", StringComparison.Ordinal);
        if (prefix < 0)
        {
            return null;
        }
        var close = line.IndexOf(']', prefix);
        if (close < 0)
        {
            return null;
        }
        var info = line[(prefix + 6)..close];
        var space = info.IndexOf(' ');
        var name = space < 0 ? info : info[..space];
        var properties = new Dictionary<string, string>();
        if (space > 0)
        {
            foreach (var pair in info[(space + 1)..].Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = pair.Split('=', 2);
                if (kv.Length == 2)
                {
                    properties[kv[0].Trim()] = Unescape(kv[1]);
                }
            }
        }
        return new ParsedCommand(name, properties, Unescape(line[(close + 1)..]));
    }

    private static string Unescape(string value) =>
        value.Replace("%3B", ";").Replace("%0D", "\r").Replace("%0A", "\n").Replace("%5D", "]").Replace("%AZP25", "%");
}
