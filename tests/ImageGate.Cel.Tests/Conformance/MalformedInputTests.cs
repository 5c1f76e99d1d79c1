namespace ImageGate.Cel.Tests.Conformance;

/// <summary>Malformed literals and macro calls are reported as positioned syntax errors, never as exceptions.</summary>
[TestClass]
public sealed class MalformedInputTests
{
    [TestMethod]
    [DataRow(@"'\UFFFFFFFF'")]
    [DataRow(@"'\uD800'")]
    [DataRow(@"b'\u0041'")]
    [DataRow(@"'\400'")]
    [DataRow("0x")]
    [DataRow("18446744073709551616u")]
    [DataRow("9223372036854775808")]
    [DataRow("1e400")]
    [DataRow("`a`")]
    [DataRow("a.`b")]
    [DataRow("'''unterminated")]
    [DataRow("'line\nbreak'")]
    [DataRow("{1: 2, ?}")]
    [DataRow("[?]")]
    [DataRow("a.?")]
    [DataRow("x.all(1, true)")]
    [DataRow("has(x)")]
    [DataRow("cel.bind(a.b, 1, 2)")]
    [DataRow("a ? b")]
    [DataRow("a = b")]
    [DataRow("while")]
    public void IsASyntaxError(string expr)
    {
        var r = new CelEnvironment(new CelOptions { AllowUndeclaredVariables = true }).Compile(expr);
        Assert.IsFalse(r.Success, expr);
        Assert.IsNotEmpty(r.Issues);
        StringAssert.StartsWith(r.Issues[0].ToDisplayString(), "ERROR: <input>:");
    }
}
