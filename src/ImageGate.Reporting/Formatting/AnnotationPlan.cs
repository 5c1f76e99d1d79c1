using System.Text;

namespace ImageGate.Reporting.Formatting;

/// <summary>Level of a CI annotation.</summary>
public enum AnnotationLevel
{
    /// <summary>Deny findings and input errors.</summary>
    Error,
    /// <summary>Warn findings and run warnings.</summary>
    Warning,
    /// <summary>Run notices.</summary>
    Notice,
}

/// <summary>One annotation, independent of the platform's syntax; <paramref name="Code"/> is the SARIF rule id for findings.</summary>
public sealed record Annotation(AnnotationLevel Level, SourceSpan? Location, string Title, string Message, string? Code)
{
    /// <summary>The finding this annotation reports, or null for a run diagnostic.</summary>
    public Finding? Finding { get; init; }
}

/// <summary>The annotations a step shows and the ones left out (which the summary lists).</summary>
public sealed record AnnotationSelection(IReadOnlyList<Annotation> Shown, IReadOnlyList<Annotation> Omitted);

/// <summary>Chooses the annotations of a run (decision 5: Deny → error, Warn → warning, Audit → none), most important
/// first: input errors, then findings by level and the policy's severity, then input order; at most <c>limit</c> per
/// level, with one notice slot kept free to count what was left out. Shared by the log-command reporters and check runs.</summary>
public static class AnnotationPlan
{
    /// <summary>The annotations to show and how many were left out (one notice slot is kept free to say so).</summary>
    public static (IReadOnlyList<Annotation> Shown, int Omitted) Build(RunResult result, ReportOptions options, int limit)
    {
        var selection = Select(result, options, limit);
        return (selection.Shown, selection.Omitted.Count);
    }

    /// <summary>The annotations to show, errors then warnings then notices, each most important first, and those left out.</summary>
    public static AnnotationSelection Select(RunResult result, ReportOptions options, int limit)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(options);
        var candidates = new List<Annotation>();
        foreach (var d in result.Diagnostics)
        {
            var level = d.Level switch
            {
                DiagnosticLevel.Error => AnnotationLevel.Error,
                DiagnosticLevel.Warning => AnnotationLevel.Warning,
                _ => AnnotationLevel.Notice,
            };
            candidates.Add(new Annotation(level, d.Location, "ImageGate", Text.Truncate(d.Message, options.MaxMessageLength), null));
        }
        // Diagnostics stay ahead of findings of the same level (input errors explain exit code 2).
        foreach (var f in Importance.Order(result.Findings.Where(f => f.IsViolation)))
        {
            var level = Importance.Level(f);
            if (level != AnnotationLevel.Notice)
            {
                candidates.Add(new Annotation(level, f.PrimaryLocation, Title(f), Message(f, options), SarifReporter.RuleId(f)) { Finding = f });
            }
        }

        var room = Math.Max(1, limit);
        var shown = new List<Annotation>();
        var omitted = new List<Annotation>();
        foreach (var level in new[] { AnnotationLevel.Error, AnnotationLevel.Warning, AnnotationLevel.Notice })
        {
            var ofLevel = candidates.Where(c => c.Level == level).ToList();
            shown.AddRange(ofLevel.Take(room));
            omitted.AddRange(ofLevel.Skip(room));
        }
        // The closing notice that counts what was left out needs a notice slot of its own.
        if (omitted.Count > 0 && shown.Count(a => a.Level == AnnotationLevel.Notice) == room)
        {
            var last = shown.FindLastIndex(a => a.Level == AnnotationLevel.Notice);
            omitted.Add(shown[last]);
            shown.RemoveAt(last);
        }
        return new AnnotationSelection(shown, omitted);
    }

    /// <summary>The annotation title: tool, policy and outcome (<c>ImageGate: check-signature (fail)</c>).</summary>
    public static string Title(Finding f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return $"ImageGate: {f.PolicyKey} ({Text.Name(f.Result)})";
    }

    private static string Message(Finding f, ReportOptions options)
    {
        var sb = new StringBuilder();
        sb.Append(f.Resource.DisplayName);
        if (f.AutogenVariant is not null)
        {
            sb.Append(" (").Append(f.AutogenVariant).Append(')');
        }
        if (f.FirstImage is { } image)
        {
            sb.Append(" image ").Append(image);
        }
        sb.Append(": ").Append(Text.Truncate(f.Message, options.MaxMessageLength));
        if (f.FixText is { } fix)
        {
            sb.Append("\nSuggested: ").Append(Text.Truncate(fix, options.MaxMessageLength));
        }
        if (f.PrimaryLocationIsApproximate)
        {
            sb.Append("\n(The line is the start of the chart template's document.)");
        }
        if (options.Explain)
        {
            foreach (var r in f.AttestorReasons.Take(50))
            {
                sb.Append('\n').Append(r.Image).Append(": attestor ").Append(r.Attestor).Append(": ")
                  .Append(Text.Truncate(r.Reason, 1000));
            }
        }
        return sb.ToString();
    }
}
