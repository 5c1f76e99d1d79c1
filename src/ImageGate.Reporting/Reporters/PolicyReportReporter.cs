using ImageGate.Reporting.Formatting;

namespace ImageGate.Reporting;

/// <summary><c>-o policy-report</c>: <c>wgpolicyk8s.io/v1alpha2</c> reports shaped like Kyverno's (source
/// <c>KyvernoImageValidatingPolicy</c>): one <c>ClusterPolicyReport</c> for cluster-scoped resources and one
/// <c>PolicyReport</c> per namespace, results in input order.</summary>
public sealed class PolicyReportReporter(ReportOptions? options = null) : IReporter
{
    /// <summary>The report API version.</summary>
    public const string ApiVersion = "wgpolicyk8s.io/v1alpha2";

    /// <summary>The <c>source</c> Kyverno writes for IVPOL and NIVPOL results.</summary>
    public const string Source = "KyvernoImageValidatingPolicy";

    /// <summary><c>metadata.name</c> of every report written.</summary>
    public const string ReportName = "imagegate";

    private static readonly HashSet<string> Severities = ["critical", "high", "medium", "low", "info"];

    private readonly ReportOptions _options = options ?? new ReportOptions();

    /// <inheritdoc />
    public void Write(RunResult result, TextWriter writer)
    {
        var seconds = (_options.Timestamp ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var process = result.Mode == EvaluationMode.Background ? "background scan" : "admission review";
        var groups = result.Findings
            .GroupBy(f => string.IsNullOrEmpty(f.Resource.Namespace) ? "" : f.Resource.Namespace)
            .OrderBy(g => g.Key.Length == 0 ? 0 : 1)
            .ToList();
        var documents = groups.Select(g => Report(g.Key, g.ToList(), seconds, process)).ToList();
        if (documents.Count == 0)
        {
            documents.Add(Report("", [], seconds, process));
        }
        YamlEmitter.WriteDocuments(writer, documents);
    }

    private YamlMap Report(string ns, IReadOnlyList<Finding> findings, long seconds, string process)
    {
        var metadata = new YamlMap { { "name", ReportName } };
        if (ns.Length > 0)
        {
            metadata.Add("namespace", ns);
        }
        metadata.Add("labels", new YamlMap { { "app.kubernetes.io/managed-by", "imagegate" } });

        var results = findings.Select(f => (object?)Result(f, seconds, process)).ToList();
        var summary = new YamlMap
        {
            { "pass", findings.Count(f => f.Result == Outcome.Pass) },
            { "fail", findings.Count(f => f.Result == Outcome.Fail) },
            { "warn", findings.Count(f => f.Result == Outcome.Warn) },
            { "error", findings.Count(f => f.Result == Outcome.Error) },
            { "skip", findings.Count(f => f.Result == Outcome.Skip) },
        };
        return new YamlMap
        {
            { "apiVersion", ApiVersion },
            { "kind", ns.Length > 0 ? "PolicyReport" : "ClusterPolicyReport" },
            { "metadata", metadata },
            { "results", results },
            { "summary", summary },
        };
    }

    private YamlMap Result(Finding f, long seconds, string process)
    {
        var map = new YamlMap
        {
            { "source", Source },
            { "policy", f.PolicyKey },
            { "rule", f.RuleName },
            { "result", Text.Name(f.Result) },
            { "message", f.Message },
            { "scored", f.Scored },
        };
        if (!string.IsNullOrWhiteSpace(f.Category))
        {
            map.Add("category", f.Category);
        }
        if (f.Severity is { } severity && Severities.Contains(severity.ToLowerInvariant()))
        {
            map.Add("severity", severity.ToLowerInvariant());
        }
        map.Add("properties", Properties(f, process));
        var subject = new YamlMap
        {
            { "apiVersion", f.Resource.ApiVersion },
            { "kind", f.Resource.Kind },
            { "name", f.Resource.Name },
        };
        if (!string.IsNullOrEmpty(f.Resource.Namespace))
        {
            subject.Add("namespace", f.Resource.Namespace);
        }
        map.Add("resources", new List<object?> { subject });
        map.Add("timestamp", new YamlMap { { "seconds", seconds }, { "nanos", 0 } });
        return map;
    }

    // Kyverno's properties (audit annotations on pass/fail, process, exceptions on skip) plus ImageGate's own,
    // prefixed so audit annotation keys cannot collide with them. Annotations never rewrite the message (decision 26).
    private YamlMap Properties(Finding f, string process)
    {
        var properties = new YamlMap();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        void Add(string key, string value)
        {
            if (taken.Add(key))
            {
                properties.Add(key, value);
            }
        }
        Add("process", process);
        if (f.Result is Outcome.Pass or Outcome.Fail or Outcome.Warn)
        {
            foreach (var (key, value) in f.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                Add(key, value);
            }
        }
        if (f.Result == Outcome.Skip && f.Exceptions.Count > 0)
        {
            Add("exceptions", string.Join(",", f.Exceptions));
        }
        if (f.PrimaryLocation is { } location)
        {
            Add("imagegate/file", RepoPath.Relative(location.File, _options.RepositoryRoot));
            if (location.Line > 0)
            {
                Add("imagegate/line", Text.Num(location.Line));
            }
        }
        if (f.Images.Count > 0)
        {
            Add("imagegate/images", string.Join(",", f.Images.Select(i => i.Reference)));
        }
        if (f.AutogenVariant is not null)
        {
            Add("imagegate/variant", f.AutogenVariant);
        }
        Add("imagegate/action", string.Join(",", f.Actions));
        return properties;
    }
}
