using System.Text;
using ImageGate.Manifests.Yaml;
using ImageGate.TestSupport;

namespace ImageGate.Manifests.Tests.Hostile;

/// <summary>Hostile text: encodings, control characters, tags, anchors, nesting and size. Each case ends in a
/// located <see cref="ManifestException"/> (or is read exactly as Kubernetes would), quickly.</summary>
[TestClass]
public sealed class HostileTextTests
{
    private const string Pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: ghcr.io/acme/app:1\n";

    private static IReadOnlyList<ManifestDocument> Read(string text, string file = "h.yaml") => new ManifestReader().ReadText(text, file);

    [TestMethod]
    [DataRow("? &k\n  ? *k\n", 1, "mapping or a sequence")]  // a key that contains itself: found by fuzzing (stack overflow)
    [DataRow("? &k\n  ? *k *k\n: v\n", 1, "mapping or a sequence")]
    [DataRow("? {a: 1}\n: v\n", 1, "mapping or a sequence")]
    [DataRow("metadata:\n  ? [a, b]\n  : v\n", 2, "mapping or a sequence")]
    [DataRow("base: &b x\n*b : y\n", 2, "alias")]
    public void MappingKeysMustBeScalars(string text, int line, string reason)
    {
        var error = Bounds.Throws(() => Read(text));
        Assert.Contains(reason, error.Message);
        Assert.AreEqual(line, error.Line);
    }

    [TestMethod]
    [DataRow("\0", "U+0000")]
    [DataRow("\u0007", "U+0007")]
    [DataRow("\u001b", "U+001B")]
    [DataRow("\u007f", "U+007F")]
    [DataRow("\u0090", "U+0090")]
    [DataRow("\uFFFF", "U+FFFF")]
    public void ControlCharactersAreRejectedWithTheirPosition(string character, string named)
    {
        var error = Bounds.Throws(() => Read(Pod.Replace("name: c", "name: c" + character)));
        Assert.AreEqual("h.yaml:7:14: invalid YAML: the control character " + named + " is not allowed in YAML text", error.Message);
    }

    [TestMethod]
    public void NulByteInAKeyCannotHideAField()
    {
        var error = Bounds.Throws(() => Read(Pod.Replace("      image:", "      image\0:")));
        Assert.AreEqual(8, error.Line);
        Assert.AreEqual(12, error.Column);
    }

    [TestMethod]
    public void LoneSurrogatesAreRejected()
    {
        var error = Bounds.Throws(() => Read(Pod.Replace("app:1", "app:1\uD800")));
        Assert.AreEqual("h.yaml:8:32: invalid YAML: a lone UTF-16 surrogate is not allowed in YAML text", error.Message);
        var pair = Read(Pod.Replace("name: p", "name: \"p\U0001F600\""));
        Assert.AreEqual("p\U0001F600", pair.Single().Name, "a surrogate pair is a valid character");
    }

    [TestMethod]
    public void InvalidUtf8IsAnErrorNotAReplacementCharacter()
    {
        using var files = new TestFiles("hostile");
        var bytes = Encoding.UTF8.GetBytes(Pod.Replace("app:1", "app:1#")).Select(b => b == (byte)'#' ? (byte)0xC3 : b).ToArray();
        File.WriteAllBytes(Path.Combine(files.Root, "bad.yaml"), bytes);
        var reader = new ManifestReader(new ManifestReaderOptions { WorkingDirectory = files.Root });
        var error = Bounds.Throws(() => reader.ReadFile("bad.yaml"));
        Assert.AreEqual("bad.yaml", error.File);
        Assert.AreEqual(8, error.Line);
        Assert.AreEqual(32, error.Column);
        Assert.Contains("invalid UTF-8: byte 0xC3", error.Reason);
    }

    [TestMethod]
    [DataRow("utf-8")]
    [DataRow("utf-16")]
    [DataRow("utf-16BE")]
    [DataRow("utf-32")]
    public void ByteOrderMarksSelectTheEncoding(string encodingName)
    {
        using var files = new TestFiles("hostile");
        var encoding = Encoding.GetEncoding(encodingName);
        File.WriteAllBytes(Path.Combine(files.Root, "bom.yaml"), [.. encoding.GetPreamble(), .. encoding.GetBytes(Pod)]);
        var document = new ManifestReader(new ManifestReaderOptions { WorkingDirectory = files.Root }).ReadFile("bom.yaml").Single();
        Assert.AreEqual("ghcr.io/acme/app:1", document.Images.Single().Image);
        Assert.AreEqual(8, document.Images.Single().Span.StartLine);
    }

    [TestMethod]
    public void Utf16WithoutAByteOrderMarkIsExplained()
    {
        using var files = new TestFiles("hostile");
        File.WriteAllBytes(Path.Combine(files.Root, "u16.yaml"), Encoding.Unicode.GetBytes(Pod));
        var error = Bounds.Throws(() => new ManifestReader(new ManifestReaderOptions { WorkingDirectory = files.Root }).ReadFile("u16.yaml"));
        Assert.AreEqual("u16.yaml:1:1: the text looks like UTF-16 or UTF-32 without a byte order mark; save it as UTF-8", error.Message);
    }

    [TestMethod]
    public void ByteOrderMarkAfterTheStartIsAnErrorNotASkippedDocument()
    {
        // Kubernetes strips a BOM at the start of each document; read as part of the first key, the object
        // would be skipped as "not a Kubernetes object" and its images never checked.
        var error = Bounds.Throws(() => Read(Pod + "---\n\uFEFF" + Pod.Replace("name: p", "name: q")));
        Assert.AreEqual("h.yaml:10:1: invalid YAML: a byte order mark (U+FEFF) after the start of the file is not allowed in YAML text", error.Message);
        Assert.AreEqual("p", Read("\uFEFF" + Pod).Single().Name);
    }

    [TestMethod]
    [DataRow("!!binary Z2hjci5pby9ldmlsOjE=", "!!binary")]
    [DataRow("!custom ghcr.io/acme/app:1", "!custom")]
    [DataRow("!<tag:example.com,2000:image> ghcr.io/acme/app:1", "tag:example.com,2000:image")]
    [DataRow("!!python/object:os.system ls", "!!python/object:os.system")]
    public void TagsKubernetesReadsDifferentlyAreRejected(string image, string tag)
    {
        var error = Bounds.Throws(() => Read(Pod.Replace("ghcr.io/acme/app:1", image)));
        Assert.AreEqual(8, error.Line);
        Assert.AreEqual(14, error.Column);
        Assert.StartsWith($"the YAML tag '{tag}' is not supported", error.Reason);
    }

    [TestMethod]
    public void TagDirectivesCannotSmuggleALocalTag()
    {
        var error = Bounds.Throws(() => Read("%TAG !e! tag:example.com,2000:\n---\n" + Pod.Replace("metadata:", "metadata: !e!meta")));
        Assert.Contains("tag:example.com,2000:meta", error.Reason);
        Assert.AreEqual(5, error.Line);
    }

    [TestMethod]
    public void CoreSchemaTagsAreRead()
    {
        var document = Read(Pod.Replace("ghcr.io/acme/app:1", "!!str ghcr.io/acme/app:1").Replace("metadata:", "metadata: !!map")).Single();
        Assert.AreEqual("ghcr.io/acme/app:1", document.Images.Single().Image);
    }

    [TestMethod]
    public void AnchorsDoNotReachAcrossDocuments()
    {
        var text = Pod.Replace("image: ghcr.io/acme/app:1", "image: &img ghcr.io/acme/app:1") + "---\n" + Pod.Replace("image: ghcr.io/acme/app:1", "image: *img");
        var error = Bounds.Throws(() => Read(text));
        Assert.AreEqual("h.yaml:17:14: invalid YAML: The anchor 'img' is not defined", error.Message);
    }

    [TestMethod]
    [DataRow("\"image\": docker.io/evil:1")]
    [DataRow("'image': docker.io/evil:1")]
    [DataRow("\"im\\x61ge\": docker.io/evil:1")]
    [DataRow("? image\n      : docker.io/evil:1")]
    public void DuplicateKeysInAnySpellingAreRejected(string second)
    {
        var error = Bounds.Throws(() => Read(Pod + "      " + second + "\n"));
        Assert.AreEqual(9, error.Line);
        Assert.Contains("Duplicate key image", error.Reason);
    }

    [TestMethod]
    public void DuplicateKeysInJsonAreRejected()
    {
        const string json = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"ghcr.io/a:1\",\"image\":\"docker.io/evil:1\"}]}}";
        var error = Bounds.Throws(() => Read(json, "h.json"));
        Assert.AreEqual("h.json", error.File);
        Assert.Contains("Duplicate key image", error.Reason);
    }

    [TestMethod]
    [DataRow("{", "a mapping key is a mapping or a sequence; Kubernetes objects only have string keys")]  // "{{" is a mapping as a key
    [DataRow("[", "nesting deeper than 200 levels")]
    [DataRow("{\"a\":", "nesting deeper than 200 levels")]
    public void DeepFlowAndJsonNestingEndsAtTheLimit(string open, string reason)
    {
        var text = string.Concat(Enumerable.Repeat(open, 100_000));
        var error = Bounds.Throws(() => YamlLoader.Load(text, "deep.json"));
        Assert.AreEqual(reason, error.Reason);
        Assert.AreEqual(1, error.Line);
    }

    [TestMethod]
    public void DeepBlockNestingEndsAtTheLimit()
    {
        var mappings = string.Concat(Enumerable.Range(0, 5_000).Select(i => new string(' ', i) + "a:\n"));
        Assert.AreEqual(201, Bounds.Throws(() => YamlLoader.Load(mappings, "deep.yaml")).Line);
        var sequences = string.Concat(Enumerable.Range(0, 5_000).Select(i => new string(' ', 2 * i) + "-\n"));
        Assert.AreEqual("nesting deeper than 200 levels", Bounds.Throws(() => YamlLoader.Load(sequences, "deep.yaml")).Reason);
    }

    [TestMethod]
    [DataRow("value")]
    [DataRow("key")]
    [DataRow("quoted")]
    [DataRow("block")]
    public void HugeScalarsStopAtTheDocumentLimit(string where)
    {
        var huge = new string('x', 6_000_000);
        var text = where switch
        {
            "value" => "a: " + huge + "\n",
            "key" => huge + ": 1\n",
            "quoted" => "a: \"" + huge + "\"\n",
            _ => "a: |\n  " + huge + "\n",
        };
        var error = Bounds.Throws(() => YamlLoader.Load(text, "huge.yaml"));
        Assert.AreEqual("document is larger than the limit of 4194304 characters", error.Reason);
        Assert.IsNotNull(error.Line);
    }

    [TestMethod]
    public void MergeKeyBombIsStopped()
    {
        var text = new StringBuilder("a0: &a0 {k0: 1, k1: 2, k2: 3, k3: 4, k4: 5, k5: 6, k6: 7, k7: 8, k8: 9, k9: 10}\n");
        for (var i = 1; i < 10; i++)
        {
            text.Append($"a{i}: &a{i}\n  <<: [{string.Join(",", Enumerable.Repeat($"*a{i - 1}", 10))}]\n  x: [{string.Join(",", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        }
        var error = Bounds.Throws(() => YamlLoader.Load(text.ToString(), "merge.yaml"));
        Assert.Contains("billion laughs", error.Reason);
    }

    [TestMethod]
    public void ManyAnchorsAndKeysStayLinear()
    {
        var text = string.Concat(Enumerable.Range(0, 100_000).Select(i => $"k{i}: &a{i} {i}\n"));
        var documents = Bounds.Within(() => YamlLoader.Load(text, "anchors.yaml"));
        Assert.HasCount(1, documents);
    }

    [TestMethod]
    [DataRow("{a: b}")]
    [DataRow("[ghcr.io/acme/app:1, docker.io/evil:1]")]
    public void AnImageThatIsNotAStringIsAnError(string image)
    {
        var error = Bounds.Throws(() => Read(Pod.Replace("ghcr.io/acme/app:1", image)));
        Assert.AreEqual("h.yaml:8:14: spec.containers[0].image must be a string", error.Message);
    }
}
