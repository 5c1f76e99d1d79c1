using static ImageGate.Cel.Tests.Engine.EvalHelper;

namespace ImageGate.Cel.Tests.Engine;

/// <summary>Behaviours policies depend on, including every evaluator bug listed for the package ImageGate does not use.</summary>
[TestClass]
public sealed class SemanticsTests
{
    private static Dictionary<string, object?> Obj(object? value) => new() { ["o"] = value };

    [TestMethod]
    public void HasTestsPresenceNotEmptiness()
    {
        var o = new Dictionary<string, object?>
        {
            ["labels"] = new Dictionary<string, object?>(),
            ["empty"] = "",
            ["nil"] = null,
        };
        IsTrue("has(o.labels) && has(o.empty) && has(o.nil) && !has(o.missing)", Obj(o));
        Assert.StartsWith("invalid type", Error("has(o.empty.x)", Obj(o)));
    }

    [TestMethod]
    public void ErrorsAreAbsorbedCommutativelyByLogicalOperators()
    {
        var o = new Dictionary<string, object?> { ["metadata"] = new Dictionary<string, object?>() };
        IsTrue("o.metadata.missing == 'x' || true", Obj(o));
        IsTrue("true || o.metadata.missing == 'x'", Obj(o));
        IsTrue("!(o.metadata.missing == 'x' && false)", Obj(o));
        IsTrue("!((1/0 > 0) && false)");
        StringAssert.Contains(Error("o.metadata.missing == 'x' || false", Obj(o)), "no such key: missing");
        StringAssert.Contains(Error("[0].all(x, 1/x > 0)"), "division by zero");
        IsTrue("[0, 1].exists(x, 1/x > 0)");
        IsTrue("[0, 1].all(x, 1/x > 0) == false || true");
        StringAssert.Contains(Error("'a' && true", env: new CelEnvironment(new CelOptions { TypeCheck = false })), "no such overload");
        StringAssert.Contains(Error("!([0].all(x, 1/x > 0))"), "division by zero");
    }

    [TestMethod]
    public void EqualityIsHeterogeneousAndMapKeysKeepTheirTypes()
    {
        IsTrue("dyn(1) != 'a' && dyn('1') != 1");
        IsTrue("1 == 1u && 1u == 1.0 && dyn(1) == 1.0");
        IsTrue("{1: 'a', '1': 'b'}.size() == 2");
        StringAssert.Contains(Error("{1: 'a'}[dyn('1')]"), "no such key");
        IsTrue("{1: 'a'}[1u] == 'a' && {1: 'a'}[1.0] == 'a'");
        IsTrue("[1, 'a', null] == [1.0, 'a', null]");
    }

    [TestMethod]
    public void NumbersFollowCelRules()
    {
        IsTrue("type(size('ab')) == int");
        IsTrue("5.0 / 0.0 == double('Infinity') && -5.0 / 0.0 == double('-Infinity')");
        IsTrue("math.isNaN(0.0 / 0.0)");
        StringAssert.Contains(Error("9223372036854775807 + 1"), "overflow");
        StringAssert.Contains(Error("-9223372036854775808 - 1"), "overflow");
        StringAssert.Contains(Error("-9223372036854775808 / -1"), "overflow");
        StringAssert.Contains(Error("0u - 1u"), "overflow");
        StringAssert.Contains(Error("18446744073709551615u * 2u"), "overflow");
        StringAssert.Contains(Error("1 % 0"), "modulus by zero");
        StringAssert.Contains(Error("int('0x10')"), "cannot convert");
        IsTrue("int('-42') == -42 && uint('42') == 42u && double('1e3') == 1000.0");
        IsTrue("1 < 2u && 2.5 > 2 && 3u >= 3.0");
    }

    [TestMethod]
    public void StringsUseCodePointsAndCelSemantics()
    {
        IsTrue("'hello'.substring(1, 3) == 'el'");
        IsTrue("'abc'.indexOf('') == 0 && 'a😀b'.indexOf('b') == 2 && size('a😀b') == 3");
        IsTrue("'Hello'.lowerAscii() == 'hello' && 'Hello'.upperAscii() == 'HELLO'");
        IsTrue("'a,b,c'.split(',', 2) == ['a', 'b,c'] && 'aaa'.replace('a', 'b', 2) == 'bba'");
        IsTrue("['a', 'b'].join('-') == 'a-b' && '  x '.trim() == 'x' && 'abc'.reverse() == 'cba'");
        IsTrue("'%s has %d items costing %.2f'.format(['cart', 3, 9.5]) == 'cart has 3 items costing 9.50'");
        IsTrue("strings.quote('a\"b') == '\"a\\\\\"b\"'");
        IsTrue("'abc'.charAt(1) == 'b' && 'abcb'.lastIndexOf('b') == 3");
        StringAssert.Contains(Error("'abc'.matches('(?=h)')"), "invalid regular expression");
    }

    [TestMethod]
    public void TimestampsAndDurationsKeepNanosecondsAndTimeZones()
    {
        IsTrue("string(timestamp('2009-02-13T23:31:30.5Z')) == '2009-02-13T23:31:30.5Z'");
        IsTrue("string(duration('1.5s')) == '1.5s' && duration('1h30m') == duration('5400s')");
        IsTrue("timestamp('2024-01-01T00:30:00Z').getHours('America/New_York') == 19");
        IsTrue("timestamp('2024-01-01T00:30:00Z').getHours('+05:30') == 6");
        IsTrue("timestamp('2024-03-01T00:00:00Z') - timestamp('2024-02-28T00:00:00Z') == duration('48h')");
        IsTrue("timestamp('2024-01-01T00:00:00.000000001Z') > timestamp('2024-01-01T00:00:00Z')");
        IsTrue("timestamp('2024-01-01T00:00:00Z').getDayOfWeek() == 1 && timestamp('2024-12-31T00:00:00Z').getDayOfYear() == 365");
        StringAssert.Contains(Error("timestamp('9999-12-31T23:59:59Z') + duration('1s')"), "out of range");
        StringAssert.Contains(Error("timestamp('2024-01-01T00:00:00Z').getHours('Mars/Base')"), "time zone");
        IsTrue("type(timestamp('2024-01-01T00:00:00Z')) == google.protobuf.Timestamp");
    }

    [TestMethod]
    public void MacrosBindingsAndTwoVariableComprehensions()
    {
        IsTrue("[1, 2, 3].map(x, x > 1, x * 10) == [20, 30]");
        IsTrue("[1, 2, 3].filter(x, x % 2 == 1) == [1, 3] && [1, 2, 3].exists_one(x, x == 2)");
        IsTrue("cel.bind(x, 'abc', x + x) == 'abcabc'");
        IsTrue("{'a': 1, 'b': 2}.all(k, v, v > 0) && [10, 20].exists(i, v, i == 1 && v == 20)");
        IsTrue("[1, 2].transformList(i, v, v * i) == [0, 2]");
        IsTrue("{'a': 1}.transformMap(k, v, v + 1) == {'a': 2}");
        IsTrue("{'a': 1}.transformMapEntry(k, v, {v: k}) == {1: 'a'}");
        IsTrue("{'a': 1, 'b': 2}.map(k, k) == ['a', 'b']");
        IsTrue("[3, 1, 2].sortBy(x, -x) == [3, 2, 1]");
    }

    [TestMethod]
    public void OptionalsChainAndDefault()
    {
        var o = new Dictionary<string, object?> { ["metadata"] = new Dictionary<string, object?> { ["name"] = "web" } };
        IsTrue("o.?metadata.?labels.?app.orValue('none') == 'none'", Obj(o));
        IsTrue("o.?metadata.?name.value() == 'web'", Obj(o));
        IsTrue("[1, 2][?5].hasValue() == false && {'a': 1}[?'a'] == optional.of(1)");
        IsTrue("[?optional.none(), ?optional.of(2)] == [2] && {?'k': optional.none()}.size() == 0");
        IsTrue("optional.of(2).optMap(x, x * 2).value() == 4 && optional.none().or(optional.of(1)).value() == 1");
        IsTrue("[1, 2].first().value() == 1 && [].last().hasValue() == false");
    }

    [TestMethod]
    public void ListSetMathAndEncoderExtensions()
    {
        IsTrue("[1, 2, 3, 4].slice(1, 3) == [2, 3] && [[1], [2, [3]]].flatten() == [1, 2, [3]]");
        IsTrue("[3, 1, 2].sort() == [1, 2, 3] && [1, 1, 2].distinct() == [1, 2] && lists.range(3) == [0, 1, 2]");
        IsTrue("sets.contains([1, 2, 3], [2]) && sets.equivalent([1, 2], [2, 1, 1]) && sets.intersects([1], [1, 5])");
        IsTrue("math.greatest(1, 2.5, 2u) == 2.5 && math.least([3, 1]) == 1 && math.abs(-3) == 3 && math.round(2.5) == 3.0");
        IsTrue("math.bitOr(1, 2) == 3 && math.bitShiftLeft(1, 3) == 8 && math.sqrt(16) == 4.0");
        IsTrue("base64.encode(b'hello') == 'aGVsbG8=' && base64.decode('aGVsbG8=') == b'hello'");
    }

    [TestMethod]
    public void KubernetesLibraries()
    {
        IsTrue("quantity('500m').isLessThan(quantity('1')) && quantity('1Gi').asInteger() == 1073741824");
        IsTrue("quantity('1').add(2).compareTo(quantity('3')) == 0 && isQuantity('10Mi') && !isQuantity('ten')");
        IsTrue("url('https://example.com:8080/a%20b?x=1&x=2').getPort() == '8080' && url('https://example.com/p?x=1').getQuery()['x'] == ['1']");
        IsTrue("ip('10.0.0.1').family() == 4 && ip('::1').isLoopback() && isIP('1.2.3.4') && !isIP('1.2.3')");
        IsTrue("cidr('10.0.0.0/8').containsIP('10.1.2.3') && cidr('10.1.2.3/8').masked() == cidr('10.0.0.0/8') && cidr('10.0.0.0/8').prefixLength() == 8");
        IsTrue("semver('1.2.3').major() == 1 && semver('1.2.3').isLessThan(semver('1.10.0')) && !isSemver('v1')");
        IsTrue("format.dns1123Label().validate('Bad_Name').hasValue() && !format.dns1123Label().validate('good').hasValue()");
        IsTrue("format.named('uuid').hasValue() && !format.named('nope').hasValue()");
        IsTrue("'abc123def45'.find('[0-9]+') == '123' && 'abc123def45'.findAll('[0-9]+') == ['123', '45'] && 'a1b2c3'.findAll('[0-9]', 2) == ['1', '2']");
        IsTrue("[1, 2, 3].isSorted() && [1, 2, 3].sum() == 6 && [3, 1, 2].min() == 1 && [3, 1, 2].max() == 3 && [1, 2, 1].lastIndexOf(1) == 2");
        IsTrue("regex.replace('a-b-c', '-', '+') == 'a+b+c' && regex.extract('key=value', 'key=(.*)') == optional.of('value')");
        StringAssert.Contains(Error("quantity('nope')"), "quantity");
    }

    [TestMethod]
    public void CatastrophicRegexRunsInLinearTime()
    {
        var input = new string('a', 10_000) + "!";
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var v = Eval("s.matches('^(a+)+$')", new Dictionary<string, object?> { ["s"] = input });
        sw.Stop();
        Assert.AreEqual(false, v);
        Assert.IsLessThan(5_000, sw.ElapsedMilliseconds, $"took {sw.ElapsedMilliseconds} ms");
    }

    [TestMethod]
    public void RunawayExpressionStopsAtTheCostBudget()
    {
        var env = new CelEnvironment(new CelOptions { CostLimit = 1_000_000 });
        var r = env.Compile("lists.range(1000).all(i, lists.range(1000).all(j, lists.range(1000).all(k, i + j + k >= 0)))");
        Assert.IsTrue(r.Success, r.ErrorText);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var v = r.Program!.Evaluate(Activation.Empty);
        Assert.IsInstanceOfType<CelError>(v);
        StringAssert.Contains(((CelError)v).Message, "cost limit exceeded");
        Assert.IsLessThan(10_000, sw.ElapsedMilliseconds);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var cancelled = new CelEnvironment().Compile("lists.range(100000).all(i, i >= 0)").Program!.Evaluate(Activation.Empty, cts.Token);
        StringAssert.Contains(((CelError)cancelled).Message, "cancelled");
    }
}
