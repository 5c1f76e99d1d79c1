using System.Text;
using ImageGate.Oci.Auth;
using ImageGate.Oci.Credentials;
using ImageGate.TestSupport;

namespace ImageGate.Oci.Tests.Credentials;

[TestClass]
public sealed class DockerConfigCredentialsTests
{
    private string dir = null!;

    [TestInitialize]
    public void Setup()
    {
        dir = Scratch.NewDirectory("docker-config");
        Directory.CreateDirectory(Path.Combine(dir, "bin"));
    }

    [TestCleanup]
    public void Cleanup() => Directory.Delete(dir, recursive: true);

    private Func<string, string?> Env(params (string Name, string Value)[] values)
    {
        var map = values.ToDictionary(v => v.Name, v => v.Value);
        map.TryAdd("PATH", Path.Combine(dir, "bin") + ":/usr/bin:/bin");
        return name => map.GetValueOrDefault(name);
    }

    private string WriteConfig(string json, string name = "config.json")
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, json);
        return path;
    }

    /// <summary>A real credential helper program, as docker runs it: reads the server URL on stdin.</summary>
    private void WriteHelper(string name, string script)
    {
        var path = Path.Combine(dir, "bin", "docker-credential-" + name);
        File.WriteAllText(path, "#!/bin/sh\n" + script + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [TestMethod]
    public async Task AuthsEntriesByHostAndDockerHubKey()
    {
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:pa:ss-SECRET"));
        var path = WriteConfig("""
            {"auths": {
              "https://index.docker.io/v1/": {"auth": "AUTH"},
              "registry.example.com": {"username": "bob", "password": "bob-SECRET"},
              "http://idtoken.example.com": {"identitytoken": "refresh-SECRET"},
              "empty.example.com": {}
            }}
            """.Replace("AUTH", auth, StringComparison.Ordinal));
        var source = new DockerConfigCredentials([path], Env());
        var hub = await source.GetAsync("index.docker.io", "library/nginx", default);
        Assert.AreEqual("alice", hub!.Username);
        Assert.AreEqual("pa:ss-SECRET", hub.Password);
        StringAssert.Contains(hub.Source, path);
        Assert.AreEqual("bob", (await source.GetAsync("registry.example.com", "x/y", default))!.Username);
        Assert.AreEqual("refresh-SECRET", (await source.GetAsync("idtoken.example.com", "x/y", default))!.IdentityToken);
        Assert.IsNull(await source.GetAsync("empty.example.com", "x/y", default));
        Assert.IsNull(await source.GetAsync("other.example.com", "x/y", default));
    }

    [TestMethod]
    public async Task CredHelpersRunTheHelperProgram()
    {
        WriteHelper("acme", """
            read server
            if [ "$1" != "get" ] || [ "$server" != "registry.acme.test" ]; then echo "bad call $1 $server" >&2; exit 3; fi
            printf '{"ServerURL":"%s","Username":"robot","Secret":"helper-SECRET"}' "$server"
            """);
        WriteHelper("tokens", """
            read server
            printf '{"ServerURL":"%s","Username":"<token>","Secret":"identity-SECRET"}' "$server"
            """);
        var path = WriteConfig("""{"credHelpers": {"registry.acme.test": "acme", "tok.acme.test": "tokens"}, "auths": {"registry.acme.test": {"username": "ignored", "password": "x"}}}""");
        var source = new DockerConfigCredentials([path], Env());
        var c = await source.GetAsync("registry.acme.test", "team/app", default);
        Assert.AreEqual("robot", c!.Username);
        Assert.AreEqual("helper-SECRET", c.Password);
        Assert.AreEqual("docker-credential-acme", c.Source);
        var t = await source.GetAsync("tok.acme.test", "team/app", default);
        Assert.AreEqual("identity-SECRET", t!.IdentityToken);
        Assert.IsNull(t.Password);
    }

    [TestMethod]
    public async Task CredsStoreNotFoundMeansAnonymousAndMissingHelperIsSkipped()
    {
        WriteHelper("store", "read server\necho 'credentials not found in native keychain'\nexit 1");
        var lines = new List<string>();
        var withStore = new DockerConfigCredentials([WriteConfig("""{"credsStore": "store"}""")], Env(), lines.Add);
        Assert.IsNull(await withStore.GetAsync("ghcr.io", "o/r", default));
        var missing = new DockerConfigCredentials([WriteConfig("""{"credsStore": "not-installed"}""", "b.json")], Env(), lines.Add);
        Assert.IsNull(await missing.GetAsync("ghcr.io", "o/r", default));
        Assert.IsTrue(lines.Any(l => l.Contains("docker-credential-not-installed", StringComparison.Ordinal) && l.Contains("not installed", StringComparison.Ordinal)));

        WriteHelper("broken", "exit 7");
        var broken = new DockerConfigCredentials([WriteConfig("""{"credsStore": "broken"}""", "c.json")], Env());
        var e = await Assert.ThrowsExactlyAsync<CredentialProviderException>(async () => await broken.GetAsync("ghcr.io", "o/r", default));
        StringAssert.Contains(e.Message, "exit code 7");
    }

    [TestMethod]
    public async Task DockerConfigEnvironmentVariableIsHonoured()
    {
        var configDir = Path.Combine(dir, "cfg");
        Directory.CreateDirectory(configDir);
        File.WriteAllText(Path.Combine(configDir, "config.json"), """{"auths": {"ghcr.io": {"username": "ci", "password": "ci-SECRET"}}}""");
        var source = DockerConfigCredentials.FromEnvironment(Env(("DOCKER_CONFIG", configDir), ("HOME", "/nonexistent")));
        Assert.AreEqual("ci", (await source.GetAsync("ghcr.io", "o/r", default))!.Username);
        var home = DockerConfigCredentials.FromEnvironment(Env(("HOME", "/nonexistent")));
        Assert.IsNull(await home.GetAsync("ghcr.io", "o/r", default));
    }

    [TestMethod]
    public async Task MalformedConfigNamesFileAndLine()
    {
        var path = WriteConfig("{\n  \"auths\": {\n    \"x\": ,\n  }\n}");
        var e = await Assert.ThrowsExactlyAsync<CredentialProviderException>(async () => await new DockerConfigCredentials([path], Env()).GetAsync("x", "y/z", default));
        StringAssert.Contains(e.Message, path + ":3");
        var bad = WriteConfig("""{"auths": {"x.io": {"auth": "bm9jb2xvbg=="}}}""", "bad.json");
        var b = await Assert.ThrowsExactlyAsync<CredentialProviderException>(async () => await new DockerConfigCredentials([bad], Env()).GetAsync("x.io", "y/z", default));
        StringAssert.Contains(b.Message, "not base64 of user:password");
    }

    [TestMethod]
    public async Task GitHubProviderUsesGitHubTokenForGhcrOnly()
    {
        var source = new GitHubCredentials(Env(("GITHUB_TOKEN", "ghs_SECRET"), ("GITHUB_ACTOR", "octocat")));
        var c = await source.GetAsync("ghcr.io", "o/r", default);
        Assert.AreEqual("octocat", c!.Username);
        Assert.AreEqual("ghs_SECRET", c.Password);
        Assert.IsNull(await source.GetAsync("docker.io", "o/r", default));
        Assert.AreEqual("unset", (await new GitHubCredentials(Env(("GITHUB_TOKEN", "t"))).GetAsync("ghcr.io", "o/r", default))!.Username);
        Assert.IsNull(await new GitHubCredentials(Env()).GetAsync("ghcr.io", "o/r", default));
    }

    [TestMethod]
    public async Task ProviderChainFollowsThePolicy()
    {
        var secret = WriteConfig("""{"auths": {"private.example.com": {"username": "s", "password": "secret-file-SECRET"}}}""", "pull-secret.json");
        using var http = new HttpClient();
        var chain = CredentialProviders.Build(new CredentialSettings
        {
            Providers = ["github"],
            Secrets = ["regcred"],
            SecretFiles = new Dictionary<string, string> { ["regcred"] = secret },
            Environment = Env(("GITHUB_TOKEN", "ghs_SECRET")),
        }, http);
        Assert.AreEqual("s", (await chain.GetAsync("private.example.com", "a/b", default))!.Username);
        Assert.AreEqual("ghs_SECRET", (await chain.GetAsync("ghcr.io", "a/b", default))!.Password);
        Assert.IsNull(await chain.GetAsync("quay.io", "a/b", default));

        var missing = Assert.ThrowsExactly<CredentialProviderException>(() => CredentialProviders.Build(new CredentialSettings { Secrets = ["nope"] }, http));
        StringAssert.Contains(missing.Message, "--registry-secret nope=FILE");
        var unknown = Assert.ThrowsExactly<CredentialProviderException>(() => CredentialProviders.Build(new CredentialSettings { Providers = ["oracle"] }, http));
        StringAssert.Contains(unknown.Message, "unknown credentials provider \"oracle\"");
    }

    [TestMethod]
    public async Task KubernetesSecretJsonIsAccepted()
    {
        var config = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"auths":{"registry.example.com":{"username":"k8s","password":"k8s-SECRET"}}}"""));
        var path = WriteConfig("""{"apiVersion":"v1","kind":"Secret","type":"kubernetes.io/dockerconfigjson","metadata":{"name":"regcred","namespace":"kyverno"},"data":{".dockerconfigjson":"CONFIG"}}""".Replace("CONFIG", config, StringComparison.Ordinal), "secret.json");
        Assert.AreEqual("k8s", (await new DockerConfigCredentials([path], Env()).GetAsync("registry.example.com", "a/b", default))!.Username);
        var opaque = WriteConfig("""{"apiVersion":"v1","kind":"Secret","type":"Opaque","data":{"token":"eA=="}}""", "opaque.json");
        var e = await Assert.ThrowsExactlyAsync<CredentialProviderException>(async () => await new DockerConfigCredentials([opaque], Env()).GetAsync("registry.example.com", "a/b", default));
        StringAssert.Contains(e.Message, "no .dockerconfigjson");
    }
}
