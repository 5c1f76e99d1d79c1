using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ImageGate.TestSupport.Sarif;

/// <summary>One message of the SARIF Multitool about a validated file.</summary>
/// <param name="Level">error, warning or note.</param>
/// <param name="RuleId">The validation rule, e.g. <c>GH1001</c> or <c>SARIF1002</c>.</param>
/// <param name="Message">The rule's message with its arguments filled in.</param>
public sealed record SarifIssue(string Level, string RuleId, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Level} {RuleId}: {Message}";
}

/// <summary>Thrown when a SARIF file fails validation; the message lists the tool's findings.</summary>
public sealed class SarifValidationException(string message) : Exception(message);

/// <summary>Validates SARIF files with the SARIF Multitool (<c>validate --rule-kind "Ghas;Sarif"</c>): the SARIF 2.1.0
/// schema, the SARIF rules and GitHub Advanced Security's ingestion rules.</summary>
public static class SarifValidator
{
    private const string RuleKinds = "Ghas;Sarif";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    // Content already validated in this test run (the tool takes seconds per file; identical output needs one pass).
    private static readonly ConcurrentDictionary<string, IReadOnlyList<SarifIssue>> Validated = new(StringComparer.Ordinal);

    /// <summary>Folder of the npm project that pins the tool.</summary>
    public static string FixtureFolder => RepoPaths.Combine("tests", "fixtures", "sarif");

    /// <summary>The tool's self-contained Linux executable.</summary>
    public static string ToolPath =>
        Path.Combine(FixtureFolder, "node_modules", "@microsoft", "sarif-multitool-linux", "Sarif.Multitool");

    /// <summary>Fails with the tool's messages when <paramref name="sarifPath"/> has any error-level issue.</summary>
    public static void AssertValid(string sarifPath)
    {
        var issues = Validate(sarifPath);
        var errors = issues.Where(i => i.Level == "error").ToList();
        if (errors.Count == 0)
        {
            return;
        }
        var text = new StringBuilder($"sarif-multitool validate --rule-kind \"{RuleKinds}\" found {errors.Count} error(s) in {sarifPath}:");
        foreach (var issue in errors.Take(50))
        {
            text.Append("\n  ").Append(issue);
        }
        throw new SarifValidationException(text.ToString());
    }

    /// <summary>Writes <paramref name="sarifText"/> to a scratch file and validates it like <see cref="AssertValid(string)"/>.</summary>
    public static void AssertValidText(string sarifText)
    {
        using var files = new TestFiles("sarif");
        AssertValid(files.Write("report.sarif", sarifText));
    }

    /// <summary>Every error, warning and note the tool reports for <paramref name="sarifPath"/>.</summary>
    public static IReadOnlyList<SarifIssue> Validate(string sarifPath)
    {
        if (!File.Exists(sarifPath))
        {
            throw new SarifValidationException($"SARIF file not found: {sarifPath}");
        }
        if (!File.Exists(ToolPath))
        {
            throw new InvalidOperationException($"the SARIF Multitool is not installed at {ToolPath}: run `bash tests/setup.sh`");
        }
        var hash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(sarifPath)));
        if (Validated.TryGetValue(hash, out var known))
        {
            return known;
        }
        var issues = Run(sarifPath);
        Validated[hash] = issues;
        return issues;
    }

    private static List<SarifIssue> Run(string sarifPath)
    {
        using var scratch = new TestFiles("sarif-validate");
        var output = Path.Combine(scratch.Root, "validation.sarif");
        var start = new ProcessStartInfo(ToolPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = scratch.Root,
        };
        // Option order matters: list-valued options swallow the arguments that follow them.
        foreach (var argument in new[]
        {
            "validate", "--rule-kind", RuleKinds, "--level", "Error;Warning;Note",
            "--config", Path.Combine(FixtureFolder, "validation.xml"), "--output", output, Path.GetFullPath(sarifPath),
        })
        {
            start.ArgumentList.Add(argument);
        }
        // A self-contained .NET executable: invariant globalization spares it a dependency on ICU.
        start.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the SARIF Multitool");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the SARIF Multitool did not finish validating {sarifPath} within {Timeout.TotalSeconds} s");
        }
        var console = stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult();
        if (process.ExitCode != 0 || !File.Exists(output))
        {
            throw new SarifValidationException($"the SARIF Multitool failed on {sarifPath} (exit {process.ExitCode}):\n{console}");
        }
        return ReadIssues(File.ReadAllText(output));
    }

    private static List<SarifIssue> ReadIssues(string validationLog)
    {
        var issues = new List<SarifIssue>();
        using var document = JsonDocument.Parse(validationLog);
        foreach (var run in document.RootElement.GetProperty("runs").EnumerateArray())
        {
            var rules = run.GetProperty("tool").GetProperty("driver").TryGetProperty("rules", out var r)
                ? r.EnumerateArray().ToList()
                : [];
            foreach (var result in run.TryGetProperty("results", out var results) ? results.EnumerateArray() : default)
            {
                var ruleId = String(result, "ruleId") ?? "?";
                var rule = rules.FirstOrDefault(x => String(x, "id") == ruleId);
                var level = String(result, "level")
                    ?? (rule.ValueKind == JsonValueKind.Object && rule.TryGetProperty("defaultConfiguration", out var config) ? String(config, "level") : null)
                    ?? "warning";
                issues.Add(new SarifIssue(level, ruleId, MessageText(result.GetProperty("message"), rule)));
            }
            // The tool's own failures (unreadable file, crashed rule) come as notifications.
            foreach (var invocation in run.TryGetProperty("invocations", out var invocations) ? invocations.EnumerateArray() : default)
            {
                foreach (var kind in new[] { "toolExecutionNotifications", "toolConfigurationNotifications" })
                {
                    foreach (var n in invocation.TryGetProperty(kind, out var list) ? list.EnumerateArray() : default)
                    {
                        var id = n.TryGetProperty("descriptor", out var d) ? String(d, "id") ?? kind : kind;
                        var text = n.TryGetProperty("message", out var m) ? String(m, "text") ?? "" : "";
                        // Disabling the network rule in validation.xml is reported as a warning; that is intended.
                        issues.Add(new SarifIssue(String(n, "level") ?? "warning", id, text));
                    }
                }
            }
        }
        return issues;
    }

    private static string MessageText(JsonElement message, JsonElement rule)
    {
        if (String(message, "text") is { } text)
        {
            return text;
        }
        var arguments = message.TryGetProperty("arguments", out var a) ? a.EnumerateArray().Select(x => x.GetString() ?? "").ToArray() : [];
        var template = rule.ValueKind == JsonValueKind.Object
            && rule.TryGetProperty("messageStrings", out var strings)
            && String(message, "id") is { } id
            && strings.TryGetProperty(id, out var s)
                ? String(s, "text")
                : null;
        if (template is null)
        {
            return string.Join(" | ", arguments);
        }
        for (var i = 0; i < arguments.Length; i++)
        {
            template = template.Replace("{" + i + "}", arguments[i], StringComparison.Ordinal);
        }
        return template;
    }

    private static string? String(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
