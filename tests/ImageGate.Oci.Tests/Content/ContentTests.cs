using System.Text;
using ImageGate.Oci.Auth;
using ImageGate.Oci.Client;
using ImageGate.Oci.Content;
using ImageGate.Oci.Transport;

namespace ImageGate.Oci.Tests.Content;

[TestClass]
public sealed class ContentTests
{
    [TestMethod]
    public void DigestOfEmptyJsonObjectIsTheOciEmptyDigest()
    {
        Assert.AreEqual("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", OciDigest.Compute("{}"u8));
        Assert.IsTrue(OciDigest.Matches("{}"u8, "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"));
        Assert.IsFalse(OciDigest.Matches("{ }"u8, "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"));
        Assert.IsTrue(OciDigest.IsValid(OciDigest.Compute("x"u8, "sha512")));
        Assert.IsFalse(OciDigest.IsValid("sha256:44136FA355B3678A1146AD16F7E8649E94FB4FC21FE77E8310C060F61CAAFF8A"));
        Assert.IsFalse(OciDigest.IsValid("md5:d41d8cd98f00b204e9800998ecf8427e"));
        Assert.AreEqual("sha256-abc", OciDigest.ToTag("sha256:abc"));
    }

    [TestMethod]
    public void CosignTagsFollowTheTagScheme()
    {
        const string digest = "sha256:0c0d2310f6d2b2f2d0c8e1f0b8c7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c8b9";
        Assert.AreEqual("sha256-0c0d2310f6d2b2f2d0c8e1f0b8c7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c8b9.sig", CosignTags.Signature(digest));
        Assert.AreEqual("p-sha256-0c0d2310f6d2b2f2d0c8e1f0b8c7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c8b9.att", CosignTags.Attestation(digest, "p-"));
        Assert.AreEqual("sha256-0c0d2310f6d2b2f2d0c8e1f0b8c7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c8b9.sbom", CosignTags.Sbom(digest));
    }

    [TestMethod]
    public void ManifestWithoutMediaTypeIsClassifiedByShape()
    {
        var manifest = Encoding.UTF8.GetBytes("""{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}""");
        var content = ManifestContent.Parse(manifest, OciDigest.Compute(manifest), null);
        Assert.IsFalse(content.IsIndex);
        Assert.AreEqual(MediaTypes.OciManifest, content.Descriptor.MediaType);
        Assert.AreEqual(manifest.Length, content.Descriptor.Size);
        Assert.AreEqual(2, content.Manifest.Config.Size);

        var index = Encoding.UTF8.GetBytes("""{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2,"platform":{"os":"linux","architecture":"arm64","variant":"v8"}}]}""");
        var parsedIndex = ManifestContent.Parse(index, OciDigest.Compute(index), "application/json");
        Assert.IsTrue(parsedIndex.IsIndex);
        Assert.AreEqual("linux/arm64/v8", parsedIndex.Index.Manifests[0].Platform!.ToString());
    }

    [TestMethod]
    [DataRow("""{"schemaVersion":1,"name":"x"}""", "schemaVersion 1")]
    [DataRow("""[]""", "not a JSON object")]
    [DataRow("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","config":{}}""", "declares application/vnd.oci.image.index.v1+json but its content is an image manifest")]
    [DataRow("""{"schemaVersion":2,"config":{"digest":"sha256:zz","size":2},"layers":[]}""", "invalid descriptor")]
    [DataRow("""{"schemaVersion":2,""", "not valid JSON")]
    public void MalformedManifestsAreRejectedWithReason(string json, string reason)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ManifestContent.Parse(bytes, OciDigest.Compute(bytes), null));
        StringAssert.Contains(e.Message, reason);
    }

    [TestMethod]
    public void PlatformMatchingFollowsGoContainerRegistry()
    {
        var armV8 = new Platform { Os = "linux", Architecture = "arm64", Variant = "v8" };
        Assert.IsTrue(armV8.Satisfies(Platform.Parse("linux/arm64")));
        Assert.IsTrue(armV8.Satisfies(Platform.Parse("linux/arm64/v8")));
        Assert.IsFalse(armV8.Satisfies(Platform.Parse("linux/arm64/v7")));
        Assert.IsFalse(armV8.Satisfies(Platform.Default));
        Assert.ThrowsExactly<FormatException>(() => Platform.Parse("linux"));
    }

    [TestMethod]
    public void ChallengeParsing()
    {
        var c = AuthChallenge.Parse("Bearer", "realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/nginx:pull,push\"")!;
        Assert.IsTrue(c.IsBearer);
        Assert.AreEqual("https://auth.docker.io/token", c.Realm);
        Assert.AreEqual("registry.docker.io", c.Service);
        Assert.AreEqual("repository:library/nginx:pull,push", c.Scope);
        var basic = AuthChallenge.Parse("Basic", "realm=basic-realm")!;
        Assert.IsTrue(basic.IsBasic);
        Assert.AreEqual("basic-realm", basic.Realm);
        Assert.IsNull(AuthChallenge.Parse("", null));
        var escaped = AuthChallenge.Parse("Bearer", "realm=\"https://a/\\\"b\", error=insufficient_scope")!;
        Assert.AreEqual("https://a/\"b", escaped.Realm);
        Assert.AreEqual("insufficient_scope", escaped.Parameters["error"]);
    }

    [TestMethod]
    [DataRow("https://auth.example.com/token", "registry.example.com", false, null)]
    [DataRow("http://auth.example.com/token", "registry.example.com", false, "plain HTTP")]
    [DataRow("http://127.0.0.1:9000/token", "127.0.0.1:5000", true, null)]
    [DataRow("https://127.0.0.1/token", "registry.example.com", false, "private, loopback or link-local")]
    [DataRow("https://169.254.169.254/latest/meta-data", "registry.example.com", false, "private, loopback or link-local")]
    [DataRow("https://10.1.2.3/token", "registry.example.com", false, "private, loopback or link-local")]
    [DataRow("https://[::1]/token", "registry.example.com", false, "private, loopback or link-local")]
    [DataRow("https://localhost/token", "ghcr.io", false, "private, loopback or link-local")]
    [DataRow("https://10.1.2.3/token", "10.0.0.5:5000", false, null)]
    [DataRow("file:///etc/passwd", "registry.example.com", false, "not an absolute http(s) URL")]
    [DataRow("https://user:pw@auth.example.com/token", "registry.example.com", false, "user information")]
    public void TokenRealmRules(string realm, string registry, bool insecure, string? refusal)
    {
        var reason = AddressRules.RealmRefusal(realm, registry, insecure);
        if (refusal is null)
        {
            Assert.IsNull(reason);
        }
        else
        {
            Assert.IsNotNull(reason);
            StringAssert.Contains(reason, refusal);
        }
    }

    [TestMethod]
    public void CredentialToStringHidesSecrets()
    {
        var c = new RegistryCredential { Username = "u", Password = "p4ss-SECRET", IdentityToken = "id-SECRET", RegistryToken = "rt-SECRET", Source = "test" };
        var text = c.ToString() + $"{c}";
        Assert.IsFalse(text.Contains("SECRET", StringComparison.Ordinal), text);
        StringAssert.Contains(text, "user=u");
        CollectionAssert.AreEquivalent(new[] { "p4ss-SECRET", "id-SECRET", "rt-SECRET" }, c.Secrets().ToArray());
    }

    [TestMethod]
    public void MirrorSyntax()
    {
        var m = RegistryClientOptions.ParseMirror("ghcr.io=oci:/tmp/layout");
        Assert.AreEqual("ghcr.io", m.Key);
        Assert.AreEqual("/tmp/layout", m.Value);
        Assert.ThrowsExactly<FormatException>(() => RegistryClientOptions.ParseMirror("ghcr.io=/tmp/x"));
        Assert.ThrowsExactly<FormatException>(() => RegistryClientOptions.ParseMirror("=oci:/x"));
    }
}
