using ImageGate.Policies.Engine;
using static ImageGate.Policies.Tests.Engine.EngineFixture;

namespace ImageGate.Policies.Tests.Engine;

/// <summary>Seed-era and current vocabularies give identical results; tags are pinned to digests as the
/// mutating webhook would (decision 6); Kyverno's image library.</summary>
[TestClass]
public sealed class VocabularyAndPinningTests
{
    private const string Key = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE
        -----END PUBLIC KEY-----
        """;

    private static string Seed => $$"""
        apiVersion: policies.kyverno.io/v1alpha1
        kind: ImageValidatingPolicy
        metadata:
          name: signed
        spec:
          matchConstraints:
            resourceRules:
            - apiGroups: [""]
              apiVersions: [v1]
              operations: [CREATE]
              resources: [pods]
          imageRules:
          - glob: "ghcr.io/acme/*"
          - cel: "ref.startsWith('quay.io/acme/')"
          verifyDigest: true
          mutateDigest: false
          required: true
          attestors:
          - name: release
            cosign:
              key:
                data: |
        {{Indent(Key, 10)}}
          validations:
          - expression: "images.containers.all(i, verifyImageSignatures(i, ['release']) > 0)"
            message: not signed by release
        """;

    private static string Current => $$"""
        apiVersion: policies.kyverno.io/v1
        kind: ImageValidatingPolicy
        metadata:
          name: signed
        spec:
          matchConstraints:
            resourceRules:
            - apiGroups: [""]
              apiVersions: [v1]
              operations: [CREATE]
              resources: [pods]
          matchImageReferences:
          - glob: "ghcr.io/acme/*"
          - expression: "ref.startsWith('quay.io/acme/')"
          validationConfigurations:
            verifyDigest: true
            mutateDigest: false
            required: true
          attestors:
          - name: release
            cosign:
              key:
                data: |
        {{Indent(Key, 10)}}
          validations:
          - expression: "images.containers.all(i, verifyImageSignatures(i, [attestors.release]) > 0)"
            message: not signed by release
        """;

    private static string Indent(string text, int spaces) =>
        string.Join("\n", text.Split('\n').Select(l => new string(' ', spaces) + l));

    [TestMethod]
    [DataRow("ghcr.io/acme/app@" + Digest, true)]
    [DataRow("ghcr.io/acme/app@" + Digest, false)]
    [DataRow("quay.io/acme/app@" + Digest, true)]
    [DataRow("quay.io/acme/app:1.0", false)]
    [DataRow("docker.io/other/app:1.0", false)]
    public void SeedEraAndCurrentVocabulariesAgree(string image, bool signed)
    {
        PolicyResult Evaluate(string policy)
        {
            var verifier = new InMemoryImageVerifier();
            if (signed)
            {
                verifier.Signed.Add((image, "release"));
            }
            return Run(policy, Pod("a", image), verifier).Single();
        }
        var seed = Evaluate(Seed);
        var current = Evaluate(Current);
        Assert.AreEqual(current.Status, seed.Status, $"{seed.Message} vs {current.Message}");
        Assert.AreEqual(current.Message, seed.Message);
        CollectionAssert.AreEqual(current.Images.ToArray(), seed.Images.ToArray());
    }

    [TestMethod]
    public void TagsArePinnedToDigestsBeforeValidation()
    {
        var verifier = new InMemoryImageVerifier();
        verifier.Digests["ghcr.io/acme/app:1.0"] = Digest;
        var pinned = "ghcr.io/acme/app:1.0@" + Digest;
        verifier.Signed.Add((pinned, "release"));
        var policy = Current.Replace("mutateDigest: false", "mutateDigest: true");
        var results = Run(policy, Pod("a", "ghcr.io/acme/app:1.0"), verifier, new EngineOptions());
        Assert.HasCount(1, results);
        Assert.AreEqual(PolicyStatus.Pass, results[0].Status, results[0].Message);
        CollectionAssert.AreEqual(new[] { pinned }, results[0].Images.ToArray());
        Assert.AreEqual(pinned, results[0].PinnedImages["ghcr.io/acme/app:1.0"]);
    }

    [TestMethod]
    public void UnresolvableTagIsAMutateDigestError()
    {
        var policy = Current.Replace("mutateDigest: false", "mutateDigest: true");
        var results = Run(policy, Pod("a", "ghcr.io/acme/missing:1.0"), new InMemoryImageVerifier(), new EngineOptions());
        var mutate = results.Single(r => r.Rule == "mutateDigest");
        Assert.AreEqual(PolicyStatus.Error, mutate.Status);
        StringAssert.Contains(mutate.Message, "failed to update digest: ghcr.io/acme/missing:1.0: manifest unknown");
    }

    [TestMethod]
    [DataRow("nginx", "sha256:ab", "docker.io/nginx:latest@sha256:ab")]
    [DataRow("library/nginx:1.27", "sha256:ab", "docker.io/library/nginx:1.27@sha256:ab")]
    [DataRow("localhost:5000/app", "sha256:ab", "localhost:5000/app:latest@sha256:ab")]
    [DataRow("ghcr.io/acme/app:v1", "sha256:ab", "ghcr.io/acme/app:v1@sha256:ab")]
    public void PinnedReferenceKeepsTheTag(string image, string digest, string expected)
    {
        Assert.AreEqual(expected, PolicyEngine.PinnedReference(image, digest));
    }

    [TestMethod]
    [DataRow("parseImageReference('nginx').registry() == 'index.docker.io'")]
    [DataRow("parseImageReference('nginx').repository() == 'library/nginx'")]
    [DataRow("parseImageReference('nginx').tag() == 'latest'")]
    [DataRow("parseImageReference('nginx').identifier() == 'latest'")]
    [DataRow("!parseImageReference('nginx').containsDigest()")]
    [DataRow("image('ghcr.io/a/b:1@sha256:" + "0000000000000000000000000000000000000000000000000000000000000001').tag() == ''")]
    [DataRow("image('ghcr.io/a/b@sha256:" + "0000000000000000000000000000000000000000000000000000000000000001').containsDigest()")]
    [DataRow("isImage('ghcr.io/a/b:1') && !isImage('UPPER/Case::bad')")]
    [DataRow("sha256('abc') == 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'")]
    [DataRow("json.unmarshal('{\"a\": [1, 2]}').a[1] == 2")]
    [DataRow("yaml.parse('a: {b: true}').a.b == true")]
    [DataRow("parseServiceAccount('system:serviceaccount:ns:sa').name == 'sa'")]
    [DataRow("math.round(2.345, 2) == 2.35")]
    [DataRow("size(random()) == 8")]
    [DataRow("gzip.decompress(gzip.compress('hello')) == 'hello'")]
    public void KyvernoLibraryFunctions(string expression)
    {
        var policy = Current.Replace("images.containers.all(i, verifyImageSignatures(i, [attestors.release]) > 0)", expression.Replace("\"", "\\\""))
            .Replace("required: true", "required: false");
        var results = Run(policy, Pod("a", "ghcr.io/acme/app@" + Digest));
        Assert.AreEqual(PolicyStatus.Pass, results[0].Status, results[0].Message);
    }

    [TestMethod]
    public void HttpCallsAreRefused()
    {
        var policy = Current.Replace("images.containers.all(i, verifyImageSignatures(i, [attestors.release]) > 0)", "http.get('https://example.com').ok == true")
            .Replace("required: true", "required: false");
        var results = Run(policy, Pod("a", "ghcr.io/acme/app@" + Digest));
        Assert.AreEqual(PolicyStatus.Error, results[0].Status);
        StringAssert.Contains(results[0].Message, "refused");
    }

    [TestMethod]
    public async Task HttpCallsReachOnlyAllowedHosts()
    {
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        using var listener = new System.Net.HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var served = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            var bytes = System.Text.Encoding.UTF8.GetBytes("{\"allowed\": [\"ghcr.io\"]}");
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        });
        var policy = Current.Replace("images.containers.all(i, verifyImageSignatures(i, [attestors.release]) > 0)",
                $"cel.bind(r, http.get('http://127.0.0.1:{port}/registries'), r.statusCode == 200 && r.allowed[0] == 'ghcr.io')")
            .Replace("required: true", "required: false");
        var pod = Pod("a", "ghcr.io/acme/app@" + Digest);

        var refused = Run(policy, pod);
        Assert.AreEqual(PolicyStatus.Error, refused[0].Status);
        StringAssert.Contains(refused[0].Message, "--allow-http 127.0.0.1");

        var allowed = Run(policy, pod, options: new EngineOptions { ResolveDigests = false, AllowedHttpHosts = ["127.0.0.1"] });
        await served.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.AreEqual(PolicyStatus.Pass, allowed[0].Status, allowed[0].Message);
    }
}
