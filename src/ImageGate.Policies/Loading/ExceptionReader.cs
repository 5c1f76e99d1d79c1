using System.Globalization;
using ImageGate.Policies.Model;
using ImageGate.Policies.Validation;

namespace ImageGate.Policies.Loading;

/// <summary>Reads a CEL <c>PolicyException</c>.</summary>
internal static class ExceptionReader
{
    private static readonly Dictionary<string, ExceptionReportResult> ReportResults = new()
    {
        ["skip"] = ExceptionReportResult.Skip,
        ["pass"] = ExceptionReportResult.Pass,
    };

    public static PolicyException? Read(MappingReader root, string apiVersion)
    {
        var metadata = MetadataReader.Read(root, defaultNamespace: null);
        root.Require("spec");
        var spec = ReadSpec(root.Object("spec"));
        var fields = root.Finish();
        if (metadata is null || spec is null)
        {
            return null;
        }
        return new PolicyException(apiVersion, metadata, spec) { Path = root.Path, Span = root.Span, Fields = fields };
    }

    private static PolicyExceptionSpec? ReadSpec(MappingReader? s)
    {
        if (s is null)
        {
            return null;
        }
        var ctx = s.Context;
        s.Require("policyRefs");
        var refs = new List<PolicyReference>();
        foreach (var (node, path) in s.List("policyRefs"))
        {
            if (s.AsObject(node, path) is not { } r)
            {
                continue;
            }
            var reference = new PolicyReference(r.RequiredString("name"), r.RequiredString("kind")) { Path = r.Path, Span = r.Span };
            reference = reference with { Fields = r.Finish() };
            refs.Add(reference);
            if (reference.Kind is not ("ImageValidatingPolicy" or "NamespacedImageValidatingPolicy" or ""))
            {
                ctx.Notice(DiagnosticCodes.Ignored, reference.LocationOf("kind").Path, reference.LocationOf("kind").Span,
                    $"refers to a {reference.Kind}; only image validating policies are evaluated here");
            }
        }
        DateTimeOffset? expiresAt = null;
        if (s.String("expiresAt", rewrite: false) is { } text)
        {
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                && text.Contains('T', StringComparison.OrdinalIgnoreCase))
            {
                expiresAt = at;
            }
            else
            {
                var location = s.Fields["expiresAt"];
                ctx.Error(DiagnosticCodes.Type, location.Path, location.Span,
                    $"invalid date-time \"{text}\": expected RFC 3339, e.g. 2026-12-31T23:59:59Z");
            }
        }
        var spec = new PolicyExceptionSpec
        {
            Path = s.Path,
            Span = s.Span,
            PolicyRefs = refs.AsReadOnly(),
            MatchConditions = SpecReader.ReadNamedExpressions(s, "matchConditions"),
            ExpiresAt = expiresAt,
            ReportResult = s.Enum("reportResult", ReportResults) ?? ExceptionReportResult.Skip,
            Images = s.StringList("images"),
            AllowedValues = s.StringList("allowedValues"),
            Properties = s.StringMap("properties"),
            EvaluationMode = s.String("evaluationMode", rewrite: false),
        };
        spec = spec with { Fields = s.Finish() };
        foreach (var field in new[] { "images", "allowedValues" })
        {
            if (spec.Fields.TryGetValue(field, out var location))
            {
                ctx.Warning(DiagnosticCodes.Ignored, location.Path, location.Span,
                    $"{field} has no effect on image validating policies");
            }
        }
        return spec;
    }
}
