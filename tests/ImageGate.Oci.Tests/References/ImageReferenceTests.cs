using ImageGate.Oci.References;

namespace ImageGate.Oci.Tests.References;

[TestClass]
public sealed class ImageReferenceTests
{
    private const string D = "sha256:0c0d2310f6d2b2f2d0c8e1f0b8c7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c8b9";

    [TestMethod]
    [DataRow("nginx", "index.docker.io", "library/nginx", "latest")]
    [DataRow("nginx:1.25", "index.docker.io", "library/nginx", "1.25")]
    [DataRow("docker.io/nginx", "index.docker.io", "library/nginx", "latest")]
    [DataRow("index.docker.io/nginx:stable", "index.docker.io", "library/nginx", "stable")]
    [DataRow("docker.io/library/nginx", "index.docker.io", "library/nginx", "latest")]
    [DataRow("kyverno/kyverno:v1.14.0", "index.docker.io", "kyverno/kyverno", "v1.14.0")]
    [DataRow("ghcr.io/kyverno/test-verify-image:signed", "ghcr.io", "kyverno/test-verify-image", "signed")]
    [DataRow("localhost:5000/app", "localhost:5000", "app", "latest")]
    [DataRow("localhost/app", "index.docker.io", "localhost/app", "latest")]
    [DataRow("127.0.0.1:5055/demo/app:v1", "127.0.0.1:5055", "demo/app", "v1")]
    [DataRow("[::1]:5000/app:v1", "[::1]:5000", "app", "v1")]
    [DataRow("registry.example.com:443/a/b/c:Tag_1.x", "registry.example.com:443", "a/b/c", "Tag_1.x")]
    [DataRow("nginx:", "index.docker.io", "library/nginx", "latest")]
    [DataRow("my.registry/ns/img", "my.registry", "ns/img", "latest")]
    public void ParsesTagReferences(string text, string registry, string repository, string tag)
    {
        var r = ImageReference.Parse(text);
        Assert.AreEqual(registry, r.Registry);
        Assert.AreEqual(repository, r.Repository);
        Assert.AreEqual(tag, r.Tag);
        Assert.IsNull(r.Digest);
        Assert.IsFalse(r.IsDigest);
        Assert.AreEqual($"{registry}/{repository}:{tag}", r.Name);
        Assert.AreEqual(text, r.Original);
    }

    [TestMethod]
    [DataRow("gcr.io/proj/img@" + D, "gcr.io", "proj/img", null)]
    [DataRow("nginx@" + D, "index.docker.io", "library/nginx", null)]
    [DataRow("nginx:1.25@" + D, "index.docker.io", "library/nginx", "1.25")]
    [DataRow("127.0.0.1:5000/demo/app:v1@" + D, "127.0.0.1:5000", "demo/app", "v1")]
    [DataRow("localhost:5000/app@" + D, "localhost:5000", "app", null)]
    public void ParsesDigestReferences(string text, string registry, string repository, string? writtenTag)
    {
        var r = ImageReference.Parse(text);
        Assert.AreEqual(registry, r.Registry);
        Assert.AreEqual(repository, r.Repository);
        Assert.IsTrue(r.IsDigest);
        Assert.AreEqual(D, r.Digest);
        Assert.IsNull(r.Tag, "repo:tag@digest is a digest reference, as in go-containerregistry");
        Assert.AreEqual(writtenTag, r.WrittenTag);
        Assert.AreEqual(D, r.Identifier);
        Assert.AreEqual($"{registry}/{repository}@{D}", r.Name);
    }

    [TestMethod]
    [DataRow("", "repository name must be specified")]
    [DataRow("Nginx", "repository can only contain")]
    [DataRow("a", "repository must be between 2 and 255")]
    [DataRow("docker.io/a", "repository must be between 2 and 255")]
    [DataRow("nginx@sha256:abc", "digest must be between 71 and 71")]
    [DataRow("nginx@md5:0123", "digest must be between")]
    [DataRow("nginx:bad tag", "tag can only contain")]
    [DataRow("nginx:v1:v2", "repository can only contain")]
    [DataRow("example.com:abc/xy", "valid RFC 3986 URI authorities")]
    [DataRow("nginx@" + D + "@" + D, "exactly one '@'")]
    [DataRow("exa mple.com/xy", "valid RFC 3986 URI authorities")]
    public void RejectsInvalidReferencesWithReason(string text, string reason)
    {
        var e = Assert.ThrowsExactly<ImageReferenceException>(() => ImageReference.Parse(text));
        StringAssert.Contains(e.Message, reason);
        StringAssert.Contains(e.Message, $"\"{text}\"");
        Assert.IsFalse(ImageReference.TryParse(text, out var none));
        Assert.IsNull(none);
    }

    [TestMethod]
    public void RejectsOverlongTag()
    {
        var e = Assert.ThrowsExactly<ImageReferenceException>(() => ImageReference.Parse("nginx:" + new string('a', 128)));
        StringAssert.Contains(e.Message, "tag must be between 1 and 127");
        Assert.AreEqual(new string('a', 127), ImageReference.Parse("nginx:" + new string('a', 127)).Tag);
    }

    [TestMethod]
    public void WithDigestKeepsTheTagAsWrittenTag()
    {
        var pinned = ImageReference.Parse("ghcr.io/o/app:v1").WithDigest(D);
        Assert.AreEqual("ghcr.io/o/app@" + D, pinned.Name);
        Assert.AreEqual("v1", pinned.WrittenTag);
        Assert.ThrowsExactly<ImageReferenceException>(() => pinned.WithDigest("sha256:xyz"));
    }

    [TestMethod]
    public void WithTagRejectsInvalidTag()
    {
        var r = ImageReference.Parse("ghcr.io/o/app@" + D);
        Assert.AreEqual("ghcr.io/o/app:sha256-abc.sig", r.WithTag("sha256-abc.sig").Name);
        Assert.ThrowsExactly<ImageReferenceException>(() => r.WithTag("a/b"));
    }

    [TestMethod]
    public void ParseRepositoryAppliesTheSameDefaults()
    {
        var r = ImageReference.ParseRepository("docker.io/busybox");
        Assert.AreEqual("index.docker.io/library/busybox", r.RepositoryName);
        Assert.ThrowsExactly<ImageReferenceException>(() => ImageReference.ParseRepository("UPPER/case"));
    }

    [TestMethod]
    public void EqualReferencesCompareEqualByValue()
    {
        Assert.AreEqual(ImageReference.Parse("nginx"), ImageReference.Parse("docker.io/library/nginx:latest"));
        Assert.AreEqual(ImageReference.Parse("nginx").GetHashCode(), ImageReference.Parse("index.docker.io/nginx").GetHashCode());
        Assert.AreNotEqual(ImageReference.Parse("nginx"), ImageReference.Parse("nginx:1"));
        Assert.AreNotEqual(ImageReference.Parse("nginx"), ImageReference.Parse("ghcr.io/library/nginx"));
    }
}
