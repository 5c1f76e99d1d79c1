using ImageGate.Cel.Kubernetes;

namespace ImageGate.Cel.Tests.Kubernetes;

[TestClass]
public sealed class SemVerTests
{
    [TestMethod]
    [DataRow("1.2.3", 1UL, 2UL, 3UL, "", "")]
    [DataRow("0.0.0", 0UL, 0UL, 0UL, "", "")]
    [DataRow("1.0.0-alpha.1", 1UL, 0UL, 0UL, "alpha.1", "")]
    [DataRow("1.0.0-alpha+001", 1UL, 0UL, 0UL, "alpha", "001")]
    [DataRow("1.0.0+20130313144700", 1UL, 0UL, 0UL, "", "20130313144700")]
    [DataRow("1.0.0-x-y-z.--", 1UL, 0UL, 0UL, "x-y-z.--", "")]
    [DataRow("1.0.0+build-1.x", 1UL, 0UL, 0UL, "", "build-1.x")]
    [DataRow("18446744073709551615.0.0", 18446744073709551615UL, 0UL, 0UL, "", "")]
    public void Parse_ReadsStrictVersions(string text, ulong major, ulong minor, ulong patch, string pre, string build)
    {
        var v = SemVer.Parse(text);
        Assert.AreEqual(major, v.Major);
        Assert.AreEqual(minor, v.Minor);
        Assert.AreEqual(patch, v.Patch);
        Assert.AreEqual(pre, string.Join('.', v.PreRelease));
        Assert.AreEqual(build, string.Join('.', v.Build));
        Assert.AreEqual(text, v.ToString());
        Assert.IsTrue(SemVer.IsValid(text));
    }

    [TestMethod]
    [DataRow("", "Version string empty")]
    [DataRow("1", "No Major.Minor.Patch elements found")]
    [DataRow("1.2", "No Major.Minor.Patch elements found")]
    [DataRow("v1.2.3", "Invalid character(s) found in major number")]
    [DataRow("01.2.3", "Major number must not contain leading zeroes")]
    [DataRow("1.02.3", "Minor number must not contain leading zeroes")]
    [DataRow("1.2.03", "Patch number must not contain leading zeroes")]
    [DataRow("1.2.x", "Invalid character(s) found in patch number")]
    [DataRow("1.2.3-", "Prerelease is empty")]
    [DataRow("1.2.3-a..b", "Prerelease is empty")]
    [DataRow("1.2.3-01", "Numeric PreRelease version must not contain leading zeroes")]
    [DataRow("1.2.3-a_b", "Invalid character(s) found in prerelease")]
    [DataRow("1.2.3+", "Buildversion is empty")]
    [DataRow("1.2.3+a$", "Invalid character(s) found in build meta data")]
    [DataRow(" 1.2.3", "Invalid character(s) found in major number")]
    [DataRow("1.2.3 ", "Invalid character(s) found in patch number")]
    [DataRow("18446744073709551616.0.0", "invalid major number")]
    [DataRow("1..3", "invalid minor number")]
    public void Parse_RejectsInvalidVersions(string text, string message)
    {
        var e = Assert.ThrowsExactly<FormatException>(() => SemVer.Parse(text));
        StringAssert.Contains(e.Message, message);
        Assert.IsFalse(SemVer.IsValid(text));
    }

    [TestMethod]
    [DataRow("v1.2.3", "1.2.3")]
    [DataRow("1", "1.0.0")]
    [DataRow("v1.2", "1.2.0")]
    [DataRow("v01.02.03", "1.2.3")]
    [DataRow("1.00.0", "1.0.0")]
    [DataRow("1.2.3-beta.1", "1.2.3-beta.1")]
    public void Parse_NormalizesWhenAsked(string text, string expected)
    {
        Assert.AreEqual(expected, SemVer.Parse(text, normalize: true).ToString());
        Assert.IsTrue(SemVer.IsValid(text, normalize: true));
    }

    [TestMethod]
    [DataRow("1.2-beta", "short version cannot contain PreRelease/Build meta data")]
    [DataRow("1+build", "short version cannot contain PreRelease/Build meta data")]
    [DataRow("V1.2.3", "Invalid character(s) found in major number")] // only a lower-case v is dropped
    [DataRow("vv1.2.3", "Invalid character(s) found in major number")]
    [DataRow("", "invalid major number")]
    public void Parse_NormalizeStillRejects(string text, string message)
    {
        var e = Assert.ThrowsExactly<FormatException>(() => SemVer.Parse(text, normalize: true));
        StringAssert.Contains(e.Message, message);
    }

    [TestMethod]
    [DataRow("1.0.0", "2.0.0", -1)]
    [DataRow("2.0.0", "2.1.0", -1)]
    [DataRow("2.1.0", "2.1.1", -1)]
    [DataRow("1.0.0-alpha", "1.0.0", -1)]
    [DataRow("1.0.0-alpha", "1.0.0-alpha.1", -1)]
    [DataRow("1.0.0-alpha.1", "1.0.0-alpha.beta", -1)]
    [DataRow("1.0.0-alpha.beta", "1.0.0-beta", -1)]
    [DataRow("1.0.0-beta", "1.0.0-beta.2", -1)]
    [DataRow("1.0.0-beta.2", "1.0.0-beta.11", -1)]
    [DataRow("1.0.0-beta.11", "1.0.0-rc.1", -1)]
    [DataRow("1.0.0-rc.1", "1.0.0", -1)]
    [DataRow("1.0.0+a", "1.0.0+b", 0)]
    [DataRow("1.10.0", "1.9.0", 1)]
    [DataRow("1.0.0-B", "1.0.0-a", -1)] // ASCII order
    public void CompareTo_FollowsSemverPrecedence(string a, string b, int expected)
    {
        var va = SemVer.Parse(a);
        var vb = SemVer.Parse(b);
        Assert.AreEqual(expected, va.CompareTo(vb));
        Assert.AreEqual(-expected, vb.CompareTo(va));
        Assert.AreEqual(expected < 0, va.IsLessThan(vb));
        Assert.AreEqual(expected > 0, va.IsGreaterThan(vb));
        Assert.AreEqual(expected == 0, va.Equals(vb));
    }

    [TestMethod]
    public void Equality_IgnoresBuildMetadata()
    {
        Assert.AreEqual(SemVer.Parse("1.0.0+x"), SemVer.Parse("1.0.0+y"));
        Assert.AreEqual(SemVer.Parse("1.0.0+x").GetHashCode(), SemVer.Parse("1.0.0").GetHashCode());
        Assert.AreNotEqual(SemVer.Parse("1.0.0-x"), SemVer.Parse("1.0.0"));
        Assert.IsTrue(SemVer.TryParse("1.2.3", false, out var v));
        Assert.AreEqual(2UL, v!.Minor);
        Assert.IsFalse(SemVer.TryParse("nope", true, out var none));
        Assert.IsNull(none);
    }
}
