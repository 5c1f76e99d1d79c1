using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace ImageGate.Cel.Regex;

/// <summary>Character classes RE2 knows by name: Perl, POSIX, Unicode categories and scripts, case orbits.</summary>
internal static partial class UnicodeTables
{
    private static readonly ConcurrentDictionary<string, CodePointSet?> UnicodeClassCache = new(StringComparer.Ordinal);
    private static readonly Lazy<CaseData> Cases = new(BuildCaseData, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>RE2's Perl classes \d \s \w (ASCII only).</summary>
    public static CodePointSet? PerlClass(char name) => name switch
    {
        'd' => CodePointSet.Of(('0', '9')),
        's' => CodePointSet.Of(('\t', '\n'), ('\f', '\r'), (' ', ' ')),
        'w' => CodePointSet.Of(('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')),
        _ => null,
    };

    /// <summary>RE2's POSIX classes such as [:alpha:] (ASCII only).</summary>
    public static CodePointSet? PosixClass(string name) => name switch
    {
        "alnum" => CodePointSet.Of(('0', '9'), ('A', 'Z'), ('a', 'z')),
        "alpha" => CodePointSet.Of(('A', 'Z'), ('a', 'z')),
        "ascii" => CodePointSet.Of((0, 0x7F)),
        "blank" => CodePointSet.Of(('\t', '\t'), (' ', ' ')),
        "cntrl" => CodePointSet.Of((0, 0x1F), (0x7F, 0x7F)),
        "digit" => CodePointSet.Of(('0', '9')),
        "graph" => CodePointSet.Of(('!', '~')),
        "lower" => CodePointSet.Of(('a', 'z')),
        "print" => CodePointSet.Of((' ', '~')),
        "punct" => CodePointSet.Of(('!', '/'), (':', '@'), ('[', '`'), ('{', '~')),
        "space" => CodePointSet.Of(('\t', '\r'), (' ', ' ')),
        "upper" => CodePointSet.Of(('A', 'Z')),
        "word" => CodePointSet.Of(('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')),
        "xdigit" => CodePointSet.Of(('0', '9'), ('A', 'F'), ('a', 'f')),
        _ => null,
    };

    /// <summary>A Unicode general category (L, Lu, ...), script (Greek, ...) or Any; null if unknown.</summary>
    public static CodePointSet? UnicodeClass(string name) =>
        UnicodeClassCache.GetOrAdd(name, BuildUnicodeClass)?.Clone();

    /// <summary>Code points whose case orbit has more than one member, ascending.</summary>
    public static IReadOnlyList<int> CasedCodePoints => Cases.Value.Cased;

    /// <summary>All code points that are simple case variants of <paramref name="codePoint"/>, itself included.</summary>
    public static IReadOnlyList<int> CaseOrbit(int codePoint) =>
        Cases.Value.Orbits.TryGetValue(codePoint, out var orbit) ? orbit : [codePoint];

    private static CodePointSet? BuildUnicodeClass(string name)
    {
        if (name == "Any")
        {
            return CodePointSet.Of((0, CodePointSet.MaxCodePoint));
        }
        if (ScriptRangeData.TryGetValue(name, out var data))
        {
            var set = new CodePointSet();
            foreach (var part in data.Split(','))
            {
                int dash = part.IndexOf('-');
                int lo = int.Parse(dash < 0 ? part : part[..dash], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                int hi = dash < 0 ? lo : int.Parse(part[(dash + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                set.Add(lo, hi);
            }
            return set;
        }
        var categories = CategoriesFor(name);
        return categories is null ? null : CategorySet(categories);
    }

    private static UnicodeCategory[]? CategoriesFor(string name)
    {
        UnicodeCategory[] all = Enum.GetValues<UnicodeCategory>();
        if (name.Length == 1)
        {
            // A one-letter name is the union of its two-letter categories; unassigned code points
            // (Cn) are not part of C, as in RE2.
            var matching = all.Where(c => CategoryName(c)[0] == name[0] && c != UnicodeCategory.OtherNotAssigned).ToArray();
            return matching.Length == 0 ? null : matching;
        }
        var single = all.Where(c => CategoryName(c) == name && c != UnicodeCategory.OtherNotAssigned).ToArray();
        return single.Length == 0 ? null : single;
    }

    private static string CategoryName(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter => "Lu",
        UnicodeCategory.LowercaseLetter => "Ll",
        UnicodeCategory.TitlecaseLetter => "Lt",
        UnicodeCategory.ModifierLetter => "Lm",
        UnicodeCategory.OtherLetter => "Lo",
        UnicodeCategory.NonSpacingMark => "Mn",
        UnicodeCategory.SpacingCombiningMark => "Mc",
        UnicodeCategory.EnclosingMark => "Me",
        UnicodeCategory.DecimalDigitNumber => "Nd",
        UnicodeCategory.LetterNumber => "Nl",
        UnicodeCategory.OtherNumber => "No",
        UnicodeCategory.SpaceSeparator => "Zs",
        UnicodeCategory.LineSeparator => "Zl",
        UnicodeCategory.ParagraphSeparator => "Zp",
        UnicodeCategory.Control => "Cc",
        UnicodeCategory.Format => "Cf",
        UnicodeCategory.Surrogate => "Cs",
        UnicodeCategory.PrivateUse => "Co",
        UnicodeCategory.ConnectorPunctuation => "Pc",
        UnicodeCategory.DashPunctuation => "Pd",
        UnicodeCategory.OpenPunctuation => "Ps",
        UnicodeCategory.ClosePunctuation => "Pe",
        UnicodeCategory.InitialQuotePunctuation => "Pi",
        UnicodeCategory.FinalQuotePunctuation => "Pf",
        UnicodeCategory.OtherPunctuation => "Po",
        UnicodeCategory.MathSymbol => "Sm",
        UnicodeCategory.CurrencySymbol => "Sc",
        UnicodeCategory.ModifierSymbol => "Sk",
        UnicodeCategory.OtherSymbol => "So",
        _ => "Cn",
    };

    private static CodePointSet CategorySet(UnicodeCategory[] categories)
    {
        var wanted = new bool[32];
        foreach (var c in categories)
        {
            wanted[(int)c] = true;
        }
        var set = new CodePointSet();
        int start = -1;
        for (int cp = 0; cp <= CodePointSet.MaxCodePoint + 1; cp++)
        {
            bool member = cp <= CodePointSet.MaxCodePoint && wanted[(int)CharUnicodeInfo.GetUnicodeCategory(cp)];
            if (member && start < 0)
            {
                start = cp;
            }
            else if (!member && start >= 0)
            {
                set.Add(start, cp - 1);
                start = -1;
            }
        }
        return set;
    }

    private sealed record CaseData(int[] Cased, Dictionary<int, int[]> Orbits);

    // Groups code points that map to each other by simple upper/lower case mapping into orbits.
    private static CaseData BuildCaseData()
    {
        var parent = new Dictionary<int, int>();
        int Find(int x)
        {
            while (parent.TryGetValue(x, out int p) && p != x)
            {
                x = p;
            }
            return x;
        }
        void Union(int a, int b)
        {
            parent.TryAdd(a, a);
            parent.TryAdd(b, b);
            int ra = Find(a), rb = Find(b);
            if (ra != rb)
            {
                parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
            }
        }

        for (int cp = 0; cp <= CodePointSet.MaxCodePoint; cp++)
        {
            if (cp is >= 0xD800 and <= 0xDFFF || cp is 0x130 or 0x131)
            {
                continue; // Turkish dotted/dotless i have no simple case folding in RE2.
            }
            var rune = new Rune(cp);
            int upper = Rune.ToUpperInvariant(rune).Value, lower = Rune.ToLowerInvariant(rune).Value;
            if (upper != cp && upper is not (0x130 or 0x131))
            {
                Union(cp, upper);
            }
            if (lower != cp && lower is not (0x130 or 0x131))
            {
                Union(cp, lower);
            }
        }

        var groups = new Dictionary<int, List<int>>();
        foreach (int cp in parent.Keys)
        {
            int root = Find(cp);
            if (!groups.TryGetValue(root, out var list))
            {
                groups[root] = list = new List<int>();
            }
            list.Add(cp);
        }
        var orbits = new Dictionary<int, int[]>();
        foreach (var list in groups.Values)
        {
            var orbit = list.Order().ToArray();
            foreach (int cp in orbit)
            {
                orbits[cp] = orbit;
            }
        }
        return new CaseData(orbits.Keys.Order().ToArray(), orbits);
    }
}
