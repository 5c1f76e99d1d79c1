using System.Globalization;
using System.Text;
using System.Xml;
using ImageGate.Reporting.Formatting;

namespace ImageGate.Reporting;

/// <summary>Status of one JUnit test case.</summary>
public enum JUnitStatus
{
    /// <summary>Passed.</summary>
    Passed,
    /// <summary>An assertion failed (<c>&lt;failure&gt;</c>).</summary>
    Failed,
    /// <summary>The test could not run (<c>&lt;error&gt;</c>).</summary>
    Error,
    /// <summary>Skipped (<c>&lt;skipped&gt;</c>).</summary>
    Skipped,
}

/// <summary>One JUnit test case; <paramref name="Details"/> goes into the failure/error body or <c>system-out</c>.</summary>
public sealed record JUnitCase(string ClassName, string Name, JUnitStatus Status, string? Message = null, string? Details = null);

/// <summary>One JUnit test suite.</summary>
public sealed record JUnitSuite(string Name, IReadOnlyList<JUnitCase> Cases);

/// <summary><c>-o junit</c>: one suite per policy, one case per resource verdict; always well-formed XML, whatever the
/// text (characters XML 1.0 cannot carry are written as <c>\uXXXX</c>). <see cref="WriteSuites"/> serves other callers
/// such as <c>imagegate test</c>.</summary>
public sealed class JUnitReporter(ReportOptions? options = null) : IReporter
{
    private readonly ReportOptions _options = options ?? new ReportOptions();

    /// <inheritdoc />
    public void Write(RunResult result, TextWriter writer)
    {
        var suites = result.Findings
            .GroupBy(f => f.PolicyKey, StringComparer.Ordinal)
            .Select(g => new JUnitSuite(g.Key, g.Select(ToCase).ToList()))
            .ToList();
        WriteSuites(suites, writer, "imagegate");
    }

    /// <summary>Writes <c>&lt;testsuites&gt;</c> with counts for the given suites, UTF-8 declared.</summary>
    public static void WriteSuites(IReadOnlyList<JUnitSuite> suites, TextWriter writer, string name = "imagegate")
    {
        ArgumentNullException.ThrowIfNull(suites);
        var settings = new XmlWriterSettings
        {
            Indent = true,
            Encoding = new UTF8Encoding(false),
            NewLineChars = "\n",
            NewLineHandling = NewLineHandling.Replace,
        };
        // Through a UTF-8 stream, so the declaration says utf-8; streamed, so a large report is never held whole.
        using var stream = new TextWriterStream(writer);
        using (var xml = XmlWriter.Create(stream, settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("testsuites");
            Attr(xml, "name", name);
            WriteCounts(xml, suites.SelectMany(s => s.Cases).ToList());
            var id = 0;
            foreach (var suite in suites)
            {
                xml.WriteStartElement("testsuite");
                Attr(xml, "name", suite.Name);
                Attr(xml, "id", id++.ToString(CultureInfo.InvariantCulture));
                WriteCounts(xml, suite.Cases);
                foreach (var c in suite.Cases)
                {
                    WriteCase(xml, c);
                }
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
        stream.Complete();
        writer.Write('\n');
    }

    /// <summary>Makes text storable in XML 1.0: characters outside its range and unpaired surrogates become <c>\uXXXX</c>.</summary>
    public static string XmlSafe(string value)
    {
        StringBuilder? sb = null;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]);
            if (pair)
            {
                sb?.Append(c).Append(value[i + 1]);
                i++;
                continue;
            }
            var valid = c is '\t' or '\n' or '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);
            if (valid)
            {
                sb?.Append(c);
                continue;
            }
            sb ??= new StringBuilder(value, 0, i, value.Length + 8);
            sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
        }
        return sb?.ToString() ?? value;
    }

    private JUnitCase ToCase(Finding f)
    {
        var name = new StringBuilder(f.Resource.DisplayName);
        if (f.AutogenVariant is not null)
        {
            name.Append(" (").Append(f.AutogenVariant).Append(')');
        }
        if (f.PrimaryLocation is { } location)
        {
            var path = RepoPath.Relative(location.File, _options.RepositoryRoot);
            name.Append(" [").Append(location.Line > 0 ? $"{path}:{location.Line}" : path).Append(']');
        }
        var details = new StringBuilder();
        details.Append("policy: ").Append(f.PolicyKey).Append('\n');
        details.Append("resource: ").Append(f.Resource.ApiVersion).Append(' ').Append(f.Resource.DisplayName).Append('\n');
        details.Append("result: ").Append(Text.Name(f.Result)).Append('\n');
        details.Append("actions: ").AppendJoin(",", f.Actions).Append(f.IsBlockingUnder(_options.FailOn) ? " (blocking)" : "").Append('\n');
        foreach (var image in f.Images)
        {
            details.Append("image: ").Append(image.Reference);
            if (image.PinnedReference is not null)
            {
                details.Append(" (suggested: ").Append(image.PinnedReference).Append(')');
            }
            details.Append('\n');
        }
        details.Append("message: ").Append(Text.Truncate(f.Message, _options.MaxMessageLength)).Append('\n');
        if (f.FixText is { } fix)
        {
            details.Append("suggested fix: ").Append(Text.Truncate(fix, _options.MaxMessageLength)).Append('\n');
        }
        foreach (var r in f.AttestorReasons)
        {
            details.Append("attestor ").Append(r.Attestor).Append(" on ").Append(r.Image).Append(": ").Append(r.Reason).Append('\n');
        }
        var status = f.Result switch
        {
            Outcome.Pass => JUnitStatus.Passed,
            Outcome.Skip => JUnitStatus.Skipped,
            Outcome.Error => JUnitStatus.Error,
            _ => JUnitStatus.Failed,
        };
        return new JUnitCase(f.RuleName, name.ToString(), status, Text.Truncate(Text.SingleLine(f.Message), _options.MaxMessageLength), details.ToString());
    }

    private static void WriteCounts(XmlWriter xml, IReadOnlyCollection<JUnitCase> cases)
    {
        Attr(xml, "tests", cases.Count.ToString(CultureInfo.InvariantCulture));
        Attr(xml, "failures", cases.Count(c => c.Status == JUnitStatus.Failed).ToString(CultureInfo.InvariantCulture));
        Attr(xml, "errors", cases.Count(c => c.Status == JUnitStatus.Error).ToString(CultureInfo.InvariantCulture));
        Attr(xml, "skipped", cases.Count(c => c.Status == JUnitStatus.Skipped).ToString(CultureInfo.InvariantCulture));
    }

    private static void WriteCase(XmlWriter xml, JUnitCase c)
    {
        xml.WriteStartElement("testcase");
        Attr(xml, "classname", c.ClassName);
        Attr(xml, "name", c.Name);
        var element = c.Status switch
        {
            JUnitStatus.Failed => "failure",
            JUnitStatus.Error => "error",
            JUnitStatus.Skipped => "skipped",
            _ => null,
        };
        if (element is not null)
        {
            xml.WriteStartElement(element);
            if (c.Message is not null)
            {
                Attr(xml, "message", c.Message);
            }
            if (c.Status is JUnitStatus.Failed or JUnitStatus.Error)
            {
                Attr(xml, "type", c.Status == JUnitStatus.Failed ? "PolicyViolation" : "EvaluationError");
                if (c.Details is not null)
                {
                    xml.WriteString(XmlSafe(c.Details));
                }
            }
            xml.WriteEndElement();
        }
        else if (c.Details is not null)
        {
            xml.WriteStartElement("system-out");
            xml.WriteString(XmlSafe(c.Details));
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
    }

    private static void Attr(XmlWriter xml, string name, string value) => xml.WriteAttributeString(name, XmlSafe(value));
}
