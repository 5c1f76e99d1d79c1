using System.Text;

namespace ImageGate.Policies.Autogen;

/// <summary>The text rewriting Kyverno applies to a serialised spec to turn Pod expressions into pod-template
/// expressions: <c>object.spec</c> and <c>object.metadata</c> (and the same after <c>oldObject.</c>) are moved
/// under the controller's template, except where followed by <c>.namespace</c>.</summary>
public static class AutogenRewriter
{
    /// <summary>Variant key for Deployment, StatefulSet, DaemonSet, ReplicaSet and Job.</summary>
    public const string DefaultsKey = "defaults";

    /// <summary>Variant key for CronJob.</summary>
    public const string CronJobsKey = "cronjobs";

    private static readonly (string From, string To)[] Defaults =
    [
        ("spec", "spec.template.spec"),
        ("metadata", "spec.template.metadata"),
    ];

    private static readonly (string From, string To)[] CronJobs =
    [
        ("spec", "spec.jobTemplate.spec.template.spec"),
        ("metadata", "spec.jobTemplate.spec.template.metadata"),
    ];

    private const string ProtectedSuffix = ".namespace";

    /// <summary>Rewrites <paramref name="text"/> for the variant <paramref name="key"/>.</summary>
    public static string Rewrite(string text, string key)
    {
        var replacements = key switch
        {
            DefaultsKey => Defaults,
            CronJobsKey => CronJobs,
            _ => throw new ArgumentOutOfRangeException(nameof(key), key, "unknown autogen key"),
        };
        foreach (var (from, to) in replacements)
        {
            text = Replace(text, "object." + from, "object." + to);
            text = Replace(text, "oldObject." + from, "oldObject." + to);
        }
        return text;
    }

    /// <summary>One left-to-right pass replacing <paramref name="from"/> except before the protected suffix.
    /// There is no boundary check before the match, as in Kyverno.</summary>
    private static string Replace(string text, string from, string to)
    {
        var index = text.IndexOf(from, StringComparison.Ordinal);
        if (index < 0)
        {
            return text;
        }
        var builder = new StringBuilder(text.Length + 32);
        var start = 0;
        while (index >= 0)
        {
            builder.Append(text, start, index - start);
            var rest = index + from.Length;
            builder.Append(IsProtected(text, rest) ? from : to);
            start = rest;
            index = text.IndexOf(from, start, StringComparison.Ordinal);
        }
        builder.Append(text, start, text.Length - start);
        return builder.ToString();
    }

    private static bool IsProtected(string text, int at)
    {
        if (at + ProtectedSuffix.Length > text.Length || string.CompareOrdinal(text, at, ProtectedSuffix, 0, ProtectedSuffix.Length) != 0)
        {
            return false;
        }
        var next = at + ProtectedSuffix.Length;
        return next == text.Length || !IsIdentifierChar(text[next]);
    }

    private static bool IsIdentifierChar(char c) => c == '_' || char.IsAsciiLetterOrDigit(c);
}
