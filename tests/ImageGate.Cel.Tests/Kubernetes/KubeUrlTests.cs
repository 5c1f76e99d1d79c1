using ImageGate.Cel.Kubernetes;

namespace ImageGate.Cel.Tests.Kubernetes;

[TestClass]
public sealed class KubeUrlTests
{
    [TestMethod]
    // url, scheme, host, hostname, port, escaped path
    [DataRow("https://example.com:80/", "https", "example.com:80", "example.com", "80", "/")]
    [DataRow("https://[::1]:80/", "https", "[::1]:80", "::1", "80", "/")]
    [DataRow("https://example.com", "https", "example.com", "example.com", "", "")]
    [DataRow("HTTPS://Example.com/", "https", "Example.com", "Example.com", "", "/")]
    [DataRow("/absolute-path", "", "", "", "", "/absolute-path")]
    [DataRow("https://example.com/path with spaces/", "https", "example.com", "example.com", "", "/path%20with%20spaces/")]
    [DataRow("https://example.com/a%2Fb", "https", "example.com", "example.com", "", "/a%2Fb")]
    [DataRow("https://example.com/a!b", "https", "example.com", "example.com", "", "/a!b")]
    [DataRow("https://example.com/caf\u00e9", "https", "example.com", "example.com", "", "/caf%C3%A9")]
    [DataRow("https://example.com/caf%c3%a9", "https", "example.com", "example.com", "", "/caf%c3%a9")] // a valid raw path is kept as written
    [DataRow("https://user:pa%20ss@example.com/x", "https", "example.com", "example.com", "", "/x")]
    [DataRow("https://example.com/#frag?x=1", "https", "example.com", "example.com", "", "/")]
    [DataRow("//example.com/x", "", "example.com", "example.com", "", "/x")] // a request path, read as a network path
    [DataRow("http://[fe80::1%25en0]:8080/", "http", "[fe80::1%en0]:8080", "fe80::1%en0", "8080", "/")]
    [DataRow("https://example.com:/", "https", "example.com:", "example.com", "", "/")]
    [DataRow("mailto:someone@example.com", "mailto", "", "", "", "")]
    [DataRow("*", "", "", "", "", "*")]
    [DataRow("https://example.com/a?b", "https", "example.com", "example.com", "", "/a")]
    public void Parse_ExposesComponentsLikeGo(string text, string scheme, string host, string hostname, string port, string path)
    {
        var url = KubeUrl.Parse(text);
        Assert.AreEqual(scheme, url.Scheme, "scheme");
        Assert.AreEqual(host, url.Host, "host");
        Assert.AreEqual(hostname, url.Hostname, "hostname");
        Assert.AreEqual(port, url.Port, "port");
        Assert.AreEqual(path, url.EscapedPath, "escaped path");
        Assert.IsTrue(KubeUrl.IsValid(text));
        Assert.AreEqual(text, url.ToString());
    }

    [TestMethod]
    [DataRow("", "empty url")]
    [DataRow("../relative-path", "invalid URI for request")]
    [DataRow("example.com", "invalid URI for request")]
    [DataRow("example.com/path", "invalid URI for request")]
    [DataRow(":foo", "missing protocol scheme")]
    [DataRow("https://exa mple.com/", "invalid character \" \" in host name")]
    [DataRow("https://exa#mple.com/", "invalid character \"#\" in host name")]
    [DataRow("https://example.com:8a/", "invalid port \":8a\" after host")]
    [DataRow("https://[::1/", "missing ']' in host")]
    [DataRow("https://[::1]x/", "invalid port \"x\" after host")]
    [DataRow("https://example.com/%zz", "invalid URL escape \"%zz\"")]
    [DataRow("https://example.com/%4", "invalid URL escape \"%4\"")]
    [DataRow("https://ex%41mple.com/", "invalid URL escape \"%41\"")] // hosts may only escape non-ASCII bytes
    [DataRow("https://example.com/#%zz", "invalid URL escape")]
    [DataRow("http://a\nb/", "net/url: invalid control character in URL")]
    [DataRow("https://us er@example.com/", "net/url: invalid userinfo")]
    public void Parse_RejectsWhatKubernetesRejects(string text, string message)
    {
        var e = Assert.ThrowsExactly<FormatException>(() => KubeUrl.Parse(text));
        StringAssert.StartsWith(e.Message, "URL parse error during conversion from string: ");
        StringAssert.Contains(e.Message, message);
        Assert.IsFalse(KubeUrl.IsValid(text));
        Assert.IsFalse(KubeUrl.TryParse(text, out var url));
        Assert.IsNull(url);
    }

    [TestMethod]
    public void Query_DecodesLikeGo()
    {
        var q = KubeUrl.Parse("https://example.com/?k=v&k=x&j=1").Query;
        Assert.AreEqual(2, q.Count);
        CollectionAssert.AreEqual(new[] { "v", "x" }, q["k"].ToArray());
        CollectionAssert.AreEqual(new[] { "1" }, q["j"].ToArray());

        Assert.AreEqual(0, KubeUrl.Parse("https://example.com/?").Query.Count);
        Assert.AreEqual(0, KubeUrl.Parse("https://example.com/").Query.Count);
        Assert.AreEqual("a b c", KubeUrl.Parse("https://example.com/?q=a+b%20c").Query["q"][0]);
        Assert.AreEqual("", KubeUrl.Parse("https://example.com/?flag").Query["flag"][0]);
        Assert.AreEqual("caf\u00e9", KubeUrl.Parse("https://example.com/?n=caf%C3%A9").Query["n"][0]);

        // Pairs with a semicolon or a bad escape are dropped; the others remain.
        var partial = KubeUrl.Parse("https://example.com/?a=1;b=2&c=3&d=%zz&e=5").Query;
        CollectionAssert.AreEquivalent(new[] { "c", "e" }, partial.Keys.ToArray());
        // A fragment never leaks into the query.
        Assert.AreEqual("1", KubeUrl.Parse("https://example.com/?a=1#b=2").Query["a"][0]);
        Assert.IsFalse(KubeUrl.Parse("https://example.com/?a=1#b=2").Query.ContainsKey("b"));
    }

    [TestMethod]
    public void Parse_BoundsLength()
    {
        var e = Assert.ThrowsExactly<FormatException>(() => KubeUrl.Parse("https://example.com/" + new string('a', KubeUrl.MaxLength)));
        StringAssert.Contains(e.Message, "exceeds the limit");
    }
}
