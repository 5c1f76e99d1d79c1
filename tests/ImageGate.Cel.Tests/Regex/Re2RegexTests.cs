using System.Diagnostics;
using ImageGate.Cel.Regex;

namespace ImageGate.Cel.Tests.Regex;

[TestClass]
public sealed class Re2RegexTests
{
    [TestMethod]
    [DataRow("abc", "xxabcxx", true)]
    [DataRow("^abc$", "abc", true)]
    [DataRow("^abc$", "abc\n", false)] // RE2 $ is end of text only
    [DataRow("abc$", "abc\nabc\n", false)]
    [DataRow("(?m)^abc$", "x\nabc\ny", true)]
    [DataRow("(?m)abc$", "abc\n", true)]
    [DataRow(@"\Aabc\z", "abc", true)]
    [DataRow(@"\Aabc\z", "abc\n", false)]
    [DataRow(".", "\n", false)]
    [DataRow("(?s).", "\n", true)]
    [DataRow("(?s:.)x", "\nx", true)]
    [DataRow("(?s:.).", "\n\n", false)] // the s flag ends with its group
    [DataRow(@"\d", "\u0663", false)] // Arabic-Indic digit three: \d is ASCII in RE2
    [DataRow(@"\d", "7", true)]
    [DataRow(@"\w", "\u00e9", false)]
    [DataRow(@"\w", "_", true)]
    [DataRow(@"\s", "\v", false)] // RE2 \s is [\t\n\f\r ]
    [DataRow(@"\s", "\f", true)]
    [DataRow(@"[[:space:]]", "\v", true)]
    [DataRow(@"\S", "\u00a0", true)]
    [DataRow(@"[[:alpha:]]", "\u00e9", false)]
    [DataRow(@"^[[:alpha:]]+$", "Hello", true)]
    [DataRow(@"^[[:^alpha:]]+$", "123 !", true)]
    [DataRow(@"^[[:^alpha:]]+$", "12a", false)]
    [DataRow(@"^[[:xdigit:]]+$", "DeadBeef09", true)]
    [DataRow(@"^[[:punct:]]+$", "!-/:@[`{~", true)]
    [DataRow(@"^[[:word:]]+$", "a_1", true)]
    [DataRow(@"^\pL+$", "h\u00e9llo\u03b1", true)]
    [DataRow(@"^\p{L}+$", "abc1", false)]
    [DataRow(@"^\p{Lu}+$", "ABC\u0394", true)]
    [DataRow(@"^\p{Greek}+$", "\u03b1\u03b2\u03b3", true)]
    [DataRow(@"^\p{Greek}+$", "abc", false)]
    [DataRow(@"^\p{^Greek}+$", "abc", true)]
    [DataRow(@"^\P{Greek}+$", "\u03b1", false)]
    [DataRow(@"^\PL+$", "123 !", true)]
    [DataRow(@"^\P{^L}+$", "abc", true)]
    [DataRow(@"^\p{Han}+$", "\u6f22\u5b57", true)]
    [DataRow(@"^\p{Any}$", "\U0001F600", true)]
    [DataRow(@"^\pL$", "\U0001D400", true)] // MATHEMATICAL BOLD CAPITAL A, outside the BMP
    [DataRow(@"^\PL$", "\U0001D400", false)]
    [DataRow(@"^\p{Lu}\p{Ll}$", "\U0001D400\U0001D41A", true)]
    [DataRow(@"^\pN+$", "12\u00bd", true)]
    [DataRow(@"^[\p{Cyrillic}\d]+$", "\u0416\u04179", true)]
    [DataRow(@"^[^\pL]+$", "12", true)]
    [DataRow(@"^[^\pL]+$", "1a", false)]
    [DataRow(@"(?i)k", "\u212a", true)] // KELVIN SIGN folds to k
    [DataRow(@"(?i)hello", "HeLLo", true)]
    [DataRow(@"(?i:h)ello", "HELLO", false)]
    [DataRow(@"(?i)[^k]", "K", false)]
    [DataRow(@"(?i)[a-c]+$", "ABC", true)]
    [DataRow(@"(?i)\W", "K", false)]
    [DataRow(@"(?i)\p{Lu}", "a", true)]
    [DataRow(@"(?i-i)a", "A", false)]
    [DataRow(@"(?i)a(?-i)b", "Ab", true)]
    [DataRow(@"(?i)a(?-i)b", "AB", false)]
    [DataRow(@"(?i)a(?-i:b)c", "AbC", true)]
    [DataRow(@"a(?i)b|c", "aC", true)] // flags persist across | to the end of the group
    [DataRow(@"(a(?i)b)c", "aBC", false)] // and end with the group
    [DataRow(@"\x41\x{42}\103", "ABC", true)]
    [DataRow(@"^\x{1F600}$", "\U0001F600", true)]
    [DataRow(@"^\0$", "\0", true)]
    [DataRow(@"^\12$", "\n", true)] // octal
    [DataRow(@"^\a\f\t\n\r\v$", "\a\f\t\n\r\v", true)]
    [DataRow(@"\Q.*+?\E", "a.*+?b", true)]
    [DataRow(@"\Q.*\E", "ab", false)]
    [DataRow(@"^\Qa\b$", "a\\b$", true)] // \Q without \E runs to the end
    [DataRow(@"^\Q.*\E*$", ".***", true)] // a repetition after \E applies to the last literal only
    [DataRow(@"^\Q.*\E*$", ".*.*", false)]
    [DataRow(@"^\Q\E*a$", "a", true)] // an empty \Q\E leaves the * to repeat the ^
    [DataRow(@"^a{,3}$", "a{,3}", true)] // not a repeat: literal text
    [DataRow(@"^a{2$", "a{2", true)]
    [DataRow(@"^{$", "{", true)]
    [DataRow(@"^a{01}$", "a{01}", true)] // leading zero: literal text
    [DataRow(@"^a{2,3}$", "aaaa", false)]
    [DataRow(@"^a{2,}$", "aaaaaa", true)]
    [DataRow(@"^[]a]+$", "]a]", true)]
    [DataRow(@"^[^]a]+$", "bc", true)]
    [DataRow(@"^[a-]+$", "-a-", true)]
    [DataRow(@"^[-a]+$", "-a-", true)]
    [DataRow(@"^[a\-z]+$", "-az", true)]
    [DataRow(@"^[a\]]+$", "]a", true)]
    [DataRow(@"^[\d\s]+$", "1 2", true)]
    [DataRow(@"^[\x{1F600}-\x{1F64F}]+$", "\U0001F600\U0001F64F", true)]
    [DataRow(@"^[^a]$", "\U0001F600", true)] // a negated class takes a whole astral code point
    [DataRow(@"^.$", "\U0001F600", true)]
    [DataRow(@"^..$", "\U0001F600", false)]
    [DataRow(@"[^a]", "\n", true)] // negated classes match newline in RE2
    [DataRow(@"\bfoo\b", "a foo b", true)]
    [DataRow(@"\bfoo\b", "afoob", false)]
    [DataRow(@"\Bfoo", "afoo", true)]
    [DataRow("\\b\u00e9", "caf\u00e9", true)] // \b is ASCII: é is not a word character, so f|é is a boundary
    [DataRow("\\b\u00e9", " \u00e9", false)]
    [DataRow(@"f\b", "caf\u00e9", true)]
    [DataRow(@"\B", "\u00e9\u00e9", true)]
    [DataRow(@"^\b", "\u00e9", false)]
    [DataRow(@"^*a", "a", true)] // Go accepts a repeated empty-width assertion
    [DataRow(@"(?:)", "", true)]
    [DataRow(@"", "anything", true)]
    [DataRow(@"a|", "b", true)]
    [DataRow(@"()", "", true)]
    [DataRow(@"(?)a", "a", true)]
    [DataRow(@"^\_\#\ \~$", "_# ~", true)] // any escaped ASCII punctuation is literal
    [DataRow(@"^[[:alpha:]-z]+$", "a-z", true)]
    [DataRow(@"[:alpha:]", "x", false)] // outside brackets this is the class [:alph]
    [DataRow(@"[:alpha:]", "l", true)]
    public void IsMatch_FollowsRe2Semantics(string pattern, string input, bool expected)
    {
        Assert.AreEqual(expected, Re2Regex.Compile(pattern).IsMatch(input), $"pattern {pattern}");
    }

    [TestMethod]
    [DataRow("a|ab", "ab", "a")] // leftmost-first, not leftmost-longest
    [DataRow("ab|a", "ab", "ab")]
    [DataRow("a*?", "aaa", "")]
    [DataRow("a+?", "aaa", "a")]
    [DataRow("a*", "baaa", "")]
    [DataRow("(?U)a*", "aaa", "")] // U swaps greediness
    [DataRow("(?U)a*?", "aaa", "aaa")]
    [DataRow("(?U)a{1,3}", "aaa", "a")]
    [DataRow("(?U:a+)a+", "aaaa", "aaaa")]
    [DataRow("a{2,3}", "aaaa", "aaa")]
    [DataRow("a{2,3}?", "aaaa", "aa")]
    [DataRow(@"\d+", "abc 123 456", "123")]
    [DataRow(@"\p{Greek}+", "abc \u03b1\u03b2\u03b3 def", "\u03b1\u03b2\u03b3")]
    [DataRow(".", "\U0001F600x", "\U0001F600")]
    [DataRow("(?i)stra\u00dfe", "STRA\u00dfE", "STRA\u00dfE")]
    [DataRow(@"x*", "", "")]
    [DataRow(@"(?:\s??)?", "\nx", "")] // priorities of a repetition over a body that can match empty
    [DataRow(@"\PL{1,3}?\s*", "1\n", "1\n")] // lazy loop over a class with many astral ranges
    [DataRow(@"\b\w+\b", "\u00e9t\u00e9 ok", "t")]
    public void Find_ReturnsLeftmostFirstMatch(string pattern, string input, string expected)
    {
        Assert.AreEqual(expected, Re2Regex.Compile(pattern).Find(input));
    }

    [TestMethod]
    public void Find_ReturnsNullWithoutMatch()
    {
        Assert.IsNull(Re2Regex.Compile(@"\d").Find("abc"));
        Assert.IsNull(Re2Regex.Compile(@"x").FindSubmatch("abc"));
    }

    [TestMethod]
    public void FindAll_FollowsGoSemantics()
    {
        CollectionAssert.AreEqual(new[] { "ar", "an", "al" }, Re2Regex.Compile("a.").FindAll("paranormal").ToArray());
        CollectionAssert.AreEqual(new[] { "ar", "an" }, Re2Regex.Compile("a.").FindAll("paranormal", 2).ToArray());
        CollectionAssert.AreEqual(new[] { "aa" }, Re2Regex.Compile("a.").FindAll("graal").ToArray());
        Assert.AreEqual(0, Re2Regex.Compile("a.").FindAll("none").Count);
        Assert.AreEqual(0, Re2Regex.Compile("a.").FindAll("paranormal", 0).Count);
        // An empty match right after a previous match is dropped, as in Go.
        CollectionAssert.AreEqual(new[] { "", "aaa", "" }, Re2Regex.Compile("a*").FindAll("baaac").ToArray());
        CollectionAssert.AreEqual(new[] { "xx", "xx" }, Re2Regex.Compile("x*").FindAll("xxaxx").ToArray());
        // Empty matches advance by whole code points, never splitting a surrogate pair.
        CollectionAssert.AreEqual(new[] { "", "", "" }, Re2Regex.Compile("").FindAll("\U0001F600\U0001F601").ToArray());
        CollectionAssert.AreEqual(new[] { "1", "22", "333" }, Re2Regex.Compile(@"\d+").FindAll("a1b22c333").ToArray());
    }

    [TestMethod]
    public void FindAll_SeesContextBeforeTheSearchPosition()
    {
        CollectionAssert.AreEqual(new[] { "ab" }, Re2Regex.Compile(@"^ab").FindAll("abab").ToArray());
        CollectionAssert.AreEqual(new[] { "ab", "ab" }, Re2Regex.Compile(@"(?m)^ab").FindAll("ab\nab").ToArray());
        CollectionAssert.AreEqual(new[] { "foo" }, Re2Regex.Compile(@"\bfoo").FindAll("foofoo foo").Take(1).ToArray());
        Assert.AreEqual(2, Re2Regex.Compile(@"\bfoo").FindAll("foofoo foo").Count);
    }

    [TestMethod]
    public void FindSubmatch_ReturnsGroupsWithNullForUnmatched()
    {
        var re = Re2Regex.Compile(@"(?P<year>\d{4})-(?<month>\d{2})(-(\d{2}))?");
        var groups = re.FindSubmatch("on 2024-05!")!;
        CollectionAssert.AreEqual(new[] { "2024-05", "2024", "05", null, null }, groups.ToArray());
        Assert.AreEqual(4, re.GroupCount);
        CollectionAssert.AreEqual(new[] { null, "year", "month", null, null }, re.GroupNames.ToArray());
    }

    [TestMethod]
    public void DuplicateGroupNames_AreAllowedAsInGo()
    {
        var re = Re2Regex.Compile(@"(?P<x>a)|(?P<x>b)");
        CollectionAssert.AreEqual(new[] { null, "x", "x" }, re.GroupNames.ToArray());
        // Expansion uses the leftmost group of that name that took part in the match.
        Assert.AreEqual("[a][b]", re.ReplaceAll("ab", "[${x}]"));
    }

    [TestMethod]
    public void GroupsAreNumberedInOrderOfOpeningParenthesis()
    {
        // .NET numbers named groups after unnamed ones; RE2 numbers them by position.
        var groups = Re2Regex.Compile(@"(?P<a>x)(y)(?P<b>z)").FindSubmatch("xyz")!;
        CollectionAssert.AreEqual(new[] { "xyz", "x", "y", "z" }, groups.ToArray());
    }

    [TestMethod]
    public void RepeatedGroupThatCanMatchEmpty_KeepsLastNonEmptyIteration()
    {
        // Go keeps the last iteration that consumed text; a further empty iteration is not taken.
        CollectionAssert.AreEqual(new[] { "ab ", "ab " }, Re2Regex.Compile(@"(\D*){0,}").FindSubmatch("ab 1")!.ToArray());
        Assert.AreEqual("<>1<x\ny\n>", Re2Regex.Compile(@"(\D*)*").ReplaceAll("1x\ny\n", "<$1>"));
    }

    [TestMethod]
    public void WordBoundaries_UseAsciiWordCharacters()
    {
        var re = Re2Regex.Compile(@"\b");
        // Boundaries only around the ASCII word runs "t", "ok" and "1_".
        Assert.AreEqual(6, re.FindAll("\u00e9t\u00e9 ok \u03b11_").Count);
        Assert.AreEqual("\u00e9[]t[\u00e9 ]ok[]", Re2Regex.Compile(@"\b(\W*)\b").ReplaceAll("\u00e9t\u00e9 ok", "[$1]"));
        CollectionAssert.AreEqual(new[] { "ok", "1_" }, Re2Regex.Compile(@"\b\w+\b").FindAll("\u00e9t\u00e9x ok \u03b11_").Skip(2).ToArray());
    }

    [TestMethod]
    public void WordBoundaryPatterns_StayLinear()
    {
        var re = Re2Regex.Compile(@"\b(a+)+\b!");
        var small = Stopwatch.StartNew();
        Assert.IsFalse(re.IsMatch(new string('a', 10_000)));
        small.Stop();
        var large = Stopwatch.StartNew();
        Assert.IsFalse(re.IsMatch(new string('a', 100_000)));
        large.Stop();
        Assert.IsTrue(large.Elapsed < TimeSpan.FromSeconds(10), $"100k input took {large.Elapsed}");
        Assert.IsTrue(large.Elapsed.TotalMilliseconds < Math.Max(40 * small.Elapsed.TotalMilliseconds, 100),
            $"10k: {small.Elapsed.TotalMilliseconds} ms, 100k: {large.Elapsed.TotalMilliseconds} ms");
    }

    [TestMethod]
    public void FindAllSubmatch_ReturnsEveryMatch()
    {
        var all = Re2Regex.Compile(@"(\w)=(\d)").FindAllSubmatch("a=1 b=2 c=x");
        Assert.AreEqual(2, all.Count);
        CollectionAssert.AreEqual(new[] { "b=2", "b", "2" }, all[1].ToArray());
    }

    [TestMethod]
    [DataRow("a(x*)b", "-ab-axxb-", "T", "-T-T-")]
    [DataRow("a(x*)b", "-ab-axxb-", "$1", "--xx-")]
    [DataRow("a(x*)b", "-ab-axxb-", "$1W", "---")] // $1W names the group "1W"
    [DataRow("a(x*)b", "-ab-axxb-", "${1}W", "-W-xxW-")]
    [DataRow("a(?P<1W>x*)b", "-ab-axxb-", "$1W", "--xx-")]
    [DataRow("a(?P<1W>x*)b", "-ab-axxb-", "${1}W", "-W-xxW-")]
    [DataRow("a(?P<n>x*)b", "-ab-axxb-", "[${n}]", "-[]-[xx]-")]
    [DataRow("a(x*)b", "-axb-", "$$1", "-$1-")]
    [DataRow("a(x*)b", "-axb-", "$", "-$-")] // malformed: kept as text
    [DataRow("a(x*)b", "-axb-", "${1", "-${1-")]
    [DataRow("a(x*)b", "-axb-", "$9", "--")] // missing group: empty
    [DataRow("a(x*)b", "-axb-", "$01", "--")] // leading zero: a name, not a number
    [DataRow("a*", "baaac", "X", "XbXcX")]
    [DataRow("", "abc", "-", "-a-b-c-")]
    [DataRow("(a)|b", "ab", "[$1]", "[a][]")]
    public void ReplaceAll_ExpandsLikeGo(string pattern, string input, string replacement, string expected)
    {
        Assert.AreEqual(expected, Re2Regex.Compile(pattern).ReplaceAll(input, replacement));
    }

    [TestMethod]
    public void ReplaceVariants_HonourLimitAndLiteralText()
    {
        var re = Re2Regex.Compile("a");
        Assert.AreEqual("bxnana", re.ReplaceAllLiteral("banana", "x", 1));
        Assert.AreEqual("banana", re.ReplaceAllLiteral("banana", "x", 0));
        Assert.AreEqual("b$1n$1n$1", re.ReplaceAllLiteral("banana", "$1"));
        Assert.AreEqual("ba fo", Re2Regex.Compile("(fo)o (ba)r").Replace("foo bar", g => g[2] + " " + g[1]));
    }

    [TestMethod]
    [DataRow(@"(?=a)", 0)]
    [DataRow(@"x(?!a)", 1)]
    [DataRow(@"xy(?<=a)", 2)]
    [DataRow(@"(?<!a)", 0)]
    [DataRow(@"(?>a)", 0)]
    [DataRow(@"(?#comment)", 0)]
    [DataRow(@"(?(1)a|b)", 0)]
    [DataRow(@"(a)\1", 3)]
    [DataRow(@"\1", 0)]
    [DataRow(@"\8", 0)]
    [DataRow(@"(?P<n>a)(?P=n)", 8)]
    [DataRow(@"a*+", 1)]
    [DataRow(@"a++", 1)]
    [DataRow(@"a?+", 1)]
    [DataRow(@"a**", 1)]
    [DataRow(@"a*??", 1)]
    [DataRow(@"a{2}{3}", 1)]
    [DataRow(@"a{2}*", 1)]
    [DataRow(@"abc\Z", 3)]
    [DataRow(@"\G", 0)]
    [DataRow(@"\C", 0)]
    [DataRow(@"\K", 0)]
    [DataRow(@"\R", 0)]
    [DataRow(@"\X", 0)]
    [DataRow(@"\e", 0)]
    [DataRow(@"\h", 0)]
    [DataRow(@"\N{DIGIT ONE}", 0)]
    [DataRow(@"\u0041", 0)]
    [DataRow(@"\xZZ", 0)]
    [DataRow(@"\x{110000}", 0)]
    [DataRow(@"\x{41", 0)]
    [DataRow(@"\x{}", 0)]
    [DataRow("\\\u00e9", 0)] // escaping a non-ASCII character
    [DataRow(@"abc\", 3)]
    [DataRow(@"*a", 0)]
    [DataRow(@"(*)", 1)]
    [DataRow(@"a|*", 2)]
    [DataRow(@"{2}", 0)]
    [DataRow(@"(?i)*", 4)]
    [DataRow(@"(abc", 0)]
    [DataRow(@"x(a(b)", 1)]
    [DataRow(@"abc)", 3)]
    [DataRow(@"[abc", 0)]
    [DataRow(@"[]", 0)]
    [DataRow(@"[^]", 0)]
    [DataRow(@"[z-a]", 1)]
    [DataRow(@"[a-\d]", 3)]
    [DataRow(@"[\b]", 1)]
    [DataRow(@"[[:foo:]]", 1)]
    [DataRow(@"\p{Foo}", 0)]
    [DataRow(@"\p{Greek", 0)]
    [DataRow(@"\pX", 0)]
    [DataRow(@"\p", 0)]
    [DataRow(@"(?P<>a)", 0)]
    [DataRow(@"(?P<a-b>a)", 0)]
    [DataRow(@"(?P<name", 0)]
    [DataRow(@"(?i", 0)]
    [DataRow(@"(?x)a", 0)]
    [DataRow(@"(?i-)a", 0)]
    [DataRow(@"(?-)a", 0)]
    [DataRow(@"(?i--s)a", 0)]
    [DataRow(@"x{1001}", 1)]
    [DataRow(@"x{2,1001}", 1)]
    [DataRow(@"x{3,2}", 1)]
    [DataRow(@"x{99999999999}", 1)]
    [DataRow(@"(a{500}){3}", 8)]
    [DataRow(@"((a{10}){10}){11}", 13)]
    public void Compile_RejectsWhatRe2Rejects(string pattern, int position)
    {
        var e = Assert.ThrowsExactly<Re2SyntaxException>(() => Re2Regex.Compile(pattern));
        Assert.AreEqual(position, e.Position, e.Message);
        Assert.IsInstanceOfType<FormatException>(e);
        StringAssert.StartsWith(e.Message, "error parsing regexp: ");
    }

    [TestMethod]
    public void Compile_ReportsTheKindOfError()
    {
        Assert.AreEqual("invalid escape sequence", Assert.ThrowsExactly<Re2SyntaxException>(() => Re2Regex.Compile(@"a\Z")).Code);
        Assert.AreEqual("invalid nested repetition operator", Assert.ThrowsExactly<Re2SyntaxException>(() => Re2Regex.Compile("a**")).Code);
        Assert.AreEqual("invalid repeat count", Assert.ThrowsExactly<Re2SyntaxException>(() => Re2Regex.Compile("a{1001}")).Code);
        Assert.AreEqual("missing closing )", Assert.ThrowsExactly<Re2SyntaxException>(() => Re2Regex.Compile("(a")).Code);
        Assert.AreEqual("unexpected )", Assert.ThrowsExactly<Re2SyntaxException>(() => Re2Regex.Compile("a)")).Code);
        Assert.AreEqual("missing closing ]", Assert.ThrowsExactly<Re2SyntaxException>(() => Re2Regex.Compile("[a")).Code);
        Assert.AreEqual("invalid or unsupported Perl syntax", Assert.ThrowsExactly<Re2SyntaxException>(() => Re2Regex.Compile("(?=a)")).Code);
        Assert.AreEqual("missing argument to repetition operator", Assert.ThrowsExactly<Re2SyntaxException>(() => Re2Regex.Compile("+")).Code);
    }

    [TestMethod]
    [DataRow(@"a{1000}")]
    [DataRow(@"((a{10}){10}){10}")]
    [DataRow(@"(a{2}){500}")]
    [DataRow(@"(a*)*")]
    [DataRow(@"(a{0})*")]
    [DataRow(@"[\x{0}-\x{10FFFF}]")]
    [DataRow(@".{1000}")]
    [DataRow(@"\x{1F600}{1000}")]
    [DataRow(@"\pL{1000}")]
    public void Compile_AcceptsLimitsRe2Accepts(string pattern)
    {
        Assert.AreEqual(pattern, Re2Regex.Compile(pattern).Pattern);
    }

    [TestMethod]
    public void LargeCountedRepetition_Matches()
    {
        Assert.IsTrue(Re2Regex.Compile(@"^.{1000}$").IsMatch(new string('\u03b1', 1000)));
        Assert.IsFalse(Re2Regex.Compile(@"^.{1000}$").IsMatch(new string('\u03b1', 999)));
        Assert.IsTrue(Re2Regex.Compile(@"^\x{1F600}{1000}$").IsMatch(string.Concat(Enumerable.Repeat("\U0001F600", 1000))));
    }

    [TestMethod]
    public void Compile_RejectsTooDeepNesting()
    {
        string deep = new string('(', 1001) + new string(')', 1001);
        var e = Assert.ThrowsExactly<Re2SyntaxException>(() => Re2Regex.Compile(deep));
        Assert.AreEqual("expression nests too deeply", e.Code);
        Assert.IsTrue(Re2Regex.Compile(new string('(', 500) + "a" + new string(')', 500)).IsMatch("a"));
    }

    [TestMethod]
    public void Compile_RejectsHugePattern()
    {
        var e = Assert.ThrowsExactly<Re2SyntaxException>(() => Re2Regex.Compile(new string('a', 70_000)));
        Assert.AreEqual("expression too large", e.Code);
    }

    [TestMethod]
    public void MatchingMethods_RejectInputBeyondTheLimit()
    {
        var re = Re2Regex.Compile("a");
        string huge = new string('b', Re2Regex.MaxInputLength + 1);
        Assert.ThrowsExactly<ArgumentException>(() => re.IsMatch(huge));
        Assert.ThrowsExactly<ArgumentException>(() => re.FindAll(huge));
        Assert.ThrowsExactly<ArgumentNullException>(() => re.Find(null!));
    }

    [TestMethod]
    [DataRow(@"(a+)+$")]
    [DataRow(@"^(a|a)*b")]
    [DataRow(@"^(a|aa)+$")]
    [DataRow(@"(x+x+)+y")]
    [DataRow(@"^(\w+\s?)*$")]
    public void CatastrophicPatterns_RunInLinearTime(string pattern)
    {
        var re = Re2Regex.Compile(pattern);
        char c = pattern.Contains('x') ? 'x' : 'a';
        re.IsMatch(new string(c, 100) + "!"); // warm up the lazily built automaton

        var small = Stopwatch.StartNew();
        bool smallResult = re.IsMatch(new string(c, 10_000) + "!");
        small.Stop();
        var large = Stopwatch.StartNew();
        bool largeResult = re.IsMatch(new string(c, 100_000) + "!");
        large.Stop();

        Assert.IsFalse(smallResult, "no pattern here can match input ending in '!'");
        Assert.IsFalse(largeResult);
        Assert.IsTrue(small.Elapsed < TimeSpan.FromSeconds(2), $"10k input took {small.Elapsed}");
        Assert.IsTrue(large.Elapsed < TimeSpan.FromSeconds(5), $"100k input took {large.Elapsed}");
        // Ten times the input may take at most about ten times as long (quadratic would be 100x); the
        // absolute floor absorbs timer noise on very fast runs.
        Assert.IsTrue(large.Elapsed.TotalMilliseconds < Math.Max(40 * small.Elapsed.TotalMilliseconds, 50),
            $"10k: {small.Elapsed.TotalMilliseconds} ms, 100k: {large.Elapsed.TotalMilliseconds} ms");
    }

    [TestMethod]
    public void CatastrophicPattern_FindsMatchWhenThereIsOne()
    {
        string input = new string('a', 10_000);
        Assert.AreEqual(input, Re2Regex.Compile(@"(a+)+$").Find(input));
        Assert.AreEqual(input + "b", Re2Regex.Compile(@"(a|a)*b").Find(input + "b"));
    }

    [TestMethod]
    public void GetOrCompile_CachesAndStaysBounded()
    {
        var first = Re2Regex.GetOrCompile("cache-me-[0-9]+");
        Assert.AreSame(first, Re2Regex.GetOrCompile("cache-me-[0-9]+"));
        for (int i = 0; i < Re2Regex.CacheCapacity + 10; i++)
        {
            Assert.IsTrue(Re2Regex.GetOrCompile("p" + i).IsMatch("xp" + i));
        }
        Assert.ThrowsExactly<Re2SyntaxException>(() => Re2Regex.GetOrCompile("(?=x)"));
    }

    [TestMethod]
    public void SharedInstances_MatchCorrectlyFromManyThreads()
    {
        var vmBacked = Re2Regex.Compile(@"\b([a-z]+)\b\pL*"); // word boundaries and \pL run on the VM
        var dotNetBacked = Re2Regex.Compile(@"([a-z]+)=(\d+)");
        var errors = 0;
        Parallel.For(0, 2000, i =>
        {
            string word = new string('q', 1 + i % 7);
            if (vmBacked.FindSubmatch("1 " + word + " y")?[1] != word
                || dotNetBacked.FindSubmatch($"k{i}=v key={i}")?[2] != i.ToString())
            {
                Interlocked.Increment(ref errors);
            }
        });
        Assert.AreEqual(0, errors);
    }

    [TestMethod]
    public void GetOrCompile_IsThreadSafe()
    {
        var errors = 0;
        Parallel.For(0, 2000, i =>
        {
            var re = Re2Regex.GetOrCompile("t" + (i % 50) + @"\d+");
            if (re.Find("xt" + (i % 50) + "123y") != "t" + (i % 50) + "123")
            {
                Interlocked.Increment(ref errors);
            }
        });
        Assert.AreEqual(0, errors);
    }
}
