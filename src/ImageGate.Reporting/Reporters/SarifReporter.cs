using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ImageGate.Reporting.Formatting;

namespace ImageGate.Reporting;

/// <summary>SARIF 2.1.0 for GitHub code scanning and Azure DevOps: one rule per policy, one result per violating finding.</summary>
public sealed class SarifReporter(ReportOptions? options = null) : IReporter
{
    /// <summary>The SARIF schema URI written into <c>$schema</c>.</summary>
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    /// <summary>Base id that marks repository-relative URIs.</summary>
    public const string SourceRootBaseId = "%SRCROOT%";

    /// <summary>Key of the stable fingerprint in <c>partialFingerprints</c>.</summary>
    public const string FingerprintKey = "imagegate/v1";

    private readonly ReportOptions _options = options ?? new ReportOptions();

    /// <summary>The SARIF rule id for a finding's policy: <c>IVPOL/name</c> or <c>NIVPOL/namespace/name</c>.</summary>
    public static string RuleId(Finding finding) =>
        finding.Kind == PolicyKind.NamespacedImageValidatingPolicy ? "NIVPOL/" + finding.PolicyKey : "IVPOL/" + finding.Policy;

    /// <summary>Stable fingerprint: rule, image repositories (no tag or digest), resource and variant; independent of line numbers.</summary>
    public static string Fingerprint(Finding finding)
    {
        var images = string.Join(",", finding.Images.Select(i => Text.ImageRepository(i.Reference)).Distinct().Order(StringComparer.Ordinal));
        var r = finding.Resource;
        var key = string.Join("\n", RuleId(finding), images, r.Kind, r.Namespace ?? "", r.Name, finding.AutogenVariant ?? "");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Text.ValidUtf16(key))));
    }

    /// <inheritdoc />
    public void Write(RunResult result, TextWriter writer)
    {
        var violations = SelectResults(result);
        // GitHub rejects results without a location; those become notifications instead.
        var unlocated = result.Findings.Where(f => f.IsViolation && f.PrimaryLocation is null).ToList();
        var dropped = result.Findings.Count(f => f.IsViolation) - unlocated.Count - violations.Count;
        var rules = new List<Finding>();
        var ruleIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var f in violations.Concat(unlocated))
        {
            if (ruleIndex.TryAdd(RuleId(f), rules.Count))
            {
                rules.Add(f);
            }
        }

        JsonOutput.Write(writer, json =>
        {
            json.WriteStartObject();
            json.WriteString("$schema", SchemaUri);
            json.WriteString("version", "2.1.0");
            json.WriteStartArray("runs");
            json.WriteStartObject();

            json.WriteStartObject("tool");
            json.WriteStartObject("driver");
            json.WriteString("name", "ImageGate");
            json.String("version", _options.ToolVersion);
            json.String("semanticVersion", _options.ToolVersion);
            json.OptionalString("informationUri", _options.InformationUri);
            json.WriteStartArray("rules");
            foreach (var rule in rules)
            {
                WriteRule(json, rule);
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();

            WriteInvocation(json, result, unlocated, ruleIndex, dropped);
            json.WriteStartObject("automationDetails");
            json.String("id", _options.SarifCategory.TrimEnd('/') + "/");
            json.WriteEndObject();
            if (SourceRootUri() is { } rootUri)
            {
                json.WriteStartObject("originalUriBaseIds");
                json.WriteStartObject(SourceRootBaseId);
                json.WriteString("uri", rootUri);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteString("columnKind", "utf16CodeUnits");
            WriteVersionControl(json);

            json.WriteStartArray("results");
            foreach (var f in violations)
            {
                WriteResult(json, f, ruleIndex[RuleId(f)]);
            }
            json.WriteEndArray();

            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    // Violations in input order; over the cap, the most severe are kept.
    private List<Finding> SelectResults(RunResult result)
    {
        var violations = result.Findings.Where(f => f.IsViolation && f.PrimaryLocation is not null).ToList();
        var cap = Math.Max(0, _options.MaxSarifResults);
        if (violations.Count <= cap)
        {
            return violations;
        }
        var keep = violations.Select((f, i) => (f, i))
            .OrderBy(x => LevelRank(x.f.PrimaryAction)).ThenBy(x => x.i)
            .Take(cap).OrderBy(x => x.i).Select(x => x.f).ToList();
        return keep;
    }

    private static int LevelRank(ValidationAction action) => action switch
    {
        ValidationAction.Deny => 0,
        ValidationAction.Warn => 1,
        _ => 2,
    };

    private static string Level(ValidationAction action) => action switch
    {
        ValidationAction.Deny => "error",
        ValidationAction.Warn => "warning",
        _ => "note",
    };

    private static string SecuritySeverity(Finding f) => f.Severity?.ToLowerInvariant() switch
    {
        "critical" => "9.5",
        "high" => "8.0",
        "medium" => "5.5",
        "low" => "3.0",
        "info" => "1.0",
        _ => f.PrimaryAction switch
        {
            ValidationAction.Deny => "8.0",
            ValidationAction.Warn => "5.5",
            _ => "3.0",
        },
    };

    private static void WriteRule(Utf8JsonWriter json, Finding f)
    {
        var kind = f.Kind.ToString();
        var described = !string.IsNullOrWhiteSpace(f.PolicyDescription);
        var description = described ? Text.SingleLine(f.PolicyDescription!) : $"Images must satisfy {kind} {f.PolicyKey}.";
        var full = described
            ? $"{kind} {f.PolicyKey}: {description}"
            : $"Images used by the resources that {kind} {f.PolicyKey} matches must pass its signature, attestation and digest checks.";
        var actions = string.Join(", ", f.Actions);
        var help = $"{full}\nValidation actions: {actions}. Fix the image reference or its signatures so that the policy holds, "
            + "or add a PolicyException for this resource.";
        var markdown = $"**{Markdown.EscapeText(kind)} `{f.PolicyKey.Replace("`", "'", StringComparison.Ordinal)}`**\n\n"
            + $"{Markdown.EscapeText(description)}\n\n"
            + $"Validation actions: {Markdown.EscapeText(actions)}. Deny fails the pipeline, Warn adds a warning, Audit only records the result.\n\n"
            + "To fix: use an image that satisfies the policy (for example signed by an allowed identity and pinned by digest), "
            + "or add a PolicyException for this resource.";

        json.WriteStartObject();
        json.String("id", RuleId(f));
        json.String("name", Text.Truncate(f.Policy, 255));
        json.WriteStartObject("shortDescription");
        json.String("text", Text.Truncate(description, 1024));
        json.WriteEndObject();
        json.WriteStartObject("fullDescription");
        json.String("text", Text.Truncate(full, 1024));
        json.WriteEndObject();
        json.WriteStartObject("help");
        json.String("text", help);
        json.String("markdown", markdown);
        json.WriteEndObject();
        json.WriteStartObject("defaultConfiguration");
        json.WriteString("level", Level(f.PrimaryAction));
        json.WriteEndObject();
        json.WriteStartObject("properties");
        json.WriteStartArray("tags");
        json.WriteStringValue("security");
        json.WriteStringValue("supply-chain");
        json.WriteStringValue("kyverno");
        if (!string.IsNullOrWhiteSpace(f.Category))
        {
            json.StringValue(Text.Truncate(Text.SingleLine(f.Category), 64));
        }
        json.WriteEndArray();
        json.WriteString("precision", "high");
        json.WriteString("security-severity", SecuritySeverity(f));
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private void WriteResult(Utf8JsonWriter json, Finding f, int ruleIndex)
    {
        json.WriteStartObject();
        json.String("ruleId", RuleId(f));
        json.WriteNumber("ruleIndex", ruleIndex);
        json.WriteString("level", Level(f.PrimaryAction));
        json.WriteStartObject("message");
        json.String("text", MessageText(f));
        json.WriteEndObject();

        var primary = f.PrimaryLocation;
        if (primary is not null)
        {
            json.WriteStartArray("locations");
            WriteLocation(json, primary, null, null);
            json.WriteEndArray();
        }
        var related = RelatedSpans(f, primary).ToList();
        if (related.Count > 0)
        {
            json.WriteStartArray("relatedLocations");
            for (var i = 0; i < related.Count; i++)
            {
                WriteLocation(json, related[i].Span, i + 1, related[i].Label);
            }
            json.WriteEndArray();
        }

        json.WriteStartObject("partialFingerprints");
        json.WriteString(FingerprintKey, Fingerprint(f));
        json.WriteEndObject();

        json.WriteStartObject("properties");
        json.WriteString("result", Text.Name(f.Result));
        json.WriteBoolean("blocking", f.IsBlockingUnder(_options.FailOn));
        json.WriteStartArray("actions");
        foreach (var action in f.Actions)
        {
            json.WriteStringValue(action.ToString());
        }
        json.WriteEndArray();
        json.WriteStartArray("images");
        foreach (var image in f.Images)
        {
            json.StringValue(image.Reference);
        }
        json.WriteEndArray();
        json.String("resource", f.Resource.DisplayName);
        json.OptionalString("autogenVariant", f.AutogenVariant);
        if (f.ValidationIndex is { } index)
        {
            json.WriteNumber("validationIndex", index);
        }
        json.OptionalString("suggestedFix", f.FixText);
        var pins = f.Images.Where(i => i.PinnedReference is not null).Select(i => i.PinnedReference!).ToList();
        if (pins.Count > 0)
        {
            json.WriteStartArray("suggestedImages");
            foreach (var pin in pins)
            {
                json.StringValue(pin);
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private string MessageText(Finding f)
    {
        var sb = new StringBuilder();
        sb.Append("Policy ").Append(f.PolicyKey).Append(' ').Append(Text.Name(f.Result))
          .Append(" for ").Append(f.Resource.DisplayName);
        if (f.AutogenVariant is not null)
        {
            sb.Append(" (").Append(f.AutogenVariant).Append(')');
        }
        if (f.FirstImage is { } image)
        {
            sb.Append(", image ").Append(image);
        }
        var message = string.IsNullOrWhiteSpace(f.Message) ? "no message" : f.Message;
        sb.Append(": ").Append(Text.Truncate(message, _options.MaxMessageLength));
        if (f.FixText is { } fix)
        {
            sb.Append(". Suggested: ").Append(fix);
        }
        return sb.ToString();
    }

    private static IEnumerable<(SourceSpan Span, string Label)> RelatedSpans(Finding f, SourceSpan? primary)
    {
        var seen = new HashSet<SourceSpan>();
        if (primary is not null)
        {
            seen.Add(primary);
        }
        foreach (var image in f.Images)
        {
            if (image.Span is { } span && seen.Add(span))
            {
                yield return (span, "image " + image.Reference);
            }
        }
        if (f.Resource.Span is { } resource && seen.Add(resource))
        {
            yield return (resource, "resource " + f.Resource.DisplayName);
        }
    }

    private void WriteLocation(Utf8JsonWriter json, SourceSpan span, int? id, string? label)
    {
        json.WriteStartObject();
        if (id is { } value)
        {
            json.WriteNumber("id", value);
        }
        json.WriteStartObject("physicalLocation");
        json.WriteStartObject("artifactLocation");
        var relative = RepoPath.Relative(span.File, _options.RepositoryRoot);
        if (Path.IsPathRooted(relative))
        {
            json.String("uri", FileUri(relative));
        }
        else
        {
            json.String("uri", EscapeRelativeUri(relative));
            json.WriteString("uriBaseId", SourceRootBaseId);
        }
        json.WriteEndObject();
        if (span.Line > 0)
        {
            json.WriteStartObject("region");
            json.WriteNumber("startLine", span.Line);
            if (span.Column > 0)
            {
                json.WriteNumber("startColumn", span.Column);
            }
            var endLine = span.EndLine >= span.Line ? span.EndLine : 0;
            if (endLine > 0)
            {
                json.WriteNumber("endLine", endLine);
            }
            var sameLine = endLine == 0 || endLine == span.Line;
            if (span.EndColumn > 0 && (endLine > 0 || span.Column > 0) && (!sameLine || span.EndColumn >= span.Column))
            {
                json.WriteNumber("endColumn", span.EndColumn);
            }
            json.WriteEndObject();
        }
        json.WriteEndObject();
        if (label is not null)
        {
            json.WriteStartObject("message");
            json.String("text", label);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    private void WriteInvocation(Utf8JsonWriter json, RunResult result, IReadOnlyList<Finding> unlocated, Dictionary<string, int> ruleIndex, int dropped)
    {
        json.WriteStartArray("invocations");
        json.WriteStartObject();
        json.WriteBoolean("executionSuccessful", !result.HasInputErrors);
        json.WriteStartArray("toolExecutionNotifications");
        foreach (var d in result.Diagnostics)
        {
            json.WriteStartObject();
            json.WriteString("level", d.Level switch
            {
                DiagnosticLevel.Error => "error",
                DiagnosticLevel.Warning => "warning",
                _ => "note",
            });
            json.WriteStartObject("message");
            json.String("text", string.IsNullOrEmpty(d.Message) ? "(no message)" : d.Message);
            json.WriteEndObject();
            if (d.Location is { } location)
            {
                json.WriteStartArray("locations");
                WriteLocation(json, location, null, null);
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        foreach (var f in unlocated)
        {
            json.WriteStartObject();
            json.WriteString("level", Level(f.PrimaryAction));
            json.WriteStartObject("message");
            json.String("text", MessageText(f));
            json.WriteEndObject();
            json.WriteStartObject("associatedRule");
            json.String("id", RuleId(f));
            json.WriteNumber("index", ruleIndex[RuleId(f)]);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        if (dropped > 0)
        {
            json.WriteStartObject();
            json.WriteString("level", "warning");
            json.WriteStartObject("message");
            json.WriteString("text", $"{dropped} less severe results were left out to stay within {_options.MaxSarifResults} results per run.");
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
    }

    private void WriteVersionControl(Utf8JsonWriter json)
    {
        if (string.IsNullOrEmpty(_options.RepositoryUri) || !Uri.IsWellFormedUriString(_options.RepositoryUri, UriKind.Absolute))
        {
            return;
        }
        json.WriteStartArray("versionControlProvenance");
        json.WriteStartObject();
        json.WriteString("repositoryUri", _options.RepositoryUri);
        json.OptionalString("revisionId", _options.Revision);
        if (SourceRootUri() is not null)
        {
            json.WriteStartObject("mappedTo");
            json.WriteString("uriBaseId", SourceRootBaseId);
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteEndArray();
    }

    private string? SourceRootUri()
    {
        if (string.IsNullOrEmpty(_options.RepositoryRoot) || !Path.IsPathRooted(_options.RepositoryRoot))
        {
            return null;
        }
        var uri = FileUri(Path.GetFullPath(_options.RepositoryRoot).Replace('\\', '/'));
        return uri.EndsWith('/') ? uri : uri + "/";
    }

    private static string EscapeRelativeUri(string relative) =>
        string.Join("/", relative.Split('/').Select(Uri.EscapeDataString));

    private static string FileUri(string absolute)
    {
        var path = absolute.Replace('\\', '/');
        if (!path.StartsWith('/'))
        {
            path = "/" + path;
        }
        return "file://" + string.Join("/", path.Split('/').Select(s => s.EndsWith(':') ? s : Uri.EscapeDataString(s)));
    }
}
