using System.Text;
using ImageGate.Oci.Auth;
using ImageGate.Oci.Content;
using ImageGate.Oci.References;

namespace ImageGate.Oci.Tests.References;

/// <summary>Random input never crashes the parsers: they answer or fail with their own exception type.</summary>
[TestClass]
public sealed class RobustnessTests
{
    private const string Alphabet = "abcAZ019:/@._-[]\"=, \\\u00e9\u0000sha256";

    private static string RandomText(Random random, int maxLength)
    {
        var sb = new StringBuilder();
        var length = random.Next(maxLength);
        for (var i = 0; i < length; i++)
        {
            sb.Append(Alphabet[random.Next(Alphabet.Length)]);
        }
        return sb.ToString();
    }

    [TestMethod]
    public void ReferenceParserOnlyThrowsItsOwnException()
    {
        var random = new Random(20261127);
        var parsed = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var text = RandomText(random, 40);
            try
            {
                var r = ImageReference.Parse(text);
                parsed++;
                // Whatever parses must round-trip through its canonical name.
                Assert.AreEqual(r.Name, ImageReference.Parse(r.Name).Name, text);
            }
            catch (ImageReferenceException)
            {
            }
        }
        Assert.IsTrue(parsed > 0);
    }

    [TestMethod]
    public void ChallengeParserTerminatesOnAnyInput()
    {
        var random = new Random(7);
        for (var i = 0; i < 20_000; i++)
        {
            var challenge = AuthChallenge.Parse("Bearer", RandomText(random, 80));
            Assert.IsNotNull(challenge);
        }
    }

    [TestMethod]
    [DataRow("""{"schemaVersion":2,"config":null,"layers":[]}""")]
    [DataRow("""{"schemaVersion":2,"config":{"mediaType":"a","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":null}""")]
    [DataRow("""{"schemaVersion":2,"config":{"mediaType":"a","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[null]}""")]
    [DataRow("""{"schemaVersion":2,"manifests":null}""")]
    [DataRow("""{"schemaVersion":2,"manifests":[null]}""")]
    public void NullDescriptorsAreSchemaErrors(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var digest = OciDigest.Compute(bytes);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ManifestContent.Parse(bytes, digest, null));
        StringAssert.Contains(e.Message, $"manifest {digest} has a null where");
    }

    [TestMethod]
    public void ManifestParserOnlyThrowsInvalidData()
    {
        var random = new Random(11);
        var seeds = new[]
        {
            """{"schemaVersion":2,"config":{"mediaType":"a","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}""",
            """{"schemaVersion":2,"manifests":[{"mediaType":"a","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2}]}""",
        };
        for (var i = 0; i < 5_000; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(seeds[i % 2]);
            for (var m = 0; m < 3; m++)
            {
                bytes[random.Next(bytes.Length)] = (byte)Alphabet[random.Next(Alphabet.Length)];
            }
            try
            {
                ManifestContent.Parse(bytes, OciDigest.Compute(bytes), null);
            }
            catch (InvalidDataException)
            {
            }
        }
    }
}
