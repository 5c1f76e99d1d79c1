using ImageGate.Reporting.Formatting;

namespace ImageGate.Reporting.Tests;

[TestClass]
public sealed class FormattingTests
{
    [TestMethod]
    [DataRow("/repo/deploy/web.yaml", "/repo", "deploy/web.yaml")]
    [DataRow("/repo/deploy/web.yaml", "/repo/", "deploy/web.yaml")]
    [DataRow("/repo2/web.yaml", "/repo", "/repo2/web.yaml")]
    [DataRow("/repo/a/../b.yaml", "/repo", "b.yaml")]
    [DataRow("./deploy/web.yaml", "/repo", "deploy/web.yaml")]
    [DataRow("deploy\\web.yaml", null, "deploy/web.yaml")]
    [DataRow("/abs/web.yaml", null, "/abs/web.yaml")]
    public void Relative_paths(string file, string? root, string expected) =>
        Assert.AreEqual(expected, RepoPath.Relative(file, root));

    [TestMethod]
    public void Absolute_paths()
    {
        Assert.AreEqual("/repo/deploy/web.yaml", RepoPath.Absolute("deploy/web.yaml", "/repo"));
        Assert.AreEqual("/x/web.yaml", RepoPath.Absolute("/x/web.yaml", "/repo"));
        Assert.AreEqual("deploy/web.yaml", RepoPath.Absolute("deploy/web.yaml", null));
    }

    [TestMethod]
    [DataRow("ghcr.io/acme/web:1.2.3", "ghcr.io/acme/web")]
    [DataRow("localhost:5000/acme/web:1", "localhost:5000/acme/web")]
    [DataRow("localhost:5000/acme/web", "localhost:5000/acme/web")]
    [DataRow("nginx", "nginx")]
    [DataRow("nginx:1.27@sha256:abcd", "nginx")]
    [DataRow("ghcr.io/a/b@sha256:abcd", "ghcr.io/a/b")]
    public void Image_repository_drops_tag_and_digest(string reference, string repository) =>
        Assert.AreEqual(repository, Text.ImageRepository(reference));

    [TestMethod]
    public void Truncate_never_splits_surrogate_pairs_and_marks_the_cut()
    {
        Assert.AreEqual("abc", Text.Truncate("abc", 3));
        Assert.AreEqual("ab…", Text.Truncate("abcd", 3));
        var cut = Text.Truncate("a😀b", 3);
        Assert.AreEqual("a…", cut);
        Assert.AreEqual("", Text.Truncate("abc", 0));
    }

    [TestMethod]
    public void Single_line_and_visible_controls()
    {
        Assert.AreEqual("a b c d\\u0007", Text.SingleLine("a\r\nb\nc\td\u0007"));
        Assert.AreEqual("a\r\nb\\u001b[31m", Text.VisibleControls("a\r\nb\u001b[31m"));
        Assert.AreEqual("ok", Text.SingleLine("ok"));
    }

    [TestMethod]
    public void Markdown_text_neutralises_syntax()
    {
        Assert.AreEqual("\\*a\\* \\_b\\_ \\[c\\](d) &lt;e&gt; \\| @\u2060f \\`g\\`", Markdown.EscapeText("*a* _b_ [c](d) <e> | @f `g`"));
    }
}
