namespace ImageGate.Cel.Regex;

/// <summary>
/// A Pike-VM (NFA simulation with capture tracking) for the patterns .NET's engine cannot express
/// faithfully: ASCII word boundaries and captures inside repetitions that can match empty. It runs in
/// O(input × program) time, keeps Go's leftmost-first priorities, and reads UTF-16 text by code point.
/// </summary>
internal sealed class Re2PikeVm
{
    /// <summary>Largest program the VM accepts; bigger patterns are reported as too large.</summary>
    public const int MaxInstructions = 200_000;

    private enum Op
    {
        Rune,
        Split,
        Jump,
        Save,
        Assert,
        Match,
    }

    private readonly record struct Inst(Op Op, int X, int Y, CodePointSet? Set, AssertionKind Kind);

    private readonly List<Inst> _prog = new();
    private readonly int _captureSlots;
    private readonly string _pattern;

    public Re2PikeVm(Re2Node root, int groupCount, string pattern)
    {
        _captureSlots = 2 * (groupCount + 1);
        _pattern = pattern;
        Add(Op.Save, 0);
        Emit(root);
        Add(Op.Save, 1);
        Add(Op.Match);
    }

    /// <summary>
    /// Whether a pattern needs this VM to match as RE2 does: .NET's engine has no ASCII word boundary,
    /// treats empty iterations of a repetition differently from RE2's priorities, and mis-matches (even
    /// misses newlines) once a pattern holds many surrogate-pair ranges, as large Unicode classes do.
    /// </summary>
    public static bool IsNeededFor(Re2Node root) => NeedsVm(root) || AstralAlternatives(root) > MaxAstralAlternativesForDotNet;

    private const int MaxAstralAlternativesForDotNet = 8;

    private static bool NeedsVm(Re2Node node) => node switch
    {
        AssertionNode a => a.Kind is AssertionKind.WordBoundary or AssertionKind.NotWordBoundary,
        ConcatNode c => c.Items.Any(NeedsVm),
        AlternationNode a => a.Alternatives.Any(NeedsVm),
        GroupNode g => NeedsVm(g.Body),
        RepeatNode r => IsNullable(r.Body) || NeedsVm(r.Body),
        _ => false,
    };

    private static int AstralAlternatives(Re2Node node) => node switch
    {
        CharSetNode c => c.Set.AstralAlternativeCount(),
        ConcatNode c => c.Items.Sum(AstralAlternatives),
        AlternationNode a => a.Alternatives.Sum(AstralAlternatives),
        GroupNode g => AstralAlternatives(g.Body),
        RepeatNode r => AstralAlternatives(r.Body),
        _ => 0,
    };

    /// <summary>
    /// The leftmost-first match starting the search at <paramref name="start"/>: capture offsets (start, end
    /// pairs; -1 for groups that did not take part, or for all groups when <paramref name="groups"/> is false), or null.
    /// </summary>
    public int[]? Exec(string input, int start, bool groups = true)
    {
        int slots = groups ? _captureSlots : 2;
        long startTicks = Environment.TickCount64;
        int steps = 0;
        var current = new ThreadList(_prog.Count);
        var next = new ThreadList(_prog.Count);
        var stack = new Stack<(int Pc, int[] Caps)>();
        int[]? matched = null;
        int pos = start;
        while (true)
        {
            if (matched is null)
            {
                var fresh = new int[slots];
                Array.Fill(fresh, -1);
                AddThread(current, 0, pos, fresh, input, stack);
            }
            if (current.Count == 0 && matched is not null)
            {
                break;
            }
            bool atEnd = pos >= input.Length;
            int c = atEnd ? -1 : char.IsSurrogatePair(input, pos) ? char.ConvertToUtf32(input, pos) : input[pos];
            int width = c > 0xFFFF ? 2 : 1;
            bool matchable = !atEnd && c is < 0xD800 or > 0xDFFF; // lone surrogates match nothing
            next.Clear();
            for (int i = 0; i < current.Count; i++)
            {
                var (pc, caps) = current[i];
                var inst = _prog[pc];
                if (inst.Op == Op.Match)
                {
                    matched = caps;
                    break; // lower-priority threads are cut off
                }
                if (matchable && inst.Set!.Contains(c))
                {
                    AddThread(next, pc + 1, pos + width, caps, input, stack);
                }
            }
            if (atEnd)
            {
                break;
            }
            // Matching is linear, but input length times program size can still be large: keep the same
            // time limit as the .NET engine.
            if ((++steps & 1023) == 0 && Environment.TickCount64 - startTicks > (long)Re2Regex.MatchTimeout.TotalMilliseconds)
            {
                throw new System.Text.RegularExpressions.RegexMatchTimeoutException(input, _pattern, Re2Regex.MatchTimeout);
            }
            pos += width;
            (current, next) = (next, current);
        }
        return matched;
    }

    // Follows jumps, splits, saves and assertions from pc, adding Rune and Match threads in priority order.
    private void AddThread(ThreadList list, int pc, int pos, int[] caps, string input, Stack<(int Pc, int[] Caps)> stack)
    {
        stack.Push((pc, caps));
        while (stack.Count > 0)
        {
            var (p, k) = stack.Pop();
            if (!list.TryVisit(p))
            {
                continue;
            }
            var inst = _prog[p];
            switch (inst.Op)
            {
                case Op.Jump:
                    stack.Push((inst.X, k));
                    break;
                case Op.Split:
                    stack.Push((inst.Y, k));
                    stack.Push((inst.X, k));
                    break;
                case Op.Save:
                    if (inst.X < k.Length)
                    {
                        var copy = (int[])k.Clone();
                        copy[inst.X] = pos;
                        k = copy;
                    }
                    stack.Push((p + 1, k));
                    break;
                case Op.Assert:
                    if (Holds(inst.Kind, input, pos))
                    {
                        stack.Push((p + 1, k));
                    }
                    break;
                default:
                    list.Add(p, k);
                    break;
            }
        }
    }

    private static bool Holds(AssertionKind kind, string input, int pos)
    {
        int prev = pos > 0 ? input[pos - 1] : -1;
        int next = pos < input.Length ? input[pos] : -1;
        return kind switch
        {
            AssertionKind.BeginText => pos == 0,
            AssertionKind.EndText => pos == input.Length,
            AssertionKind.BeginLine => pos == 0 || prev == '\n',
            AssertionKind.EndLine => pos == input.Length || next == '\n',
            AssertionKind.WordBoundary => IsWordChar(prev) != IsWordChar(next),
            _ => IsWordChar(prev) == IsWordChar(next),
        };
    }

    // RE2's word characters are ASCII only.
    private static bool IsWordChar(int c) => c is >= '0' and <= '9' or >= 'A' and <= 'Z' or >= 'a' and <= 'z' or '_';

    private int Add(Op op, int x = 0, int y = 0, CodePointSet? set = null, AssertionKind kind = default)
    {
        if (_prog.Count >= MaxInstructions)
        {
            throw new Re2SyntaxException("expression too large", $"more than {MaxInstructions} instructions", 0);
        }
        _prog.Add(new Inst(op, x, y, set, kind));
        return _prog.Count - 1;
    }

    private void Patch(int pc, int? x = null, int? y = null)
    {
        var inst = _prog[pc];
        _prog[pc] = inst with { X = x ?? inst.X, Y = y ?? inst.Y };
    }

    // Compiles like Go: x* over a body that can match empty is (x+)?, so priorities come out the same.
    private void Emit(Re2Node node)
    {
        switch (node)
        {
            case CharSetNode set:
                _ = set.Set.Ranges; // normalize now: matching threads must only read the set
                Add(Op.Rune, set: set.Set);
                break;
            case EmptyNode:
                break;
            case AssertionNode assertion:
                Add(Op.Assert, kind: assertion.Kind);
                break;
            case ConcatNode concat:
                foreach (var item in concat.Items)
                {
                    Emit(item);
                }
                break;
            case AlternationNode alternation:
            {
                var jumps = new List<int>();
                for (int i = 0; i < alternation.Alternatives.Count; i++)
                {
                    if (i == alternation.Alternatives.Count - 1)
                    {
                        Emit(alternation.Alternatives[i]);
                        break;
                    }
                    int split = Add(Op.Split);
                    Emit(alternation.Alternatives[i]);
                    jumps.Add(Add(Op.Jump));
                    Patch(split, x: split + 1, y: _prog.Count);
                }
                foreach (int jump in jumps)
                {
                    Patch(jump, x: _prog.Count);
                }
                break;
            }
            case GroupNode group:
                if (group.CaptureIndex > 0)
                {
                    Add(Op.Save, 2 * group.CaptureIndex);
                }
                Emit(group.Body);
                if (group.CaptureIndex > 0)
                {
                    Add(Op.Save, 2 * group.CaptureIndex + 1);
                }
                break;
            case RepeatNode repeat:
                EmitRepeat(repeat);
                break;
        }
    }

    private void EmitRepeat(RepeatNode r)
    {
        if (r.Max == 0)
        {
            return;
        }
        if (r.Max < 0)
        {
            for (int i = 0; i < r.Min - 1; i++)
            {
                Emit(r.Body);
            }
            if (r.Min == 0)
            {
                EmitStar(r.Body, r.Greedy);
            }
            else
            {
                EmitPlus(r.Body, r.Greedy);
            }
            return;
        }
        for (int i = 0; i < r.Min; i++)
        {
            Emit(r.Body);
        }
        // x{n,m}: n copies, then m-n nested optional copies.
        var splits = new List<int>();
        for (int i = r.Min; i < r.Max; i++)
        {
            splits.Add(Add(Op.Split));
            Emit(r.Body);
        }
        foreach (int split in splits)
        {
            SetBranches(split, split + 1, _prog.Count, r.Greedy);
        }
    }

    private void EmitStar(Re2Node body, bool greedy)
    {
        if (IsNullable(body))
        {
            int split = Add(Op.Split);
            EmitPlus(body, greedy);
            SetBranches(split, split + 1, _prog.Count, greedy);
            return;
        }
        int loop = Add(Op.Split);
        Emit(body);
        Add(Op.Jump, loop);
        SetBranches(loop, loop + 1, _prog.Count, greedy);
    }

    private void EmitPlus(Re2Node body, bool greedy)
    {
        int start = _prog.Count;
        Emit(body);
        int split = Add(Op.Split);
        SetBranches(split, start, split + 1, greedy);
    }

    private void SetBranches(int split, int take, int skip, bool greedy) =>
        Patch(split, x: greedy ? take : skip, y: greedy ? skip : take);

    private static bool IsNullable(Re2Node node) => node switch
    {
        CharSetNode => false,
        ConcatNode c => c.Items.All(IsNullable),
        AlternationNode a => a.Alternatives.Any(IsNullable),
        GroupNode g => IsNullable(g.Body),
        RepeatNode r => r.Min == 0 || IsNullable(r.Body),
        _ => true,
    };

    // Threads of one step in priority order, with a per-step visited set over program counters.
    private sealed class ThreadList
    {
        private readonly int[] _visitedAt;
        private readonly List<(int Pc, int[] Caps)> _threads = new();
        private int _generation = 1;

        public ThreadList(int size) => _visitedAt = new int[size];

        public int Count => _threads.Count;

        public (int Pc, int[] Caps) this[int index] => _threads[index];

        public bool TryVisit(int pc)
        {
            if (_visitedAt[pc] == _generation)
            {
                return false;
            }
            _visitedAt[pc] = _generation;
            return true;
        }

        public void Add(int pc, int[] caps) => _threads.Add((pc, caps));

        public void Clear()
        {
            _threads.Clear();
            _generation++;
        }
    }
}
