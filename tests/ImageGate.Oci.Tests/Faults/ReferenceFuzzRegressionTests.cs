using ImageGate.Oci.References;

namespace ImageGate.Oci.Tests.Faults;

/// <summary>Found by fuzzing (fuzz/ImageGate.Fuzz): the character check of reference parts compared the first
/// bad character with default(char), so a NUL passed as valid and references holding NULs were accepted.</summary>
[TestClass]
public sealed class ReferenceFuzzRegressionTests
{
    [TestMethod]
    [DataRow("ghcr.io/acme/app\0evil:1", "repository")]
    [DataRow("ghcr.io/acme/app:1\0", "tag")]
    [DataRow("ghcr.io/acme/app@sha256:\0000000000000000000000000000000000000000000000000000000000000000", "digest")]
    [DataRow("regisa0000000000000/a\0\0/c:tag", "repository")]
    public void NulCharactersAreRejected(string reference, string part)
    {
        var error = Assert.ThrowsExactly<ImageReferenceException>(() => ImageReference.Parse(reference));
        StringAssert.Contains(error.Reason, $"{part} can only contain the characters");
        Assert.IsFalse(ImageReference.TryParse(reference, out _));
    }
}
