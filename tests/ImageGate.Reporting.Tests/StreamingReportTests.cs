using System.Text;
using System.Text.Json;
using ImageGate.Reporting;

namespace ImageGate.Reporting.Tests;

/// <summary>JSON, SARIF and JUnit reports are streamed: a large report reaches the writer in bounded pieces, and characters
/// that straddle two pieces arrive whole.</summary>
[TestClass]
public sealed class StreamingReportTests
{
    // Non-ASCII of two, three and four UTF-8 bytes, so some piece boundary falls inside a character.
    private const string Accented = "signature non vérifiée — 署名なし 🔏";

    private static RunResult Large(int count) => new(
        [.. Enumerable.Range(0, count).Select(i => Samples.Finding(name: $"web-{i}", message: $"{Accented} #{i}", order: i))]);

    [TestMethod]
    [DataRow("json")]
    [DataRow("sarif")]
    public void LargeReportsReachTheWriterInBoundedPiecesAndStayIntact(string format)
    {
        const int count = 4000;
        var writer = new PieceRecorder();
        IReporter reporter = format == "json" ? new JsonReporter(Samples.Options) : new SarifReporter(Samples.Options with { MaxSarifResults = count });
        reporter.Write(Large(count), writer);
        var text = writer.ToString();

        Assert.IsGreaterThan(2 * 1024 * 1024, text.Length, "the report is large enough to need several pieces");
        Assert.IsLessThan(512 * 1024, writer.LargestPiece, $"largest piece {writer.LargestPiece} chars of {text.Length}: the report was not held whole");
        using var parsed = JsonDocument.Parse(text);
        var messages = format == "json"
            ? parsed.RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("message").GetString()).ToList()
            : parsed.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().Select(r => r.GetProperty("message").GetProperty("text").GetString()).ToList();
        Assert.HasCount(count, messages);
        for (var i = 0; i < count; i++)
        {
            StringAssert.Contains(messages[i], $"{Accented} #{i}");
        }
        Assert.IsTrue(text.EndsWith("}\n", StringComparison.Ordinal));
    }

    [TestMethod]
    public void LargeJUnitReportsReachTheWriterInBoundedPiecesAndStayIntact()
    {
        const int count = 4000;
        var writer = new PieceRecorder();
        new JUnitReporter(Samples.Options).Write(Large(count), writer);
        var text = writer.ToString();

        Assert.IsGreaterThan(1024 * 1024, text.Length, "the report is large enough to need several pieces");
        Assert.IsLessThan(512 * 1024, writer.LargestPiece, $"largest piece {writer.LargestPiece} chars of {text.Length}: the report was not held whole");
        StringAssert.StartsWith(text, "<?xml version=\"1.0\" encoding=\"utf-8\"?>");
        var failures = System.Xml.Linq.XDocument.Parse(text).Descendants("failure").Select(f => (string?)f.Attribute("message") + f.Value).ToList();
        Assert.HasCount(count, failures);
        for (var i = 0; i < count; i++)
        {
            StringAssert.Contains(failures[i], $"{Accented} #{i}");
        }
    }

    /// <summary>A text writer that keeps what it is given and the size of the largest single write.</summary>
    private sealed class PieceRecorder : StringWriter
    {
        public int LargestPiece { get; private set; }

        public override void Write(char[] buffer, int index, int count)
        {
            LargestPiece = Math.Max(LargestPiece, count);
            base.Write(buffer, index, count);
        }

        public override void Write(string? value)
        {
            LargestPiece = Math.Max(LargestPiece, value?.Length ?? 0);
            base.Write(value);
        }

        public override void Write(ReadOnlySpan<char> buffer)
        {
            LargestPiece = Math.Max(LargestPiece, buffer.Length);
            base.Write(buffer);
        }

        public override Encoding Encoding => Encoding.UTF8;
    }
}
