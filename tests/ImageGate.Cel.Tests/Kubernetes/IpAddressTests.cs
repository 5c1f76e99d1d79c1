using ImageGate.Cel.Kubernetes;

namespace ImageGate.Cel.Tests.Kubernetes;

[TestClass]
public sealed class IpAddressTests
{
    [TestMethod]
    [DataRow("192.168.0.1", 4, "192.168.0.1")]
    [DataRow("0.0.0.0", 4, "0.0.0.0")]
    [DataRow("255.255.255.255", 4, "255.255.255.255")]
    [DataRow("::1", 6, "::1")]
    [DataRow("::", 6, "::")]
    [DataRow("2001:db8::68", 6, "2001:db8::68")]
    [DataRow("2001:DB8:0:0:0:0:0:68", 6, "2001:db8::68")]
    [DataRow("2001:0db8:0000:0000:0000:0000:0000:0068", 6, "2001:db8::68")]
    [DataRow("2001:db8:0:0:1:0:0:1", 6, "2001:db8::1:0:0:1")] // the first of equal zero runs is compressed
    [DataRow("2001:db8:0:1:1:1:1:1", 6, "2001:db8:0:1:1:1:1:1")] // a single zero group is not compressed
    [DataRow("1::", 6, "1::")]
    [DataRow("fe80::1:2:3:4", 6, "fe80::1:2:3:4")]
    [DataRow("::1.2.3.4", 6, "::102:304")]
    [DataRow("64:ff9b::192.0.2.33", 6, "64:ff9b::c000:221")]
    [DataRow("1:2:3:4:5:6:1.2.3.4", 6, "1:2:3:4:5:6:102:304")]
    public void Parse_AcceptsStrictAddresses(string text, int family, string canonical)
    {
        var ip = IpAddress.Parse(text);
        Assert.AreEqual(family, ip.Family);
        Assert.AreEqual(canonical, ip.ToString());
        Assert.IsTrue(IpAddress.IsValid(text));
        Assert.AreEqual(text == canonical, IpAddress.IsCanonical(text));
    }

    [TestMethod]
    [DataRow("", "unable to parse IP")]
    [DataRow("1", "unable to parse IP")]
    [DataRow("localhost", "unable to parse IP")]
    [DataRow("192.168.0.01", "IPv4 field has octet with leading zero")]
    [DataRow("010.0.0.1", "IPv4 field has octet with leading zero")]
    [DataRow("256.0.0.1", "IPv4 field has value >255")]
    [DataRow("1.2.3", "IPv4 address too short")]
    [DataRow("1.2.3.4.5", "IPv4 address too long")]
    [DataRow("1..2.3", "IPv4 field must have at least one digit")]
    [DataRow("1.2.3.", "IPv4 field must have at least one digit")]
    [DataRow(" 1.2.3.4", "unexpected character")]
    [DataRow("1.2.3.4/32", "unexpected character")]
    [DataRow("1.2.3.4%eth0", "unexpected character")]
    [DataRow("%eth0", "missing IPv6 address")]
    [DataRow("1:2:3:4:5:6:7", "address string too short")]
    [DataRow("1:2:3:4:5:6:7:8:9", "trailing garbage after address")]
    [DataRow("1::2::3", "multiple :: in address")]
    [DataRow("12345::", "each group must have 4 or less digits")]
    [DataRow(":1::", "each colon-separated field must have at least one digit")]
    [DataRow("1:", "colon must be followed by more characters")]
    [DataRow("1:2:3:4:5:6:7:8::", "the :: must expand to at least one field of zeros")]
    [DataRow("1:2:3:4:5:6:7::8", "the :: must expand to at least one field of zeros")]
    [DataRow("1:2:1.2.3.4", "embedded IPv4 address must replace the final 2 fields")]
    [DataRow("::1.2.3.04", "IPv4 field has octet with leading zero")]
    [DataRow("g::1", "each colon-separated field must have at least one digit")]
    [DataRow("fe80::1%", "zone must be a non-empty string")]
    [DataRow("fe80::1%eth0", "with zone value is not allowed")]
    [DataRow("::ffff:1.2.3.4", "IPv4-mapped IPv6 address \"::ffff:1.2.3.4\" is not allowed")]
    [DataRow("::ffff:102:304", "IPv4-mapped IPv6 address")]
    public void Parse_RejectsWhatKubernetesRejects(string text, string message)
    {
        var e = Assert.ThrowsExactly<FormatException>(() => IpAddress.Parse(text));
        StringAssert.Contains(e.Message, message);
        Assert.IsFalse(IpAddress.TryParse(text, out var ip));
        Assert.IsNull(ip);
        Assert.ThrowsExactly<FormatException>(() => IpAddress.IsCanonical(text));
    }

    [TestMethod]
    // address, unspecified, loopback, link-local multicast, link-local unicast, global unicast
    [DataRow("0.0.0.0", true, false, false, false, false)]
    [DataRow("::", true, false, false, false, false)]
    [DataRow("127.0.0.1", false, true, false, false, false)]
    [DataRow("127.255.0.9", false, true, false, false, false)]
    [DataRow("::1", false, true, false, false, false)]
    [DataRow("224.0.0.1", false, false, true, false, false)]
    [DataRow("224.0.1.1", false, false, false, false, false)] // multicast, but not link-local
    [DataRow("ff02::1", false, false, true, false, false)]
    [DataRow("ff12::1", false, false, true, false, false)]
    [DataRow("ff05::1", false, false, false, false, false)]
    [DataRow("169.254.1.1", false, false, false, true, false)]
    [DataRow("fe80::1", false, false, false, true, false)]
    [DataRow("febf::1", false, false, false, true, false)]
    [DataRow("fec0::1", false, false, false, false, true)]
    [DataRow("255.255.255.255", false, false, false, false, false)]
    [DataRow("10.0.0.1", false, false, false, false, true)] // private ranges count as global unicast, as in Go
    [DataRow("8.8.8.8", false, false, false, false, true)]
    [DataRow("2001:db8::1", false, false, false, false, true)]
    [DataRow("fd00::1", false, false, false, false, true)]
    public void Predicates_MatchGoNetip(string text, bool unspecified, bool loopback, bool llMulticast, bool llUnicast, bool global)
    {
        var ip = IpAddress.Parse(text);
        Assert.AreEqual(unspecified, ip.IsUnspecified, "unspecified");
        Assert.AreEqual(loopback, ip.IsLoopback, "loopback");
        Assert.AreEqual(llMulticast, ip.IsLinkLocalMulticast, "link-local multicast");
        Assert.AreEqual(llUnicast, ip.IsLinkLocalUnicast, "link-local unicast");
        Assert.AreEqual(global, ip.IsGlobalUnicast, "global unicast");
    }

    [TestMethod]
    public void Equality_ComparesValues()
    {
        Assert.AreEqual(IpAddress.Parse("2001:db8::1"), IpAddress.Parse("2001:DB8:0::1"));
        Assert.AreEqual(IpAddress.Parse("::1").GetHashCode(), IpAddress.Parse("0::1").GetHashCode());
        Assert.AreNotEqual(IpAddress.Parse("::102:304"), IpAddress.Parse("1.2.3.4"));
        CollectionAssert.AreEqual(new byte[] { 10, 0, 0, 1 }, IpAddress.Parse("10.0.0.1").GetAddressBytes());
    }
}

[TestClass]
public sealed class CidrTests
{
    [TestMethod]
    [DataRow("192.168.0.0/24", "192.168.0.0", 24, "192.168.0.0/24")]
    [DataRow("10.0.0.1/8", "10.0.0.1", 8, "10.0.0.0/8")] // ip() keeps the address as written
    [DataRow("0.0.0.0/0", "0.0.0.0", 0, "0.0.0.0/0")]
    [DataRow("1.2.3.4/32", "1.2.3.4", 32, "1.2.3.4/32")]
    [DataRow("2001:db8::/32", "2001:db8::", 32, "2001:db8::/32")]
    [DataRow("2001:db8::1/64", "2001:db8::1", 64, "2001:db8::/64")]
    [DataRow("::/0", "::", 0, "::/0")]
    [DataRow("2001:db8::1/127", "2001:db8::1", 127, "2001:db8::/127")]
    [DataRow("1.2.3.255/31", "1.2.3.255", 31, "1.2.3.254/31")]
    public void Parse_ReadsPrefixes(string text, string ip, int length, string masked)
    {
        var cidr = Cidr.Parse(text);
        Assert.AreEqual(ip, cidr.Ip.ToString());
        Assert.AreEqual(length, cidr.PrefixLength);
        Assert.AreEqual(masked, cidr.Masked().ToString());
        Assert.AreEqual(text, cidr.ToString());
        Assert.IsTrue(Cidr.IsValid(text));
    }

    [TestMethod]
    [DataRow("192.168.0.0", "no '/'")]
    [DataRow("192.168.0.0/", "bad bits after slash")]
    [DataRow("192.168.0.0/08", "bad bits after slash")]
    [DataRow("192.168.0.0/+8", "bad bits after slash")]
    [DataRow("192.168.0.0/-1", "bad bits after slash")]
    [DataRow("192.168.0.0/ 8", "bad bits after slash")]
    [DataRow("192.168.0.0/33", "prefix length out of range")]
    [DataRow("::/129", "prefix length out of range")]
    [DataRow("192.168.00.0/24", "IPv4 field has octet with leading zero")]
    [DataRow("fe80::1%eth0/64", "IPv6 zones cannot be present in a prefix")]
    [DataRow("::ffff:1.2.3.0/120", "IPv4-mapped IPv6 address")]
    [DataRow("/8", "unable to parse IP")]
    public void Parse_RejectsWhatKubernetesRejects(string text, string message)
    {
        var e = Assert.ThrowsExactly<FormatException>(() => Cidr.Parse(text));
        StringAssert.Contains(e.Message, message);
        Assert.IsFalse(Cidr.TryParse(text, out var cidr));
        Assert.IsNull(cidr);
    }

    [TestMethod]
    [DataRow("192.168.0.0/24", "192.168.0.1", true)]
    [DataRow("192.168.0.0/24", "192.168.1.1", false)]
    [DataRow("192.168.0.1/24", "192.168.0.200", true)] // host bits of the prefix do not matter
    [DataRow("0.0.0.0/0", "8.8.8.8", true)]
    [DataRow("0.0.0.0/0", "::1", false)] // other family
    [DataRow("::/0", "1.2.3.4", false)]
    [DataRow("2001:db8::/32", "2001:db8:ffff::1", true)]
    [DataRow("2001:db8::/32", "2001:db9::1", false)]
    [DataRow("10.0.0.0/7", "11.255.255.255", true)]
    [DataRow("10.0.0.0/7", "12.0.0.0", false)]
    public void ContainsIp_ChecksMembership(string cidr, string ip, bool expected)
    {
        Assert.AreEqual(expected, Cidr.Parse(cidr).ContainsIp(ip));
        Assert.AreEqual(expected, Cidr.Parse(cidr).ContainsIp(IpAddress.Parse(ip)));
    }

    [TestMethod]
    [DataRow("192.168.0.0/16", "192.168.10.0/24", true)]
    [DataRow("192.168.0.0/16", "192.168.0.0/16", true)]
    [DataRow("192.168.0.0/24", "192.168.0.0/16", false)] // wider prefix
    [DataRow("192.168.0.0/16", "192.169.0.0/24", false)]
    [DataRow("2001:db8::/32", "2001:db8:1::/48", true)]
    [DataRow("::/0", "0.0.0.0/0", false)]
    public void ContainsCidr_ChecksSubnets(string cidr, string other, bool expected)
    {
        Assert.AreEqual(expected, Cidr.Parse(cidr).ContainsCidr(other));
        Assert.AreEqual(expected, Cidr.Parse(cidr).ContainsCidr(Cidr.Parse(other)));
    }

    [TestMethod]
    public void ContainsWithInvalidText_Throws()
    {
        var cidr = Cidr.Parse("10.0.0.0/8");
        Assert.ThrowsExactly<FormatException>(() => cidr.ContainsIp("10.0.0.01"));
        Assert.ThrowsExactly<FormatException>(() => cidr.ContainsCidr("10.0.0.0"));
    }

    [TestMethod]
    public void Equality_UsesAddressAsWrittenAndLength()
    {
        Assert.AreEqual(Cidr.Parse("10.0.0.0/8"), Cidr.Parse("10.0.0.0/8"));
        Assert.AreNotEqual(Cidr.Parse("10.0.0.1/8"), Cidr.Parse("10.0.0.0/8"));
        Assert.AreEqual(Cidr.Parse("10.0.0.1/8").Masked(), Cidr.Parse("10.0.0.0/8"));
        Assert.AreNotEqual(Cidr.Parse("10.0.0.0/8"), Cidr.Parse("10.0.0.0/9"));
    }
}
