namespace ImageGate.Cel.Regex;

/// <summary>
/// Parses RE2 syntax (as accepted by Go's regexp package) into <see cref="Re2Node"/> trees and rejects
/// everything RE2 rejects: backreferences, lookaround, possessive and nested quantifiers, unknown escapes.
/// </summary>
internal sealed class Re2Parser
{
    /// <summary>Longest accepted pattern, in UTF-16 code units.</summary>
    public const int MaxPatternLength = 64 * 1024;

    private const int MaxRepeat = 1000;
    private const int MaxNesting = 1000;

    private const string ErrInvalidEscape = "invalid escape sequence";
    private const string ErrInvalidCharRange = "invalid character class range";
    private const string ErrMissingBracket = "missing closing ]";
    private const string ErrMissingParen = "missing closing )";
    private const string ErrUnexpectedParen = "unexpected )";
    private const string ErrInvalidRepeatOp = "invalid nested repetition operator";
    private const string ErrInvalidRepeatSize = "invalid repeat count";
    private const string ErrMissingRepeatArgument = "missing argument to repetition operator";
    private const string ErrInvalidNamedCapture = "invalid named capture";
    private const string ErrInvalidPerlOp = "invalid or unsupported Perl syntax";
    private const string ErrTrailingBackslash = "trailing backslash at end of expression";
    private const string ErrNestingDepth = "expression nests too deeply";
    private const string ErrTooLarge = "expression too large";

    [Flags]
    private enum Flags
    {
        None = 0,
        FoldCase = 1,    // i
        MultiLine = 2,   // m: ^ and $ match at line boundaries
        DotNewLine = 4,  // s: . matches \n
        NonGreedy = 8,   // U: swap greedy and non-greedy repetition
    }

    private readonly string _p;
    private int _pos;
    private Flags _flags;
    private int _depth;
    private readonly List<string?> _groupNames = [null];

    private Re2Parser(string pattern) => _p = pattern;

    /// <summary>Parses <paramref name="pattern"/>; group names are indexed by capture number (index 0 is the whole match).</summary>
    public static Re2Node Parse(string pattern, out IReadOnlyList<string?> groupNames)
    {
        if (pattern.Length > MaxPatternLength)
        {
            throw new Re2SyntaxException(ErrTooLarge, $"pattern of {pattern.Length} characters exceeds {MaxPatternLength}", 0);
        }
        var parser = new Re2Parser(pattern);
        var node = parser.ParseAlternation();
        if (parser._pos < pattern.Length)
        {
            // ParseAlternation only stops early at an unmatched ')'.
            throw parser.Error(ErrUnexpectedParen, parser._pos, parser._pos + 1);
        }
        groupNames = parser._groupNames;
        return node;
    }

    private Re2SyntaxException Error(string code, int start, int end) =>
        new(code, _p[start..Math.Min(Math.Max(end, start), _p.Length)], start);

    private bool AtEnd => _pos >= _p.Length;

    private char Peek(int offset = 0) => _pos + offset < _p.Length ? _p[_pos + offset] : '\0';

    private int NextCodePoint()
    {
        int cp = char.IsSurrogatePair(_p, _pos) ? char.ConvertToUtf32(_p, _pos) : _p[_pos];
        _pos += cp > 0xFFFF ? 2 : 1;
        return cp;
    }

    private Re2Node ParseAlternation()
    {
        var alternatives = new List<Re2Node> { ParseConcat() };
        while (!AtEnd && Peek() == '|')
        {
            _pos++;
            alternatives.Add(ParseConcat());
        }
        return alternatives.Count == 1 ? alternatives[0] : new AlternationNode(alternatives);
    }

    private Re2Node ParseConcat()
    {
        var items = new List<Re2Node>();
        int lastRepeatStart = -1;
        while (!AtEnd && Peek() != '|' && Peek() != ')')
        {
            int start = _pos;
            int repeatStart = -1;
            switch (Peek())
            {
                case '(':
                    var group = ParseGroup();
                    if (group is not null)
                    {
                        items.Add(group);
                    }
                    break;
                case '[':
                    items.Add(new CharSetNode(ParseClass()));
                    break;
                case '^':
                    _pos++;
                    items.Add(new AssertionNode(Has(Flags.MultiLine) ? AssertionKind.BeginLine : AssertionKind.BeginText));
                    break;
                case '$':
                    _pos++;
                    items.Add(new AssertionNode(Has(Flags.MultiLine) ? AssertionKind.EndLine : AssertionKind.EndText));
                    break;
                case '.':
                    _pos++;
                    var dot = Has(Flags.DotNewLine)
                        ? CodePointSet.Of((0, CodePointSet.MaxCodePoint))
                        : CodePointSet.Of((0, '\n' - 1), ('\n' + 1, CodePointSet.MaxCodePoint));
                    items.Add(new CharSetNode(dot));
                    break;
                case '*':
                case '+':
                case '?':
                {
                    char op = Peek();
                    _pos++;
                    var (min, max) = op switch { '*' => (0, -1), '+' => (1, -1), _ => (0, 1) };
                    ApplyRepeat(items, min, max, start, lastRepeatStart);
                    repeatStart = start;
                    break;
                }
                case '{':
                    if (TryParseRepeatCount(out int rmin, out int rmax))
                    {
                        ApplyRepeat(items, rmin, rmax, start, lastRepeatStart);
                        repeatStart = start;
                    }
                    else
                    {
                        _pos++;
                        items.Add(Literal('{'));
                    }
                    break;
                case '\\' when Peek(1) == 'Q':
                    // \Q...\E: everything up to \E (or the end) is literal; a following
                    // repetition applies to the last character only, as in Go.
                    int end = _p.IndexOf(@"\E", _pos + 2, StringComparison.Ordinal);
                    int literalEnd = end < 0 ? _p.Length : end;
                    _pos += 2;
                    while (_pos < literalEnd)
                    {
                        items.Add(Literal(NextCodePoint()));
                    }
                    _pos = end < 0 ? _p.Length : end + 2;
                    break;
                case '\\':
                    var escaped = ParseEscapeOutsideClass();
                    if (escaped is not null)
                    {
                        items.Add(escaped);
                    }
                    break;
                default:
                    items.Add(Literal(NextCodePoint()));
                    break;
            }
            lastRepeatStart = repeatStart;
        }
        return items.Count switch
        {
            0 => new EmptyNode(),
            1 => items[0],
            _ => new ConcatNode(items),
        };
    }

    private bool Has(Flags flag) => (_flags & flag) != 0;

    private CharSetNode Literal(int codePoint)
    {
        var set = CodePointSet.Of((codePoint, codePoint));
        return new CharSetNode(Has(Flags.FoldCase) ? set.CaseFold() : set);
    }

    private void ApplyRepeat(List<Re2Node> items, int min, int max, int start, int lastRepeatStart)
    {
        bool greedy = !Has(Flags.NonGreedy);
        if (Peek() == '?')
        {
            _pos++;
            greedy = !greedy;
        }
        if (lastRepeatStart >= 0)
        {
            // Perl forbids stacking repetition operators: a** and a*+ are errors, not a doubled star.
            throw Error(ErrInvalidRepeatOp, lastRepeatStart, _pos);
        }
        if (items.Count == 0)
        {
            throw Error(ErrMissingRepeatArgument, start, _pos);
        }
        var repeat = new RepeatNode(items[^1], min, max, greedy);
        if ((min >= 2 || max >= 2) && !RepeatIsValid(repeat, MaxRepeat))
        {
            throw Error(ErrInvalidRepeatSize, start, _pos);
        }
        items[^1] = repeat;
    }

    // The combined count of nested repetitions may not exceed 1000 copies of the innermost item.
    private static bool RepeatIsValid(Re2Node node, int budget)
    {
        if (node is RepeatNode repeat)
        {
            int m = repeat.Max;
            if (m == 0)
            {
                return true;
            }
            if (m < 0)
            {
                m = repeat.Min;
            }
            if (m > budget)
            {
                return false;
            }
            if (m > 0)
            {
                budget /= m;
            }
        }
        return node switch
        {
            RepeatNode r => RepeatIsValid(r.Body, budget),
            GroupNode g => RepeatIsValid(g.Body, budget),
            ConcatNode c => c.Items.All(i => RepeatIsValid(i, budget)),
            AlternationNode a => a.Alternatives.All(i => RepeatIsValid(i, budget)),
            _ => true,
        };
    }

    // {n}, {n,} or {n,m}; anything else leaves '{' to be read as a literal.
    private bool TryParseRepeatCount(out int min, out int max)
    {
        min = max = 0;
        int p = _pos + 1;
        if (!TryParseInt(ref p, out min))
        {
            return false;
        }
        if (p >= _p.Length)
        {
            return false;
        }
        if (_p[p] == ',')
        {
            p++;
            if (p < _p.Length && _p[p] == '}')
            {
                max = -1;
            }
            else if (!TryParseInt(ref p, out max))
            {
                return false;
            }
        }
        else
        {
            max = min;
        }
        if (p >= _p.Length || _p[p] != '}')
        {
            return false;
        }
        int start = _pos;
        _pos = p + 1;
        if (min < 0 || min > MaxRepeat || max > MaxRepeat || (max >= 0 && min > max))
        {
            throw Error(ErrInvalidRepeatSize, start, _pos);
        }
        return true;
    }

    private bool TryParseInt(ref int p, out int value)
    {
        value = 0;
        int start = p;
        while (p < _p.Length && char.IsAsciiDigit(_p[p]))
        {
            p++;
        }
        if (p == start || (p - start >= 2 && _p[start] == '0'))
        {
            return false; // no digits, or a disallowed leading zero
        }
        // Large values only need to be recognised as too large.
        value = p - start > 8 ? 100_000_000 : int.Parse(_p.AsSpan(start, p - start), provider: System.Globalization.CultureInfo.InvariantCulture);
        return true;
    }

    // Returns null for a flag-setting group such as (?i), which matches nothing itself.
    private Re2Node? ParseGroup()
    {
        int start = _pos;
        _pos++; // (
        if (Peek() != '?')
        {
            int index = _groupNames.Count;
            _groupNames.Add(null);
            return new GroupNode(ParseGroupBody(start), index);
        }

        bool pythonName = Peek(1) == 'P' && Peek(2) == '<';
        bool perlName = Peek(1) == '<' && Peek(2) != '=' && Peek(2) != '!';
        if (pythonName || perlName)
        {
            int nameStart = _pos + (pythonName ? 3 : 2);
            int close = _p.IndexOf('>', nameStart);
            if (close < 0)
            {
                throw Error(ErrInvalidNamedCapture, start, _p.Length);
            }
            string name = _p[nameStart..close];
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                throw Error(ErrInvalidNamedCapture, start, close + 1);
            }
            // Like Go (unlike C++ RE2), several groups may share a name.
            _pos = close + 1;
            int index = _groupNames.Count;
            _groupNames.Add(name);
            return new GroupNode(ParseGroupBody(start), index);
        }

        // Flags: (?flags) or (?flags:re), flags from imsU with at most one '-'.
        _pos++; // ?
        var flags = _flags;
        bool negated = false, sawFlag = false;
        while (!AtEnd)
        {
            char c = _p[_pos++];
            Flags flag = c switch
            {
                'i' => Flags.FoldCase,
                'm' => Flags.MultiLine,
                's' => Flags.DotNewLine,
                'U' => Flags.NonGreedy,
                _ => Flags.None,
            };
            if (flag != Flags.None)
            {
                flags = negated ? flags & ~flag : flags | flag;
                sawFlag = true;
                continue;
            }
            if (c == '-' && !negated)
            {
                negated = true;
                sawFlag = false;
                continue;
            }
            if ((c == ':' || c == ')') && (!negated || sawFlag))
            {
                if (c == ')')
                {
                    _flags = flags;
                    return null;
                }
                var saved = _flags;
                _flags = flags;
                var body = ParseGroupBody(start);
                _flags = saved;
                return new GroupNode(body, 0);
            }
            break;
        }
        // Lookahead, lookbehind, atomic groups, comments, conditionals and the like.
        throw Error(ErrInvalidPerlOp, start, _pos);
    }

    // Parses up to and including the ')' closing the group opened at start; flags set inside stay inside.
    private Re2Node ParseGroupBody(int start)
    {
        if (++_depth > MaxNesting)
        {
            throw Error(ErrNestingDepth, start, start + 1);
        }
        var saved = _flags;
        var body = ParseAlternation();
        _flags = saved;
        _depth--;
        if (AtEnd)
        {
            throw Error(ErrMissingParen, start, _p.Length);
        }
        _pos++; // )
        return body;
    }

    private Re2Node? ParseEscapeOutsideClass()
    {
        int start = _pos;
        if (_pos + 1 >= _p.Length)
        {
            throw Error(ErrTrailingBackslash, start, _p.Length);
        }
        char c = _p[_pos + 1];
        switch (c)
        {
            case 'A':
                _pos += 2;
                return new AssertionNode(AssertionKind.BeginText);
            case 'z':
                _pos += 2;
                return new AssertionNode(AssertionKind.EndText);
            case 'b':
                _pos += 2;
                return new AssertionNode(AssertionKind.WordBoundary);
            case 'B':
                _pos += 2;
                return new AssertionNode(AssertionKind.NotWordBoundary);
        }
        var perl = TryParsePerlClass();
        if (perl is not null)
        {
            return new CharSetNode(perl);
        }
        var unicode = TryParseUnicodeClass();
        if (unicode is not null)
        {
            return new CharSetNode(unicode);
        }
        return Literal(ParseEscape());
    }

    // \d \s \w and their negations, case-folded under (?i) before negation, as RE2 does.
    private CodePointSet? TryParsePerlClass()
    {
        if (Peek() != '\\')
        {
            return null;
        }
        char c = Peek(1);
        var set = UnicodeTables.PerlClass(char.ToLowerInvariant(c));
        if (set is null || !char.IsAsciiLetter(c))
        {
            return null;
        }
        _pos += 2;
        return FoldAndSign(set, char.IsUpper(c));
    }

    private CodePointSet FoldAndSign(CodePointSet set, bool negate)
    {
        if (Has(Flags.FoldCase))
        {
            set = set.CaseFold();
        }
        return negate ? set.Negate() : set;
    }

    // \pL, \p{Greek}, \p{^Greek}, \PL, \P{^L}.
    private CodePointSet? TryParseUnicodeClass()
    {
        if (Peek() != '\\' || (Peek(1) != 'p' && Peek(1) != 'P'))
        {
            return null;
        }
        int start = _pos;
        bool negate = Peek(1) == 'P';
        _pos += 2;
        string name;
        if (Peek() == '{' && !AtEnd)
        {
            int close = _p.IndexOf('}', _pos);
            if (close < 0)
            {
                throw Error(ErrInvalidCharRange, start, _p.Length);
            }
            name = _p[(_pos + 1)..close];
            _pos = close + 1;
            if (name.StartsWith('^'))
            {
                negate = !negate;
                name = name[1..];
            }
        }
        else
        {
            if (AtEnd)
            {
                throw Error(ErrInvalidCharRange, start, _pos);
            }
            int cpStart = _pos;
            NextCodePoint();
            name = _p[cpStart.._pos];
        }
        var set = UnicodeTables.UnicodeClass(name) ?? throw Error(ErrInvalidCharRange, start, _pos);
        return FoldAndSign(set, negate);
    }

    // A single escaped code point: octal, \x, \a \f \n \r \t \v or escaped ASCII punctuation.
    private int ParseEscape()
    {
        int start = _pos;
        _pos++; // backslash
        if (AtEnd)
        {
            throw Error(ErrTrailingBackslash, start, _p.Length);
        }
        int c = NextCodePoint();
        switch (c)
        {
            case >= '1' and <= '7':
                // A single non-zero digit would be a backreference, which RE2 does not support.
                if (!IsOctal(Peek()) || AtEnd)
                {
                    break;
                }
                goto case '0';
            case '0':
            {
                int value = c - '0';
                for (int i = 0; i < 2 && !AtEnd && IsOctal(Peek()); i++)
                {
                    value = value * 8 + (_p[_pos++] - '0');
                }
                return value;
            }
            case 'x':
                if (AtEnd)
                {
                    break;
                }
                if (Peek() == '{')
                {
                    _pos++;
                    int value = 0, digits = 0;
                    while (!AtEnd && char.IsAsciiHexDigit(Peek()))
                    {
                        value = value * 16 + Convert.ToInt32(_p[_pos++].ToString(), 16);
                        digits++;
                        if (value > CodePointSet.MaxCodePoint)
                        {
                            throw Error(ErrInvalidEscape, start, _pos);
                        }
                    }
                    if (digits == 0 || AtEnd || Peek() != '}')
                    {
                        break;
                    }
                    _pos++;
                    return value;
                }
                if (_pos + 1 < _p.Length && char.IsAsciiHexDigit(_p[_pos]) && char.IsAsciiHexDigit(_p[_pos + 1]))
                {
                    int value = Convert.ToInt32(_p.Substring(_pos, 2), 16);
                    _pos += 2;
                    return value;
                }
                break;
            case 'a': return 7;
            case 'f': return '\f';
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            case 'v': return '\v';
            default:
                if (c < 0x80 && !char.IsAsciiLetterOrDigit((char)c))
                {
                    return c;
                }
                break;
        }
        throw Error(ErrInvalidEscape, start, _pos);
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';

    private CodePointSet ParseClass()
    {
        int start = _pos;
        _pos++; // [
        bool negate = false;
        if (Peek() == '^' && !AtEnd)
        {
            _pos++;
            negate = true;
        }
        var set = new CodePointSet();
        bool first = true;
        while (AtEnd || Peek() != ']' || first)
        {
            if (AtEnd)
            {
                throw Error(ErrMissingBracket, start, _p.Length);
            }
            first = false;

            // POSIX class such as [:alpha:] or [:^alpha:].
            if (Peek() == '[' && Peek(1) == ':')
            {
                int close = _p.IndexOf(":]", _pos + 2, StringComparison.Ordinal);
                if (close >= 0)
                {
                    string name = _p[(_pos + 2)..close];
                    bool negatedPosix = name.StartsWith('^');
                    var posix = UnicodeTables.PosixClass(negatedPosix ? name[1..] : name)
                        ?? throw Error(ErrInvalidCharRange, _pos, close + 2);
                    _pos = close + 2;
                    set.AddSet(FoldAndSign(posix, negatedPosix));
                    continue;
                }
            }
            var unicode = TryParseUnicodeClass();
            if (unicode is not null)
            {
                set.AddSet(unicode);
                continue;
            }
            var perl = TryParsePerlClass();
            if (perl is not null)
            {
                set.AddSet(perl);
                continue;
            }

            int rangeStart = _pos;
            int lo = ParseClassChar(start), hi = lo;
            if (Peek() == '-' && _pos + 1 < _p.Length && _p[_pos + 1] != ']')
            {
                _pos++;
                hi = ParseClassChar(start);
                if (hi < lo)
                {
                    throw Error(ErrInvalidCharRange, rangeStart, _pos);
                }
            }
            var range = CodePointSet.Of((lo, hi));
            set.AddSet(Has(Flags.FoldCase) ? range.CaseFold() : range);
        }
        _pos++; // ]
        return negate ? set.Negate() : set;
    }

    private int ParseClassChar(int classStart)
    {
        if (AtEnd)
        {
            throw Error(ErrMissingBracket, classStart, _p.Length);
        }
        return Peek() == '\\' ? ParseEscape() : NextCodePoint();
    }
}
