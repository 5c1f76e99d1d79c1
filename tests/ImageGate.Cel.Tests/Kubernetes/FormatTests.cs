using ImageGate.Cel.Kubernetes;

namespace ImageGate.Cel.Tests.Kubernetes;

[TestClass]
public sealed class FormatTests
{
    // Kubernetes' messages really have two spaces before "or".
    private const string LabelRegexError =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    private static IReadOnlyList<string> Validate(string format, string value) =>
        (Format.Named(format) ?? throw new AssertFailedException($"format {format} missing")).Validate(value);

    [TestMethod]
    public void Named_KnowsEveryKubernetesFormat()
    {
        string[] expected =
        [
            "dns1123Label", "dns1123Subdomain", "dns1035Label", "qualifiedName", "portName", "dns1123LabelPrefix",
            "dns1123SubdomainPrefix", "dns1035LabelPrefix", "labelValue", "uri", "uuid", "byte", "date", "datetime",
        ];
        CollectionAssert.AreEquivalent(expected, Format.Names.ToArray());
        Assert.IsNull(Format.Named("email"));
        Assert.IsNull(Format.Named("DNS1123Label"));
        Assert.AreEqual("DNS1123Label", Format.Named("dns1123Label")!.DisplayName);
    }

    [TestMethod]
    [DataRow("dns1123Label", "my-name")]
    [DataRow("dns1123Label", "123-abc")]
    [DataRow("dns1123Label", "a")]
    [DataRow("dns1123Subdomain", "example.com")]
    [DataRow("dns1123Subdomain", "a.b-c.d")]
    [DataRow("dns1035Label", "abc-123")]
    [DataRow("qualifiedName", "MyName")]
    [DataRow("qualifiedName", "my.name")]
    [DataRow("qualifiedName", "example.com/My_Name")]
    [DataRow("portName", "http")]
    [DataRow("portName", "web-8080")]
    [DataRow("dns1123LabelPrefix", "my-name-")]
    [DataRow("dns1123SubdomainPrefix", "example.com-")]
    [DataRow("dns1035LabelPrefix", "abc-")]
    [DataRow("labelValue", "")]
    [DataRow("labelValue", "my_value")]
    [DataRow("uri", "https://example.com/a?b#c")]
    [DataRow("uri", "/absolute")]
    [DataRow("uuid", "123e4567-e89b-12d3-a456-426614174000")]
    [DataRow("uuid", "123E4567E89B12D3A456426614174000")]
    [DataRow("byte", "aGVsbG8=")]
    [DataRow("byte", "")]
    [DataRow("byte", "aGVs\nbG8=")]
    [DataRow("date", "2024-02-29")]
    [DataRow("date", "0000-01-01")]
    [DataRow("datetime", "2024-01-02T03:04:05Z")]
    [DataRow("datetime", "2024-01-02t03:04:05.123+01:00")]
    public void Validate_AcceptsValidValues(string format, string value)
    {
        var errors = Validate(format, value);
        Assert.AreEqual(0, errors.Count, string.Join("; ", errors));
    }

    [TestMethod]
    public void Dns1123Label_ReportsKubernetesMessages()
    {
        CollectionAssert.AreEqual(new[] { LabelRegexError }, Validate("dns1123Label", "My-Name").ToArray());
        CollectionAssert.AreEqual(new[] { "must not contain dots" }, Validate("dns1123Label", "a.b").ToArray());
        CollectionAssert.AreEqual(new[] { "must be no more than 63 characters" }, Validate("dns1123Label", new string('a', 64)).ToArray());
        CollectionAssert.AreEqual(new[] { LabelRegexError }, Validate("dns1123Label", "").ToArray());
        CollectionAssert.AreEqual(new[] { LabelRegexError }, Validate("dns1123Label", "abc\n").ToArray());
        CollectionAssert.AreEqual(new[] { LabelRegexError }, Validate("dns1123Label", "abc-").ToArray());
    }

    [TestMethod]
    [DataRow("dns1123Subdomain", "Example.com", "a lowercase RFC 1123 subdomain must consist of")]
    [DataRow("dns1123Subdomain", "a..b", "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'")]
    [DataRow("dns1035Label", "1abc", "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character")]
    [DataRow("qualifiedName", "-abc", "name part must consist of alphanumeric characters")]
    [DataRow("qualifiedName", "/abc", "prefix part must be non-empty")]
    [DataRow("qualifiedName", "Example.com/abc", "prefix part a lowercase RFC 1123 subdomain")]
    [DataRow("qualifiedName", "a/b/c", "a qualified name must consist of")]
    [DataRow("qualifiedName", "example.com/", "name part must be non-empty")]
    [DataRow("portName", "1234", "must contain at least one letter (a-z)")]
    [DataRow("portName", "a--b", "must not contain consecutive hyphens")]
    [DataRow("portName", "-ab", "must not begin or end with a hyphen")]
    [DataRow("portName", "HTTP", "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")]
    [DataRow("portName", "abcdefghijklmnop", "must be no more than 15 characters")]
    [DataRow("dns1123LabelPrefix", "-", "a lowercase RFC 1123 label")]
    [DataRow("labelValue", "-bad", "a valid label must be an empty string or consist of alphanumeric characters")]
    [DataRow("uri", "example.com", "parse \"example.com\": invalid URI for request")]
    [DataRow("uri", "", "parse \"\": empty url")]
    [DataRow("uuid", "123e4567-e89b-12d3-a456-42661417400", "does not match the UUID format")]
    [DataRow("uuid", "g23e4567-e89b-12d3-a456-426614174000", "does not match the UUID format")]
    [DataRow("byte", "aGVsbG8", "invalid base64")]
    [DataRow("byte", "aGV sbG8=", "invalid base64")]
    [DataRow("byte", "a===", "invalid base64")]
    [DataRow("date", "2023-02-29", "invalid date")]
    [DataRow("date", "2024-13-01", "invalid date")]
    [DataRow("date", "2024-1-01", "invalid date")]
    [DataRow("datetime", "2024-01-02T24:00:00Z", "invalid datetime")]
    [DataRow("datetime", "2024-01-02T03:04:05", "invalid datetime")]
    [DataRow("datetime", "2024-01-02 03:04:05Z", "invalid datetime")]
    [DataRow("datetime", "2024-02-30T03:04:05Z", "invalid datetime")]
    public void Validate_RejectsInvalidValues(string format, string value, string message)
    {
        var errors = Validate(format, value);
        Assert.IsTrue(errors.Any(e => e.Contains(message, StringComparison.Ordinal)), string.Join(" | ", errors));
    }

    [TestMethod]
    public void QualifiedName_ReportsEveryProblem()
    {
        var errors = Validate("qualifiedName", "Bad_/" + new string('a', 64));
        Assert.AreEqual(2, errors.Count, string.Join(" | ", errors));
        StringAssert.StartsWith(errors[0], "prefix part a lowercase RFC 1123 subdomain");
        Assert.AreEqual("name part must be no more than 63 characters", errors[1]);
    }
}
