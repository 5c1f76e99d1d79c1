using ImageGate.Policies.Model;

namespace ImageGate.Policies.Matching;

/// <summary>Kubernetes label-selector semantics: every <c>matchLabels</c> pair and every
/// <c>matchExpressions</c> requirement must hold; an empty selector matches everything.</summary>
public static class LabelSelectorMatcher
{
    /// <summary>Evaluates a selector against labels. Throws <see cref="FormatException"/> for an
    /// invalid operator or values, as the API server would reject the selector.</summary>
    public static bool Matches(LabelSelector? selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector is null)
        {
            return true;
        }
        foreach (var (key, value) in selector.MatchLabels)
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }
        foreach (var (key, op, values) in selector.MatchExpressions.Select(e => (e.Key, e.Operator, e.Values)))
        {
            var has = labels.TryGetValue(key, out var actual);
            var ok = op switch
            {
                "In" => RequireValues(op, key, values) && has && values.Contains(actual!),
                "NotIn" => RequireValues(op, key, values) && (!has || !values.Contains(actual!)),
                "Exists" => RequireNoValues(op, key, values) && has,
                "DoesNotExist" => RequireNoValues(op, key, values) && !has,
                _ => throw new FormatException($"label selector operator '{op}' for key '{key}' is not one of In, NotIn, Exists, DoesNotExist"),
            };
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    private static bool RequireValues(string op, string key, IReadOnlyList<string> values) =>
        values.Count > 0 ? true : throw new FormatException($"label selector '{key} {op}' needs at least one value");

    private static bool RequireNoValues(string op, string key, IReadOnlyList<string> values) =>
        values.Count == 0 ? true : throw new FormatException($"label selector '{key} {op}' must not have values");
}
