using System.Text.Json;

namespace ImageGate.Reporting.Tests;

/// <summary>Checks a SARIF log against the required properties and value constraints of the SARIF 2.1.0 schema for
/// the objects ImageGate writes, plus the properties GitHub code scanning requires.</summary>
internal static class SarifValidator
{
    private static readonly string[] Levels = ["none", "note", "warning", "error"];

    public static List<string> Validate(JsonElement log)
    {
        var errors = new List<string>();
        void Check(bool ok, string what)
        {
            if (!ok)
            {
                errors.Add(what);
            }
        }

        Check(Str(log, "version") == "2.1.0", "sarifLog.version must be 2.1.0");
        Check(!string.IsNullOrEmpty(Str(log, "$schema")), "sarifLog.$schema is required by GitHub");
        Check(log.TryGetProperty("runs", out var runs) && runs.ValueKind == JsonValueKind.Array && runs.GetArrayLength() > 0, "sarifLog.runs required");
        if (errors.Count > 0)
        {
            return errors;
        }
        foreach (var run in runs.EnumerateArray())
        {
            Check(run.TryGetProperty("tool", out var tool) && tool.TryGetProperty("driver", out _), "run.tool.driver required");
            var driver = run.GetProperty("tool").GetProperty("driver");
            Check(!string.IsNullOrEmpty(Str(driver, "name")), "driver.name required");
            var rules = driver.TryGetProperty("rules", out var r) ? r.EnumerateArray().ToList() : [];
            var ids = new HashSet<string>();
            foreach (var rule in rules)
            {
                var id = Str(rule, "id");
                Check(!string.IsNullOrEmpty(id), "rule.id required");
                Check(ids.Add(id ?? ""), $"rule id {id} duplicated");
                Check((Str(rule, "name") ?? "").Length <= 255, "rule.name at most 255 characters");
                foreach (var text in new[] { "shortDescription", "fullDescription", "help" })
                {
                    Check(rule.TryGetProperty(text, out var m) && !string.IsNullOrEmpty(Str(m, "text")), $"rule.{text}.text required");
                    if (text != "help" && rule.TryGetProperty(text, out var d))
                    {
                        Check((Str(d, "text") ?? "").Length <= 1024, $"rule.{text}.text at most 1024 characters");
                    }
                }
                if (rule.TryGetProperty("defaultConfiguration", out var config))
                {
                    Check(Levels.Contains(Str(config, "level")), "defaultConfiguration.level enum");
                }
                if (rule.TryGetProperty("properties", out var props) && props.TryGetProperty("security-severity", out var sev))
                {
                    Check(double.TryParse(sev.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var v) && v is >= 0.1 and <= 10.0,
                        "security-severity must be a number string 0.1..10.0");
                }
            }
            if (run.TryGetProperty("columnKind", out var columnKind))
            {
                Check(columnKind.GetString() is "utf16CodeUnits" or "unicodeCodePoints", "run.columnKind enum");
            }
            if (run.TryGetProperty("originalUriBaseIds", out var bases))
            {
                foreach (var b in bases.EnumerateObject())
                {
                    var uri = Str(b.Value, "uri") ?? "";
                    Check(Uri.IsWellFormedUriString(uri, UriKind.Absolute) && uri.EndsWith('/'), "originalUriBaseIds uri must be absolute and end with /");
                }
            }
            if (run.TryGetProperty("invocations", out var invocations))
            {
                foreach (var invocation in invocations.EnumerateArray())
                {
                    Check(invocation.TryGetProperty("executionSuccessful", out var ok) && ok.ValueKind is JsonValueKind.True or JsonValueKind.False,
                        "invocation.executionSuccessful required");
                    foreach (var n in invocation.TryGetProperty("toolExecutionNotifications", out var ns) ? ns.EnumerateArray() : default)
                    {
                        Check(n.TryGetProperty("message", out var m) && !string.IsNullOrEmpty(Str(m, "text")), "notification.message.text required");
                        Check(!n.TryGetProperty("level", out _) || Levels.Contains(Str(n, "level")), "notification.level enum");
                        CheckLocations(n, Check);
                        if (n.TryGetProperty("associatedRule", out var associated))
                        {
                            var i = associated.GetProperty("index").GetInt32();
                            Check(i >= 0 && i < rules.Count && Str(rules[i], "id") == Str(associated, "id"), "associatedRule must point at a rule");
                        }
                    }
                }
            }
            foreach (var result in run.TryGetProperty("results", out var results) ? results.EnumerateArray() : default)
            {
                Check(result.TryGetProperty("message", out var message) && !string.IsNullOrEmpty(Str(message, "text")), "result.message.text required");
                Check(!result.TryGetProperty("level", out _) || Levels.Contains(Str(result, "level")), "result.level enum");
                if (result.TryGetProperty("ruleIndex", out var index))
                {
                    var i = index.GetInt32();
                    Check(i >= 0 && i < rules.Count && Str(rules[i], "id") == Str(result, "ruleId"), "result.ruleIndex must point at rule ruleId");
                }
                Check(result.TryGetProperty("partialFingerprints", out var fp) && fp.EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.String),
                    "partialFingerprints must map to strings");
                Check(result.TryGetProperty("locations", out var located) && located.GetArrayLength() > 0,
                    "result.locations required by GitHub Advanced Security");
                CheckLocations(result, Check);
                if (result.TryGetProperty("relatedLocations", out _))
                {
                    foreach (var related in result.GetProperty("relatedLocations").EnumerateArray())
                    {
                        CheckLocation(related, Check);
                    }
                }
            }
        }
        return errors;
    }

    private static void CheckLocations(JsonElement owner, Action<bool, string> check)
    {
        if (!owner.TryGetProperty("locations", out var locations))
        {
            return;
        }
        foreach (var location in locations.EnumerateArray())
        {
            CheckLocation(location, check);
        }
    }

    private static void CheckLocation(JsonElement location, Action<bool, string> check)
    {
        if (location.TryGetProperty("id", out var id))
        {
            check(id.GetInt32() >= -1, "location.id >= -1");
        }
        if (!location.TryGetProperty("physicalLocation", out var physical))
        {
            return;
        }
        check(physical.TryGetProperty("artifactLocation", out var artifact), "physicalLocation.artifactLocation");
        var uri = Str(artifact, "uri") ?? "";
        check(uri.Length > 0 && Uri.TryCreate(uri, UriKind.RelativeOrAbsolute, out _) && !uri.Contains('\\') && !uri.Contains(' '),
            $"artifactLocation.uri must be a URI reference: {uri}");
        if (!physical.TryGetProperty("region", out var region))
        {
            return;
        }
        check(region.TryGetProperty("startLine", out var startLine) && startLine.GetInt32() >= 1, "region.startLine >= 1");
        foreach (var key in new[] { "startColumn", "endLine", "endColumn" })
        {
            if (region.TryGetProperty(key, out var value))
            {
                check(value.GetInt32() >= 1, $"region.{key} >= 1");
            }
        }
        if (region.TryGetProperty("endLine", out var endLine))
        {
            check(endLine.GetInt32() >= startLine.GetInt32(), "region.endLine >= startLine");
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
