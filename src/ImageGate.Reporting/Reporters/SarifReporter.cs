using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ImageGate.Reporting.Formatting;

namespace ImageGate.Reporting;

/// <summary>SARIF 2.1.0 for GitHub code scanning and Azure DevOps: one rule per policy check (each validation, verifyDigest,
/// required, evaluation errors), one result per violating finding, within GitHub's upload limits.</summary>
public sealed class SarifReporter(ReportOptions? options = null) : IReporter
{
    /// <summary>The SARIF schema URI written into <c>$schema</c>.</summary>
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    /// <summary>Base id that marks repository-relative URIs.</summary>
    public const string SourceRootBaseId = "%SRCROOT%";

    /// <summary>Key of the stable fingerprint in <c>partialFingerprints</c>.</summary>
    public const string FingerprintKey = "imagegate/v1";

    /// <summary>GitHub rejects runs with more rules than this.</summary>
    public const int MaxRules = 25_000;

    /// <summary>Related locations written per result (GitHub keeps at most 100 locations per result).</summary>
    public const int MaxRelatedLocations = 10;

    private readonly ReportOptions _options = options ?? new ReportOptions();

    /// <summary>The policy part of rule ids: <c>IVPOL/name</c> or <c>NIVPOL/namespace/name</c>.</summary>
    public static string PolicyRuleId(Finding finding) =>
        finding.Kind == PolicyKind.NamespacedImageValidatingPolicy ? "NIVPOL/" + finding.PolicyKey : "IVPOL/" + finding.Policy;

    /// <summary>The SARIF rule id of a finding's check, e.g. <c>IVPOL/check-signature/validation-0</c>,
    /// <c>IVPOL/check-signature/verify-digest</c>, <c>NIVPOL/team/check/required</c>.</summary>
    public static string RuleId(Finding finding) => PolicyRuleId(finding) + "/" + CheckSlug(finding);

    /// <summary>Stable fingerprint: rule, image repositories (no tag or digest), resource identity and variant; independent
    /// of line numbers and file paths, so an alert survives edits that move it.</summary>
    public static string Fingerprint(Finding finding)
    {
        var images = string.Join(",", finding.Images.Select(i => Text.ImageRepository(i.Reference)).Distinct().Order(StringComparer.Ordinal));
        var r = finding.Resource;
        var key = string.Join("\n", RuleId(finding), images, r.ApiVersion.Split('/')[0], r.Kind, r.Namespace ?? "", r.Name, finding.AutogenVariant ?? "");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Text.ValidUtf16(key))));
    }

    /// <summary>GitHub's <c>security-severity</c> for a finding: from the <c>policies.kyverno.io/severity</c> annotation,
    /// else from the validation action.</summary>
    public static string SecuritySeverity(Finding finding) => finding.Severity?.Trim().ToLowerInvariant() switch
    {
        "critical" => "9.5",
        "high" => "8.0",
        "medium" => "5.5",
        "low" => "3.0",
        "info" or "informational" => "1.0",
        _ => finding.PrimaryAction switch
        {
            ValidationAction.Deny => "8.0",
            ValidationAction.Warn => "5.5",
            _ => "3.0",
        },
    };

    /// <summary>The SARIF level of a violation: error under Deny, warning under Warn, note under Audit (decision 5).</summary>
    public static string Level(Finding finding) => Importance.Level(finding) switch
    {
        AnnotationLevel.Error => "error",
        AnnotationLevel.Warning => "warning",
        _ => "note",
    };

    /// <inheritdoc />
    public void Write(RunResult result, TextWriter writer)
    {
        var violations = result.Findings.Where(f => f.IsViolation).ToList();
        var (located, unlocated, dropped) = SelectResults(violations);
        var rules = new List<Finding>();
        var ruleIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var f in located.Concat(unlocated))
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
                json.FlushWhenFull();
                WriteRule(json, rule);
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();

            WriteInvocation(json, result, unlocated, ruleIndex, dropped);
            json.WriteStartObject("automationDetails");
            json.String("id", AutomationId(_options.SarifCategory));
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
            foreach (var f in located)
            {
                json.FlushWhenFull();
                WriteResult(json, f, ruleIndex[RuleId(f)]);
            }
            json.WriteEndArray();

            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    // "category/": GitHub takes the text up to the last slash as the category; a blank one falls back to "imagegate".
    private static string AutomationId(string? category)
    {
        var trimmed = Text.SingleLine(category ?? "").Trim().Trim('/');
        return (trimmed.Length == 0 ? "imagegate" : trimmed) + "/";
    }

    // Violations with a location become results, the rest notifications. Over the caps the most severe are kept, in input order.
    private (List<Finding> Located, List<Finding> Unlocated, int Dropped) SelectResults(List<Finding> violations)
    {
        var cap = Math.Max(0, _options.MaxSarifResults);
        var ranked = violations.Select((f, i) => (f, i))
            .OrderBy(x => Importance.Rank(x.f)).ThenBy(x => x.i)
            .ToList();
        var located = new List<(Finding, int)>();
        var unlocated = new List<(Finding, int)>();
        var rules = new HashSet<string>(StringComparer.Ordinal);
        var dropped = 0;
        foreach (var (f, i) in ranked)
        {
            var target = f.PrimaryLocation is null ? unlocated : located;
            var newRule = !rules.Contains(RuleId(f));
            if (target.Count >= cap || (newRule && rules.Count >= MaxRules))
            {
                dropped++;
                continue;
            }
            rules.Add(RuleId(f));
            target.Add((f, i));
        }
        static List<Finding> InInputOrder(List<(Finding F, int I)> list) => list.OrderBy(x => x.I).Select(x => x.F).ToList();
        return (InInputOrder(located), InInputOrder(unlocated), dropped);
    }

    private static string CheckSlug(Finding f) => f.Check switch
    {
        PolicyCheck.Validation when f.ValidationIndex is { } i => "validation-" + Text.Num(i),
        PolicyCheck.VerifyDigest => "verify-digest",
        PolicyCheck.Required => "required",
        PolicyCheck.Evaluation => "evaluation",
        PolicyCheck.Exception => "exception",
        _ => "policy",
    };

    // What the check verifies, in words, and how to fix a failure of it.
    private static (string Checks, string Fix) CheckText(Finding f) => f.Check switch
    {
        PolicyCheck.Validation when f.ValidationIndex is { } i =>
            ($"validation {i} (spec.validations[{i}]) must hold for every matched image",
             "use an image that satisfies this validation (for example signed by an allowed identity, with the required attestations), "
             + "or change the validation in the policy if it is wrong"),
        PolicyCheck.VerifyDigest =>
            ("every matched image must be referenced by digest (validationConfigurations.verifyDigest)",
             "reference the image as repository@sha256:digest, the digest that was verified (imagegate --pin-digests rewrites the manifests)"),
        PolicyCheck.Required =>
            ("every matched image must have been verified by a signature or attestation check (validationConfigurations.required)",
             "sign the image with an identity an attestor trusts, or add a validation that verifies it"),
        PolicyCheck.Evaluation =>
            ("the policy must compile and evaluate without errors for the resources it matches",
             "fix the policy expression, attestor or registry access named in the message; an evaluation error blocks like a failure under Deny"),
        _ =>
            ("images used by the matched resources must pass the policy's signature, attestation and digest checks",
             "use an image that satisfies the policy, or add a PolicyException for this resource"),
    };

    private static void WriteRule(Utf8JsonWriter json, Finding f)
    {
        var kind = f.Kind.ToString();
        var (checks, fix) = CheckText(f);
        // Annotations come from the policy file: bounded so one long description cannot bloat every rule.
        var title = string.IsNullOrWhiteSpace(f.PolicyDescription) ? null : Text.Truncate(Text.SingleLine(f.PolicyDescription!).Trim(), 1000);
        var category = string.IsNullOrWhiteSpace(f.Category) ? null : Text.Truncate(Text.SingleLine(f.Category!).Trim(), 200);
        var shortText = title is null ? $"{f.PolicyKey}: {checks}." : $"{title.TrimEnd('.')} ({CheckLabel(f)}).";
        var full = $"{kind} {f.PolicyKey}: {checks}."
            + (title is null ? "" : " " + EndSentence(title))
            + (category is null ? "" : $" Category: {category}.");
        var actions = string.Join(", ", f.Actions);
        var help = $"{full}\nValidation actions: {actions} (Deny fails the pipeline, Warn adds a warning, Audit only records the result).\n"
            + $"To fix: {fix}. To exempt one resource, add a PolicyException for this policy.";
        var markdown = new StringBuilder()
            .Append("## ").Append(Markdown.EscapeText(kind)).Append(' ').Append(Markdown.Code(f.PolicyKey)).Append("\n\n")
            .Append(title is null ? "" : Markdown.EscapeText(EndSentence(title)) + "\n\n")
            .Append("**Checks:** ").Append(Markdown.EscapeText(checks)).Append(".\n\n")
            .Append(category is null ? "" : "**Category:** " + Markdown.EscapeText(category) + "\n\n")
            .Append("**Validation actions:** ").Append(Markdown.EscapeText(actions))
            .Append(". `Deny` fails the pipeline, `Warn` adds a warning, `Audit` only records the result.\n\n")
            .Append("### How to fix\n\n")
            .Append(Markdown.EscapeText(char.ToUpperInvariant(fix[0]) + fix[1..])).Append(".\n\n")
            .Append("To exempt one resource, add a `PolicyException` that names this policy.")
            .ToString();

        json.WriteStartObject();
        json.String("id", RuleId(f));
        json.String("name", Text.Truncate(PascalCase(f.PolicyKey + "-" + CheckSlug(f)), 255));
        json.WriteStartObject("shortDescription");
        json.String("text", Text.Truncate(shortText, 1024));
        json.WriteEndObject();
        json.WriteStartObject("fullDescription");
        json.String("text", Text.Truncate(full, 1024));
        json.WriteEndObject();
        json.WriteStartObject("help");
        json.String("text", help);
        json.String("markdown", markdown);
        json.WriteEndObject();
        json.WriteStartObject("defaultConfiguration");
        json.WriteString("level", Level(f));
        json.WriteEndObject();
        json.WriteStartObject("properties");
        json.WriteStartArray("tags");
        json.WriteStringValue("security");
        json.WriteStringValue("supply-chain");
        json.WriteStringValue("kyverno");
        json.WriteStringValue(CheckSlug(f).StartsWith("validation-", StringComparison.Ordinal) ? "validation" : CheckSlug(f));
        if (!string.IsNullOrWhiteSpace(f.Category))
        {
            json.StringValue(Text.Truncate(Text.SingleLine(f.Category).Trim(), 64));
        }
        json.WriteEndArray();
        json.WriteString("precision", f.Check is PolicyCheck.VerifyDigest or PolicyCheck.Required ? "very-high" : "high");
        json.WriteString("problem.severity", f.PrimaryAction switch
        {
            ValidationAction.Deny => "error",
            ValidationAction.Warn => "warning",
            _ => "recommendation",
        });
        json.WriteString("security-severity", SecuritySeverity(f));
        json.WriteString("policy", Text.ValidUtf16(f.PolicyKey));
        json.WriteString("policyKind", kind);
        if (f.ValidationIndex is { } index && f.Check == PolicyCheck.Validation)
        {
            json.WriteNumber("validationIndex", index);
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static string CheckLabel(Finding f) => f.Check switch
    {
        PolicyCheck.Validation when f.ValidationIndex is { } i => "validation " + Text.Num(i),
        PolicyCheck.VerifyDigest => "verifyDigest",
        PolicyCheck.Required => "required",
        PolicyCheck.Evaluation => "evaluation error",
        PolicyCheck.Exception => "exception",
        _ => "policy",
    };

    // SARIF's convention for rule names: one Pascal-case identifier ("check-signature/validation-0" → "CheckSignatureValidation0").
    private static string PascalCase(string text)
    {
        var sb = new StringBuilder(text.Length);
        var upper = true;
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                upper = true;
                continue;
            }
            sb.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }
        return sb.Length == 0 ? "Policy" : sb.ToString();
    }

    private static string EndSentence(string text) => text.EndsWith('.') || text.EndsWith('!') || text.EndsWith('?') ? text : text + ".";

    private void WriteResult(Utf8JsonWriter json, Finding f, int ruleIndex)
    {
        json.WriteStartObject();
        json.String("ruleId", RuleId(f));
        json.WriteNumber("ruleIndex", ruleIndex);
        json.WriteString("level", Level(f));
        json.WriteStartObject("message");
        json.String("text", MessageText(f));
        json.WriteEndObject();

        var primary = ResultLocation(f)!;
        json.WriteStartArray("locations");
        WriteLocation(json, primary, null, null);
        json.WriteEndArray();
        var related = RelatedSpans(f, primary).Take(MaxRelatedLocations).ToList();
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
        foreach (var image in f.Images.Take(100))
        {
            json.StringValue(image.Reference);
        }
        json.WriteEndArray();
        json.String("resource", f.Resource.DisplayName);
        json.String("resourceApiVersion", f.Resource.ApiVersion);
        json.OptionalString("autogenVariant", f.AutogenVariant);
        if (f.ValidationIndex is { } index)
        {
            json.WriteNumber("validationIndex", index);
        }
        json.OptionalString("suggestedFix", f.FixText);
        var pins = f.Images.Where(i => i.PinnedReference is not null).Select(i => i.PinnedReference!).Take(100).ToList();
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

    // The finding's primary location, unless that file lies outside the repository and another of its locations
    // (template, image, resource, policy) is inside: code scanning can only show files of the repository.
    private SourceSpan? ResultLocation(Finding f)
    {
        var primary = f.PrimaryLocation;
        if (primary is null || InRepository(primary))
        {
            return primary;
        }
        return new[] { f.Resource.TemplateSpan }.Concat(f.Images.Select(i => i.Span)).Append(f.Resource.Span).Append(f.PolicySpan)
            .FirstOrDefault(s => s is not null && InRepository(s)) ?? primary;
    }

    private bool InRepository(SourceSpan span) => !Path.IsPathRooted(RepoPath.Relative(span.File, _options.RepositoryRoot));

    // The first sentence names policy, check, resource and image: GitHub shows only that when space is short.
    private string MessageText(Finding f)
    {
        var sb = new StringBuilder();
        sb.Append("Policy ").Append(f.PolicyKey);
        if (f.Check == PolicyCheck.Validation && f.ValidationIndex is { } index)
        {
            sb.Append(" validation ").Append(Text.Num(index));
        }
        else if (f.Check is PolicyCheck.VerifyDigest or PolicyCheck.Required)
        {
            sb.Append(' ').Append(f.Check == PolicyCheck.VerifyDigest ? "verifyDigest" : "required");
        }
        sb.Append(f.Result switch
        {
            Outcome.Error => " could not be evaluated for ",
            Outcome.Warn => " warns on ",
            _ => " failed for ",
        });
        sb.Append(f.Resource.DisplayName);
        if (f.AutogenVariant is not null)
        {
            sb.Append(" (").Append(f.AutogenVariant).Append(')');
        }
        if (f.FirstImage is { } image)
        {
            sb.Append(", image ").Append(image);
            if (f.Images.Count > 1)
            {
                sb.Append(" and ").Append(Text.Num(f.Images.Count - 1)).Append(" more");
            }
        }
        var message = string.IsNullOrWhiteSpace(f.Message) ? "no message" : f.Message.Trim();
        sb.Append(": ").Append(EndSentence(Text.Truncate(message, _options.MaxMessageLength)));
        if (f.FixText is { } fix)
        {
            sb.Append(" Suggested: ").Append(EndSentence(Text.Truncate(Text.SingleLine(fix), _options.MaxMessageLength)));
        }
        var location = ResultLocation(f);
        if (f.PrimaryLocationIsApproximate && ReferenceEquals(location, f.PrimaryLocation))
        {
            sb.Append(" (The line is the start of the chart template's document.)");
        }
        else if (location is not null && f.PrimaryLocation is { } primary && !ReferenceEquals(location, primary))
        {
            sb.Append(" (").Append(RepoPath.Relative(primary.File, _options.RepositoryRoot))
              .Append(" is outside the repository; the alert is placed on ")
              .Append(ReferenceEquals(location, f.PolicySpan) ? "the policy" : RepoPath.Relative(location.File, _options.RepositoryRoot)).Append(".)");
        }
        return sb.ToString();
    }

    private static IEnumerable<(SourceSpan Span, string Label)> RelatedSpans(Finding f, SourceSpan primary)
    {
        var seen = new HashSet<SourceSpan> { primary };
        if (f.Resource.TemplateSpan is { } template && seen.Add(template))
        {
            yield return (template, "chart template of " + f.Resource.DisplayName);
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
            yield return (resource, (f.Resource.TemplateSpan is null ? "resource " : "rendered resource ") + f.Resource.DisplayName);
        }
        if (f.PolicySpan is { } policy && seen.Add(policy))
        {
            var what = f.Check == PolicyCheck.Validation && f.ValidationIndex is { } i ? $"validation {i} of policy " : "policy ";
            yield return (policy, what + f.PolicyKey);
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
        WriteRegion(json, span);
        json.WriteEndObject();
        if (label is not null)
        {
            json.WriteStartObject("message");
            json.String("text", label);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    // A line/column region. Inconsistent spans (end before start) keep only their start.
    private static void WriteRegion(Utf8JsonWriter json, SourceSpan span)
    {
        if (span.Line <= 0)
        {
            return;
        }
        json.WriteStartObject("region");
        json.WriteNumber("startLine", span.Line);
        if (span.Column > 0)
        {
            json.WriteNumber("startColumn", span.Column);
        }
        var endLine = span.EndLine >= span.Line ? span.EndLine : span.Line;
        var consistent = span.EndLine == 0 || span.EndLine >= span.Line;
        json.WriteNumber("endLine", endLine);
        if (consistent && span.EndColumn > 0 && (endLine > span.Line || span.EndColumn >= Math.Max(1, span.Column)))
        {
            json.WriteNumber("endColumn", span.EndColumn);
        }
        json.WriteEndObject();
    }

    private void WriteInvocation(Utf8JsonWriter json, RunResult result, IReadOnlyList<Finding> unlocated, Dictionary<string, int> ruleIndex, int dropped)
    {
        json.WriteStartArray("invocations");
        json.WriteStartObject();
        json.WriteBoolean("executionSuccessful", !result.HasInputErrors);
        json.WriteStartArray("toolExecutionNotifications");
        if (dropped > 0)
        {
            json.WriteStartObject();
            json.WriteString("level", "warning");
            json.WriteStartObject("message");
            json.WriteString("text", $"{dropped} less severe finding(s) were left out of this SARIF file to stay within "
                + $"{Math.Max(0, _options.MaxSarifResults)} results and {MaxRules} rules per run; the JSON report and the job summary list every finding.");
            json.WriteEndObject();
            json.WriteEndObject();
        }
        foreach (var d in result.Diagnostics.Take(Math.Max(0, _options.MaxSarifResults)))
        {
            json.FlushWhenFull();
            json.WriteStartObject();
            json.WriteString("level", d.Level switch
            {
                DiagnosticLevel.Error => "error",
                DiagnosticLevel.Warning => "warning",
                _ => "note",
            });
            json.WriteStartObject("message");
            json.String("text", string.IsNullOrWhiteSpace(d.Message) ? "(no message)" : Text.Truncate(d.Message, _options.MaxMessageLength));
            json.WriteEndObject();
            if (d.Location is { } location)
            {
                json.WriteStartArray("locations");
                WriteLocation(json, location, null, null);
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        // GitHub shows no result without a location; such findings are kept here, tied to their rule.
        foreach (var f in unlocated)
        {
            json.FlushWhenFull();
            json.WriteStartObject();
            json.WriteString("level", Level(f));
            json.WriteStartObject("message");
            json.String("text", MessageText(f));
            json.WriteEndObject();
            json.WriteStartObject("associatedRule");
            json.String("id", RuleId(f));
            json.WriteNumber("index", ruleIndex[RuleId(f)]);
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
