using System.Text;
using ImageGate.Cli.Scan;

namespace ImageGate.Cli.Tests.Scan;

[TestClass]
public sealed class DigestPinsTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static ImagePin Pin(string text, string image, int line, bool passed = true)
    {
        var lines = text.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        var column = lines[line - 1].IndexOf(image, StringComparison.Ordinal);
        var quoted = column > 0 && lines[line - 1][column - 1] is '"' or '\'';
        var start = quoted ? column : column + 1;
        var end = column + 1 + image.Length + (quoted ? 1 : 0);
        return new ImagePin("m.yaml", new Manifests.SourceSpan("m.yaml", line, start, line, end), image, image + "@" + Digest, passed);
    }

    private static string Apply(string text, params ImagePin[] pins)
    {
        var problems = new List<string>();
        var (content, applied) = DigestPins.Apply(Encoding.UTF8.GetBytes(text), pins, problems);
        Assert.AreEqual(pins.Length, applied, string.Join("\n", problems));
        return Encoding.UTF8.GetString(content);
    }

    [TestMethod]
    public void OnlyTheImageScalarsChange()
    {
        var text = "# keep: this comment\nspec:\n  containers:\n  - name: a   # trailing\n    image: ghcr.io/acme/a:1   # pinned later\n  - name: b\n    image: \"ghcr.io/acme/b:2\"\n  - {name: c, image: 'ghcr.io/acme/c:3'}\n";
        var result = Apply(text, Pin(text, "ghcr.io/acme/a:1", 5), Pin(text, "ghcr.io/acme/b:2", 7), Pin(text, "ghcr.io/acme/c:3", 8));
        Assert.AreEqual(text
            .Replace("ghcr.io/acme/a:1", "ghcr.io/acme/a:1@" + Digest, StringComparison.Ordinal)
            .Replace("\"ghcr.io/acme/b:2\"", "\"ghcr.io/acme/b:2@" + Digest + "\"", StringComparison.Ordinal)
            .Replace("'ghcr.io/acme/c:3'", "'ghcr.io/acme/c:3@" + Digest + "'", StringComparison.Ordinal), result);
    }

    [TestMethod]
    public void CrLfBomAndWideCharactersArePreserved()
    {
        var text = "\uFEFFmetadata:\r\n  name: café-☕\r\nspec:\r\n  containers:\r\n  - image: ghcr.io/acme/a:1\r\n";
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text[1..])).ToArray();
        var problems = new List<string>();
        var (content, applied) = DigestPins.Apply(bytes, [Pin(text[1..], "ghcr.io/acme/a:1", 5)], problems);
        Assert.AreEqual(1, applied, string.Join("\n", problems));
        var expected = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text[1..].Replace("a:1", "a:1@" + Digest, StringComparison.Ordinal))).ToArray();
        CollectionAssert.AreEqual(expected, content);
    }

    [TestMethod]
    public void AScalarThatIsNotTheImageIsLeftAloneAndReported()
    {
        var text = "spec:\n  containers:\n  - image: ghcr.io/acme/a:1\n";
        var wrong = Pin(text, "ghcr.io/acme/a:1", 3) with { Image = "ghcr.io/acme/b:1", Pinned = "ghcr.io/acme/b:1@" + Digest };
        var problems = new List<string>();
        var (content, applied) = DigestPins.Apply(Encoding.UTF8.GetBytes(text), [wrong], problems);
        Assert.AreEqual(0, applied);
        Assert.AreEqual(text, Encoding.UTF8.GetString(content));
        Assert.AreEqual("m.yaml:3:12: image ghcr.io/acme/b:1 is not written as a simple scalar; not rewritten", problems.Single());
    }

    [TestMethod]
    public void OnlyImagesThatPassedAreWrittenAndStdinIsReported()
    {
        using var files = new TestSupport.TestFiles("pins");
        var text = "spec:\n  containers:\n  - image: ghcr.io/acme/a:1\n  - image: ghcr.io/acme/b:1\n";
        var path = files.Write("m.yaml", text);
        var pins = new[] { Pin(text, "ghcr.io/acme/a:1", 3), Pin(text, "ghcr.io/acme/b:1", 4, passed: false), Pin(text, "x:1", 1) with { File = "<stdin>", Image = "x:1", Pinned = "x:1@" + Digest } };
        var rewrite = DigestPins.Rewrite(pins, files.Root);
        CollectionAssert.AreEqual(new[] { "m.yaml" }, rewrite.Files.ToArray());
        Assert.AreEqual(1, rewrite.Images);
        Assert.AreEqual(text.Replace("a:1", "a:1@" + Digest, StringComparison.Ordinal), File.ReadAllText(path));
        StringAssert.StartsWith(rewrite.Problems.Single(), "<stdin>: standard input cannot be rewritten");
    }
}
