using System.Text.Json;
using ImageGate.Reporting.Formatting;

namespace ImageGate.Reporting;

/// <summary><c>-o json</c>: the machine-readable contract of DESIGN.md (fields may be added, never renamed).</summary>
public sealed class JsonReporter(ReportOptions? options = null) : IReporter
{
    /// <summary>Version of the JSON contract.</summary>
    public const string ContractVersion = "1";

    private readonly ReportOptions _options = options ?? new ReportOptions();

    /// <inheritdoc />
    public void Write(RunResult result, TextWriter writer) => JsonOutput.Write(writer, json =>
    {
        json.WriteStartObject();
        json.WriteString("version", ContractVersion);
        json.WriteStartArray("results");
        foreach (var finding in result.Findings)
        {
            json.FlushWhenFull();
            WriteFinding(json, finding);
        }
        json.WriteEndArray();

        var s = result.Summary;
        json.WriteStartObject("summary");
        json.WriteNumber("pass", s.Pass);
        json.WriteNumber("fail", s.Fail);
        json.WriteNumber("error", s.Error);
        json.WriteNumber("skip", s.Skip);
        json.WriteNumber("warn", s.Warn);
        json.WriteNumber("blocking", result.BlockingFindings(_options.FailOn).Count());
        json.WriteNumber("total", s.Total);
        json.WriteEndObject();

        json.WriteStartArray("diagnostics");
        foreach (var d in result.Diagnostics)
        {
            json.FlushWhenFull();
            json.WriteStartObject();
            json.WriteString("level", d.Level.ToString().ToLowerInvariant());
            json.String("message", d.Message);
            WriteSpanFields(json, d.Location);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteNumber("exitCode", result.ExitCode(_options.FailOn));
        json.WriteEndObject();
    });

    private void WriteFinding(Utf8JsonWriter json, Finding f)
    {
        json.WriteStartObject();
        json.String("policy", f.Policy);
        json.WriteString("kind", f.Kind.ToString());
        json.String("policyNamespace", f.PolicyNamespace);
        json.String("autogenVariant", f.AutogenVariant);
        json.String("rule", f.RuleName);
        if (f.ValidationIndex is { } index)
        {
            json.WriteNumber("validationIndex", index);
        }

        var r = f.Resource;
        json.WriteStartObject("resource");
        json.String("apiVersion", r.ApiVersion);
        json.String("kind", r.Kind);
        json.String("namespace", string.IsNullOrEmpty(r.Namespace) ? null : r.Namespace);
        json.String("name", r.Name);
        WriteSpanFields(json, r.Span);
        if (r.TemplateSpan is { } template)
        {
            json.WriteStartObject("template");
            WriteSpanFields(json, template);
            json.WriteEndObject();
        }
        json.WriteEndObject();

        json.WriteString("result", Text.Name(f.Result));
        json.String("message", f.Message);
        json.WriteStartArray("images");
        foreach (var image in f.Images)
        {
            json.StringValue(image.Reference);
        }
        json.WriteEndArray();
        json.WriteStartArray("imageLocations");
        foreach (var image in f.Images)
        {
            json.WriteStartObject();
            json.String("image", image.Reference);
            WriteSpanFields(json, image.Span);
            json.String("pinned", image.PinnedReference);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteString("action", f.PrimaryAction.ToString());
        json.WriteStartArray("actions");
        foreach (var action in f.Actions)
        {
            json.WriteStringValue(action.ToString());
        }
        json.WriteEndArray();
        json.WriteBoolean("blocking", f.IsBlockingUnder(_options.FailOn));
        json.WriteBoolean("scored", f.Scored);
        json.String("suggestedFix", f.FixText);
        json.OptionalString("category", f.Category);
        json.OptionalString("severity", f.Severity);

        json.WriteStartArray("attestorReasons");
        foreach (var reason in f.AttestorReasons)
        {
            json.WriteStartObject();
            json.String("image", reason.Image);
            json.String("attestor", reason.Attestor);
            json.String("reason", reason.Reason);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        json.WriteStartObject("properties");
        foreach (var (key, value) in f.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            json.String(Text.ValidUtf16(key), value);
        }
        json.WriteEndObject();
        json.WriteStartArray("exceptions");
        foreach (var exception in f.Exceptions)
        {
            json.StringValue(exception);
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private void WriteSpanFields(Utf8JsonWriter json, SourceSpan? span)
    {
        json.String("file", span is null ? null : RepoPath.Relative(span.File, _options.RepositoryRoot));
        if (span is null || span.Line <= 0)
        {
            json.WriteNull("line");
            return;
        }
        json.WriteNumber("line", span.Line);
        if (span.Column > 0)
        {
            json.WriteNumber("column", span.Column);
        }
        if (span.EndLine > 0)
        {
            json.WriteNumber("endLine", span.EndLine);
        }
        if (span.EndColumn > 0)
        {
            json.WriteNumber("endColumn", span.EndColumn);
        }
    }
}
