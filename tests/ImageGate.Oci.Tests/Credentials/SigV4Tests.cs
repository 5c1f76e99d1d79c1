using ImageGate.Oci.Credentials;

namespace ImageGate.Oci.Tests.Credentials;

/// <summary>SigV4 against AWS's published examples (signature test suite and the IAM documentation example).</summary>
[TestClass]
public sealed class SigV4Tests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly DateTimeOffset Time = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    [TestMethod]
    public void GetVanilla()
    {
        var headers = new Dictionary<string, string> { ["Host"] = "example.amazonaws.com", ["X-Amz-Date"] = "20150830T123600Z" };
        var authorization = SigV4.Authorize("GET", "/", "", headers, [], "AKIDEXAMPLE", Secret, "us-east-1", "service", Time);
        Assert.AreEqual("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", authorization);
    }

    [TestMethod]
    public void GetVanillaQueryOrderKeyCase()
    {
        var headers = new Dictionary<string, string> { ["host"] = "example.amazonaws.com", ["x-amz-date"] = "20150830T123600Z" };
        var (_, signature) = SigV4.Sign("GET", "/", "Param2=value2&Param1=value1", headers, [], Secret, "us-east-1", "service", Time);
        Assert.AreEqual("b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500", signature);
    }

    [TestMethod]
    public void IamListUsersDocumentationExample()
    {
        var headers = new Dictionary<string, string>
        {
            ["content-type"] = "application/x-www-form-urlencoded; charset=utf-8",
            ["host"] = "iam.amazonaws.com",
            ["x-amz-date"] = "20150830T123600Z",
        };
        var (signedHeaders, signature) = SigV4.Sign("GET", "/", "Action=ListUsers&Version=2010-05-08", headers, [], Secret, "us-east-1", "iam", Time);
        Assert.AreEqual("content-type;host;x-amz-date", signedHeaders);
        Assert.AreEqual("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7", signature);
    }

    [TestMethod]
    public void AnyChangeChangesTheSignature()
    {
        var headers = new Dictionary<string, string> { ["host"] = "example.amazonaws.com", ["x-amz-date"] = "20150830T123600Z" };
        var baseline = SigV4.Sign("GET", "/", "", headers, [], Secret, "us-east-1", "service", Time).Signature;
        Assert.AreNotEqual(baseline, SigV4.Sign("GET", "/", "", headers, [], Secret, "us-east-2", "service", Time).Signature);
        Assert.AreNotEqual(baseline, SigV4.Sign("GET", "/", "", headers, "x"u8, Secret, "us-east-1", "service", Time).Signature);
        Assert.AreNotEqual(baseline, SigV4.Sign("GET", "/", "", headers, [], Secret + "x", "us-east-1", "service", Time).Signature);
    }
}
