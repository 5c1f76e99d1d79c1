using System.Text;

namespace ImageGate.Cel.Regex;

/// <summary>A set of Unicode code points kept as sorted, disjoint, non-adjacent inclusive ranges.</summary>
internal sealed class CodePointSet
{
    internal const int MaxCodePoint = 0x10FFFF;

    private readonly List<(int Lo, int Hi)> _ranges = new();
    private bool _normalized = true;

    /// <summary>The normalized ranges of the set.</summary>
    public IReadOnlyList<(int Lo, int Hi)> Ranges
    {
        get
        {
            Normalize();
            return _ranges;
        }
    }

    public static CodePointSet Of(params (int Lo, int Hi)[] ranges)
    {
        var set = new CodePointSet();
        foreach (var (lo, hi) in ranges)
        {
            set.Add(lo, hi);
        }
        return set;
    }

    public CodePointSet Clone()
    {
        var copy = new CodePointSet();
        copy._ranges.AddRange(Ranges);
        return copy;
    }

    public void Add(int lo, int hi)
    {
        if (lo > hi)
        {
            return;
        }
        _ranges.Add((lo, hi));
        _normalized = false;
    }

    public void Add(int codePoint) => Add(codePoint, codePoint);

    public void AddSet(CodePointSet other)
    {
        foreach (var r in other.Ranges)
        {
            Add(r.Lo, r.Hi);
        }
    }

    public bool Contains(int codePoint)
    {
        var ranges = Ranges;
        int lo = 0, hi = ranges.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (codePoint < ranges[mid].Lo)
            {
                hi = mid - 1;
            }
            else if (codePoint > ranges[mid].Hi)
            {
                lo = mid + 1;
            }
            else
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Returns the complement of this set within [0, U+10FFFF].</summary>
    public CodePointSet Negate()
    {
        var result = new CodePointSet();
        int next = 0;
        foreach (var (lo, hi) in Ranges)
        {
            if (lo > next)
            {
                result._ranges.Add((next, lo - 1));
            }
            next = hi + 1;
        }
        if (next <= MaxCodePoint)
        {
            result._ranges.Add((next, MaxCodePoint));
        }
        return result;
    }

    /// <summary>Adds every simple case variant of each member (what RE2 does under the i flag).</summary>
    public CodePointSet CaseFold()
    {
        var result = Clone();
        foreach (int c in UnicodeTables.CasedCodePoints)
        {
            if (Contains(c))
            {
                foreach (int variant in UnicodeTables.CaseOrbit(c))
                {
                    result.Add(variant);
                }
            }
        }
        return result;
    }

    private void Normalize()
    {
        if (_normalized)
        {
            return;
        }
        _ranges.Sort((a, b) => a.Lo.CompareTo(b.Lo));
        var merged = new List<(int Lo, int Hi)>(_ranges.Count);
        foreach (var r in _ranges)
        {
            if (merged.Count > 0 && r.Lo <= merged[^1].Hi + 1)
            {
                var last = merged[^1];
                merged[^1] = (last.Lo, Math.Max(last.Hi, r.Hi));
            }
            else
            {
                merged.Add(r);
            }
        }
        _ranges.Clear();
        _ranges.AddRange(merged);
        _normalized = true;
    }

    /// <summary>
    /// Writes a .NET pattern fragment matching exactly one member code point of the set in UTF-16 text.
    /// Astral code points become surrogate-pair sequences; surrogate code points never match.
    /// </summary>
    public void AppendDotNetPattern(StringBuilder sb)
    {
        var bmp = new List<(int Lo, int Hi)>();
        var astral = new List<(int Lo, int Hi)>();
        foreach (var (lo, hi) in Ranges)
        {
            AddClipped(bmp, lo, hi, 0, 0xD7FF);
            AddClipped(bmp, lo, hi, 0xE000, 0xFFFF);
            AddClipped(astral, lo, hi, 0x10000, MaxCodePoint);
        }

        var alternatives = new List<string>();
        if (bmp.Count > 0)
        {
            alternatives.Add(BmpClass(bmp));
        }
        alternatives.AddRange(AstralAlternatives(astral));

        if (alternatives.Count == 0)
        {
            // The empty set: a class no character belongs to.
            sb.Append(@"[^\u0000-\uFFFF]");
        }
        else if (alternatives.Count == 1)
        {
            sb.Append(alternatives[0]);
        }
        else
        {
            sb.Append("(?:").AppendJoin('|', alternatives).Append(')');
        }
    }

    /// <summary>How many surrogate-pair alternatives the .NET form of the set needs.</summary>
    public int AstralAlternativeCount()
    {
        var astral = new List<(int Lo, int Hi)>();
        foreach (var (lo, hi) in Ranges)
        {
            AddClipped(astral, lo, hi, 0x10000, MaxCodePoint);
        }
        return AstralAlternatives(astral).Count();
    }

    private static void AddClipped(List<(int Lo, int Hi)> target, int lo, int hi, int min, int max)
    {
        int a = Math.Max(lo, min), b = Math.Min(hi, max);
        if (a <= b)
        {
            target.Add((a, b));
        }
    }

    private static string BmpClass(List<(int Lo, int Hi)> ranges)
    {
        if (ranges.Count == 1 && ranges[0].Lo == ranges[0].Hi)
        {
            return EscapeChar(ranges[0].Lo);
        }
        var sb = new StringBuilder("[");
        foreach (var (lo, hi) in ranges)
        {
            sb.Append(EscapeClassChar(lo));
            if (hi > lo)
            {
                if (hi > lo + 1)
                {
                    sb.Append('-');
                }
                sb.Append(EscapeClassChar(hi));
            }
        }
        return sb.Append(']').ToString();
    }

    // Astral code points as (high surrogate class)(low surrogate class) sequences. High surrogates that
    // share the same set of low surrogates are grouped into one class, which keeps the alternation short.
    private static IEnumerable<string> AstralAlternatives(List<(int Lo, int Hi)> astral)
    {
        var lowsByHigh = new SortedDictionary<int, List<(int Lo, int Hi)>>();
        foreach (var (lo, hi) in astral)
        {
            for (int high = HighSurrogate(lo); high <= HighSurrogate(hi); high++)
            {
                int first = Math.Max(lo, 0x10000 + ((high - 0xD800) << 10));
                int last = Math.Min(hi, 0x10000 + ((high - 0xD800) << 10) + 0x3FF);
                if (!lowsByHigh.TryGetValue(high, out var lows))
                {
                    lowsByHigh[high] = lows = new List<(int Lo, int Hi)>();
                }
                lows.Add((LowSurrogate(first), LowSurrogate(last)));
            }
        }
        var highsByLows = new Dictionary<string, List<(int Lo, int Hi)>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (high, lows) in lowsByHigh)
        {
            string lowClass = BmpClass(lows);
            if (!highsByLows.TryGetValue(lowClass, out var highs))
            {
                highsByLows[lowClass] = highs = new List<(int Lo, int Hi)>();
                order.Add(lowClass);
            }
            if (highs.Count > 0 && highs[^1].Hi + 1 == high)
            {
                highs[^1] = (highs[^1].Lo, high);
            }
            else
            {
                highs.Add((high, high));
            }
        }
        foreach (string lowClass in order)
        {
            yield return BmpClass(highsByLows[lowClass]) + lowClass;
        }
    }

    private static int HighSurrogate(int cp) => 0xD800 + ((cp - 0x10000) >> 10);

    private static int LowSurrogate(int cp) => 0xDC00 + ((cp - 0x10000) & 0x3FF);

    private static string EscapeChar(int c) =>
        IsPlainAlnum(c) ? ((char)c).ToString() : "\\u" + c.ToString("X4");

    private static string EscapeClassChar(int c) => EscapeChar(c);

    private static bool IsPlainAlnum(int c) => c is >= '0' and <= '9' or >= 'A' and <= 'Z' or >= 'a' and <= 'z';
}
