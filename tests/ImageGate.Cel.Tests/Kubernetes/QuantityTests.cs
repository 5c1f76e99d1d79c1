using ImageGate.Cel.Kubernetes;

namespace ImageGate.Cel.Tests.Kubernetes;

[TestClass]
public sealed class QuantityTests
{
    [TestMethod]
    [DataRow("0", "0")]
    [DataRow("100m", "100m")]
    [DataRow("1.5", "1500m")]
    [DataRow("1.5k", "1500")]
    [DataRow("1k", "1k")]
    [DataRow("1000", "1k")]
    [DataRow("1024", "1024")]
    [DataRow("1Ki", "1Ki")]
    [DataRow("1023Ki", "1023Ki")]
    [DataRow("2048Ki", "2Mi")]
    [DataRow("1.5Gi", "1536Mi")]
    [DataRow("0.5Gi", "512Mi")]
    [DataRow("0.5Ki", "512")] // binary values below 1024 print as decimal
    [DataRow("1e3", "1e3")]
    [DataRow("12e6", "12e6")]
    [DataRow("100e-3", "100e-3")]
    [DataRow("1E", "1E")]
    [DataRow("1n", "1n")]
    [DataRow("0.1n", "1n")] // rounded up to the smallest unit
    [DataRow("-0.1n", "-1n")]
    [DataRow("0.0001", "100u")]
    [DataRow("-1.5", "-1500m")]
    [DataRow("+1", "+1")] // Kubernetes keeps an input that needs no rewriting
    [DataRow("1.0", "1")]
    [DataRow("001", "001")] // kept as written, as Kubernetes does for inputs it considers canonical
    [DataRow("-0", "0")]
    [DataRow(".5", "500m")]
    [DataRow("1.", "1.")]
    [DataRow("1.00", "1")]
    [DataRow("1Ei", "1Ei")]
    [DataRow("8Ei", "9223372036854775807")] // binary values are capped at the int64 maximum
    [DataRow("12345678901234567890", "12345678901234567890")]
    [DataRow("1.000000000001", "1000000001n")]
    public void Parse_GivesKubernetesCanonicalForm(string input, string canonical)
    {
        Assert.AreEqual(canonical, Quantity.Parse(input).ToString());
        Assert.IsTrue(Quantity.IsValid(input));
    }

    [TestMethod]
    [DataRow("", "quantities must match the regular expression")]
    [DataRow(" 1", "quantities must match the regular expression")]
    [DataRow("1 ", "quantities must match the regular expression")]
    [DataRow("abc", "quantities must match the regular expression")]
    [DataRow("1.5.5", "quantities must match the regular expression")]
    [DataRow("1e3.5", "quantities must match the regular expression")]
    [DataRow("1kk", "unable to parse quantity's suffix")]
    [DataRow("1K", "unable to parse quantity's suffix")]
    [DataRow("1e", "unable to parse quantity's suffix")]
    [DataRow("1Mi5", "unable to parse quantity's suffix")]
    [DataRow("1-", "unable to parse quantity's suffix")]
    [DataRow("--1", "unable to parse quantity's suffix")]
    [DataRow("1e99999999999999999999", "unable to parse quantity's suffix")]
    [DataRow("1e10001", "out of the supported range")]
    public void Parse_RejectsInvalidInput(string input, string message)
    {
        var e = Assert.ThrowsExactly<FormatException>(() => Quantity.Parse(input));
        StringAssert.Contains(e.Message, message);
        Assert.IsFalse(Quantity.TryParse(input, out var q));
        Assert.IsNull(q);
        Assert.IsFalse(Quantity.IsValid(input));
    }

    [TestMethod]
    [DataRow("50k", 50000L)]
    [DataRow("1Gi", 1073741824L)]
    [DataRow("-5", -5L)]
    [DataRow("9E", 9000000000000000000L)]
    [DataRow("1.5k", 1500L)]
    [DataRow("0", 0L)]
    public void AsInteger_ConvertsWholeNumbers(string input, long expected)
    {
        var q = Quantity.Parse(input);
        Assert.IsTrue(q.IsInteger);
        Assert.AreEqual(expected, q.AsInteger());
    }

    [TestMethod]
    [DataRow("1.5")]
    [DataRow("50m")]
    [DataRow("1000m")] // Kubernetes keeps milli scale, so this is not an int64 fast conversion
    [DataRow("1.5Gi")] // parsed as an arbitrary-precision decimal
    [DataRow("10E")] // overflows int64
    [DataRow("9223372036854775807")] // 19 digits take the decimal path in Kubernetes
    [DataRow("9999999999999999999999999999999999999G")]
    public void AsInteger_FailsWhereKubernetesFails(string input)
    {
        var q = Quantity.Parse(input);
        Assert.IsFalse(q.IsInteger);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => q.AsInteger());
        Assert.AreEqual("cannot convert value to integer", e.Message);
    }

    [TestMethod]
    public void AsApproximateFloat64_ConvertsAllValues()
    {
        Assert.AreEqual(1.5, Quantity.Parse("1.5").AsApproximateFloat64());
        Assert.AreEqual(0.1, Quantity.Parse("100m").AsApproximateFloat64(), 1e-15);
        Assert.AreEqual(1024.0, Quantity.Parse("1Ki").AsApproximateFloat64());
        Assert.AreEqual(1.610612736e9, Quantity.Parse("1.5Gi").AsApproximateFloat64(), 1e-3);
        Assert.AreEqual(-2e-9, Quantity.Parse("-2n").AsApproximateFloat64(), 1e-24);
        Assert.AreEqual(double.PositiveInfinity, Quantity.Parse("1e400").AsApproximateFloat64());
        Assert.AreEqual(1e300, Quantity.Parse("1e300").AsApproximateFloat64(), 1e285);
    }

    [TestMethod]
    public void Compare_UsesExactValues()
    {
        Assert.AreEqual(0, Quantity.Parse("1k").CompareTo(Quantity.Parse("1000")));
        Assert.IsTrue(Quantity.Parse("1Ki").IsGreaterThan(Quantity.Parse("1k")));
        Assert.IsTrue(Quantity.Parse("100m").IsLessThan(Quantity.Parse("1")));
        Assert.IsFalse(Quantity.Parse("1").IsLessThan(Quantity.Parse("1000m")));
        Assert.IsTrue(Quantity.Parse("-1").IsLessThan(Quantity.Parse("0")));
        Assert.IsTrue(Quantity.Parse("1e-9").IsLessThan(Quantity.Parse("1e10000")));
        Assert.AreEqual(-1, Quantity.Parse("999m").CompareTo(Quantity.Parse("1")));
        Assert.AreEqual(1, Quantity.Parse("1").CompareTo(null));
        Assert.AreEqual(Quantity.Parse("1k"), Quantity.Parse("1000"));
        Assert.AreEqual(Quantity.Parse("1k").GetHashCode(), Quantity.Parse("1000000m").GetHashCode());
        Assert.AreNotEqual(Quantity.Parse("1k"), Quantity.Parse("1Ki"));
    }

    [TestMethod]
    public void Sign_ReflectsValue()
    {
        Assert.AreEqual(-1, Quantity.Parse("-1m").Sign);
        Assert.AreEqual(0, Quantity.Parse("0Gi").Sign);
        Assert.AreEqual(1, Quantity.Parse("1n").Sign);
        Assert.IsTrue(Quantity.Parse("-0.0").IsZero);
    }

    [TestMethod]
    public void AddAndSubtract_FollowKubernetes()
    {
        Assert.AreEqual("1001", Quantity.Parse("1k").Add(Quantity.Parse("1")).ToString());
        Assert.AreEqual("1", Quantity.Parse("100m").Add(Quantity.Parse("900m")).ToString());
        Assert.AreEqual("2Gi", Quantity.Parse("1Gi").Add(Quantity.Parse("1Gi")).ToString());
        Assert.AreEqual("3", Quantity.Parse("1").Add(2).ToString());
        Assert.AreEqual("500m", Quantity.Parse("1").Subtract(Quantity.Parse("500m")).ToString());
        Assert.AreEqual("0", Quantity.Parse("1Ki").Subtract(1024).ToString());
        Assert.AreEqual("-1", Quantity.Parse("1").Subtract(2).ToString());
        Assert.AreEqual("1Ki", Quantity.Parse("0").Add(Quantity.Parse("1Ki")).ToString()); // a zero takes the other's format

        // int64 overflow moves to arbitrary precision, which is no longer an integer fast conversion.
        var big = Quantity.Parse("9E").Add(Quantity.Parse("9E"));
        Assert.AreEqual("18E", big.ToString());
        Assert.IsFalse(big.IsInteger);
        Assert.IsTrue(big.IsGreaterThan(Quantity.Parse("9E")));

        // The result is at the smaller scale, so 1 + 0m keeps milli units.
        var milli = Quantity.Parse("1").Add(Quantity.Parse("1m"));
        Assert.AreEqual("1001m", milli.ToString());
        Assert.IsFalse(milli.IsInteger);
        Assert.AreEqual(2000L, Quantity.Parse("1k").Add(Quantity.Parse("1k")).AsInteger());
    }

    [TestMethod]
    public void FromInt64_UsesDecimalExponentFormat()
    {
        var q = Quantity.FromInt64(5000);
        Assert.AreEqual(QuantityFormat.DecimalExponent, q.Format);
        Assert.AreEqual("5e3", q.ToString());
        Assert.AreEqual(5000L, q.AsInteger());
    }
}
