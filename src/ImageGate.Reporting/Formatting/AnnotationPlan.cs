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
public sealed record Annotation(AnnotationLevel Level, SourceSpan? Location, string Title, string Message, string? Code);

/// <summary>Chooses the annotations of a run (decision 5: Deny → error, Warn → warning, Audit → none), input errors
/// first, at most <c>limit</c> per level, and counts what did not fit. Shared by the log-command reporters and check runs.</summary>
public static class AnnotationPlan
{
    /// <summary>The annotations to show and how many were left out (one notice slot is kept free to say so).</summary>
    public static (IReadOnlyList<Annotation> Shown, int Omitted) Build(RunResult result, ReportOptions options, int limit)
    {
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
        foreach (var f in result.Findings.Where(f => f.IsViolation))
        {
            AnnotationLevel? level = f.PrimaryAction switch
            {
                ValidationAction.Deny => AnnotationLevel.Error,
                ValidationAction.Warn => AnnotationLevel.Warning,
                _ => null,
            };
            if (level is { } l)
            {
                candidates.Add(new Annotation(l, f.PrimaryLocation, Title(f), Message(f, options), SarifReporter.RuleId(f)));
            }
        }

        var room = Math.Max(1, limit);
        var shown = new List<Annotation>();
        var omitted = 0;
        foreach (var level in new[] { AnnotationLevel.Error, AnnotationLevel.Warning, AnnotationLevel.Notice })
        {
            var ofLevel = candidates.Where(c => c.Level == level).ToList();
            shown.AddRange(ofLevel.Take(room));
            omitted += Math.Max(0, ofLevel.Count - room);
        }
        // The closing notice that counts what was left out needs a notice slot of its own.
        var noticesShown = shown.Count(a => a.Level == AnnotationLevel.Notice);
        if (omitted > 0 && noticesShown == room)
        {
            shown.RemoveAt(shown.FindLastIndex(a => a.Level == AnnotationLevel.Notice));
            omitted++;
        }
        return (shown, omitted);
    }

    private static string Title(Finding f) => $"ImageGate: {f.PolicyKey} ({Text.Name(f.Result)})";

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
