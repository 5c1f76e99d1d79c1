using System.Text;
using System.Text.Json.Nodes;
using ImageGate.Sigstore.Bundles;
using ImageGate.Sigstore.Certificates;
using ImageGate.Sigstore.Trust;

namespace ImageGate.Sigstore.Tests;

/// <summary>Corrupted input must give a failure reason, never an exception and never a pass.</summary>
[TestClass]
public sealed class RobustnessTests
{
    private static readonly string[] Bundles = ["keyless-dsse-sign", "keyless-message", "keyless-message-v02", "keyless-message-v01", "key-dsse"];

    /// <summary>Flips bytes inside every base64 value and string of real bundles (a fixed seed keeps it repeatable).</summary>
    [TestMethod]
    public void CorruptedFieldsNeverThrowAndNeverVerify()
    {
        var fx = GeneratedFixtures.Get();
        var trust = TrustedMaterial.FromRoot(TrustedRoot.Load(fx.Path("trusted_root.json")));
        var random = new Random(6);
        var checkedCount = 0;
        foreach (var name in Bundles)
        {
            var original = File.ReadAllText(fx.Path(name + ".bundle.json"));
            var c = fx.Case(name);
            var p = c.GetProperty("policy");
            var policy = new VerificationPolicy
            {
                Identities = [new CertificateIdentity(fx.Manifest.GetProperty("identity").GetString(), fx.Manifest.GetProperty("issuer").GetString())],
                Key = p.TryGetProperty("key", out var key) ? Crypto.VerificationKey.FromPem(File.ReadAllText(fx.Path(key.GetString()!))) : null,
                Trust = trust,
            };
            var artifact = p.TryGetProperty("artifact", out var a) ? BundleArtifact.FromBytes(File.ReadAllBytes(fx.Path(a.GetString()!))) : BundleArtifact.FromDigest(fx.ImageDigest);
            Assert.IsTrue(BundleVerifier.Verify(Encoding.UTF8.GetBytes(original), artifact, policy).Verified, name);
            var paths = StringPaths(JsonNode.Parse(original)!, "").ToList();
            foreach (var path in paths)
            {
                for (var round = 0; round < 3; round++)
                {
                    var node = JsonNode.Parse(original)!;
                    var (parent, keyOrIndex) = Locate(node, path);
                    var value = (string)GetChild(parent, keyOrIndex)!;
                    var mutated = Mutate(value, random, round);
                    if (mutated == value || SameBase64Bytes(value, mutated))
                    {
                        continue; // e.g. only the unused padding bits of the last base64 character changed
                    }
                    SetChild(parent, keyOrIndex, mutated);
                    SignatureVerificationResult result;
                    try
                    {
                        result = BundleVerifier.Verify(Encoding.UTF8.GetBytes(node.ToJsonString()), artifact, policy);
                    }
                    catch (Exception ex)
                    {
                        throw new AssertFailedException($"{name} {path} round {round}: {ex}");
                    }
                    checkedCount++;
                    if (result.Verified)
                    {
                        // Only fields that no check covers may change without effect.
                        Assert.IsTrue(IsUnsigned(path), $"{name}: changing {path} from {value} to {mutated} still verified");
                    }
                    else
                    {
                        Assert.IsFalse(string.IsNullOrWhiteSpace(result.FailureReason), $"{name} {path}: empty reason");
                    }
                }
            }
        }
        Assert.IsTrue(checkedCount > 100, "mutations checked: " + checkedCount);
    }

    [TestMethod]
    public void TruncatedAndNonJsonInputsFailCleanly()
    {
        var fx = GeneratedFixtures.Get();
        var original = File.ReadAllBytes(fx.Path("keyless-dsse-sign.bundle.json"));
        var policy = new VerificationPolicy { Identities = [new CertificateIdentity("x", "y")], Trust = TrustedMaterial.FromRoot(TrustedRoot.Load(fx.Path("trusted_root.json"))) };
        for (var cut = 0; cut < original.Length; cut += Math.Max(1, original.Length / 97))
        {
            var result = BundleVerifier.Verify(original.AsMemory(0, cut), BundleArtifact.FromDigest(fx.ImageDigest), policy);
            Assert.IsFalse(result.Verified);
            Assert.IsFalse(string.IsNullOrWhiteSpace(result.FailureReason));
        }
        foreach (var text in new[] { "[]", "null", "42", "\"s\"", "{\"mediaType\":7}", "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"verificationMaterial\":[]}" })
        {
            var result = BundleVerifier.Verify(Encoding.UTF8.GetBytes(text), BundleArtifact.FromDigest(fx.ImageDigest), policy);
            Assert.IsFalse(result.Verified, text);
            Assert.IsFalse(string.IsNullOrWhiteSpace(result.FailureReason), text);
        }
    }

    // Values that carry no signed meaning: key ids and hints, kind/version labels re-checked through the body, media types
    // equivalent for the check, and timestamps checked through their signed forms.
    private static bool IsUnsigned(string path) =>
        path.EndsWith("/keyid", StringComparison.Ordinal) || path.EndsWith("/hint", StringComparison.Ordinal) ||
        path.Contains("/kindVersion/", StringComparison.Ordinal) || path == "/mediaType";

    private static bool SameBase64Bytes(string a, string b)
    {
        try
        {
            return Convert.FromBase64String(a).AsSpan().SequenceEqual(Convert.FromBase64String(b));
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static string Mutate(string value, Random random, int round)
    {
        if (value.Length == 0)
        {
            return "x";
        }
        var chars = value.ToCharArray();
        switch (round)
        {
            case 0: // flip one character to another base64 character
                var i = random.Next(chars.Length);
                chars[i] = chars[i] == 'A' ? 'B' : 'A';
                return new string(chars);
            case 1: // truncate
                return value[..(value.Length / 2)];
            default: // garbage
                return "!!" + value[..Math.Min(3, value.Length)];
        }
    }

    private static IEnumerable<string> StringPaths(JsonNode node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                {
                    if (v is not null)
                    {
                        foreach (var p in StringPaths(v, path + "/" + k))
                        {
                            yield return p;
                        }
                    }
                }
                break;
            case JsonArray arr:
                for (var i = 0; i < arr.Count; i++)
                {
                    if (arr[i] is { } v)
                    {
                        foreach (var p in StringPaths(v, path + "/" + i))
                        {
                            yield return p;
                        }
                    }
                }
                break;
            case JsonValue v when v.TryGetValue<string>(out _):
                yield return path;
                break;
        }
    }

    private static (JsonNode Parent, string Key) Locate(JsonNode root, string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var node = root;
        foreach (var part in parts[..^1])
        {
            node = node is JsonArray arr ? arr[int.Parse(part)]! : node[part]!;
        }
        return (node, parts[^1]);
    }

    private static JsonNode? GetChild(JsonNode parent, string key) => parent is JsonArray arr ? arr[int.Parse(key)] : parent[key];

    private static void SetChild(JsonNode parent, string key, string value)
    {
        if (parent is JsonArray arr)
        {
            arr[int.Parse(key)] = value;
        }
        else
        {
            parent[key] = value;
        }
    }
}
