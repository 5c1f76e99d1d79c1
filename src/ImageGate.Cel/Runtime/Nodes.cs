using ImageGate.Cel.Library;

namespace ImageGate.Cel.Runtime;

/// <summary>Per-evaluation state: variable slots and the cost counter. The counter is checked against one number,
/// <see cref="Limit"/>: the expression's own limit, lowered to what a shared budget has left. The budget itself is
/// only charged when an evaluation starts, nests another one, or ends, so the hot path stays one comparison, and an
/// evaluation without a budget carries one null reference more than before.</summary>
internal sealed class Frame
{
    public static readonly object Unloaded = new();
    public readonly IActivation Activation;
    public readonly object[] Slots;
    public long Cost;
    public long Limit;
    public readonly CancellationToken Cancel;
    private readonly Share? _share;

    /// <summary>This evaluation's part in a shared budget.</summary>
    private sealed class Share(CelCostBudget budget, Frame? outer, long costLimit)
    {
        public readonly CelCostBudget Budget = budget;
        public readonly Frame? Outer = outer;
        public readonly long CostLimit = costLimit;
        public long Settled;
    }

    public Frame(IActivation activation, int slots, long costLimit, CancellationToken cancel, CelCostBudget? budget = null)
    {
        Activation = activation;
        Slots = new object[slots];
        Limit = costLimit;
        Cancel = cancel;
        if (budget is null) return;
        // A nested evaluation (a lazy variable) starts inside another: charge what the outer one spent so far first.
        var outer = budget.Active;
        outer?.Settle();
        _share = new Share(budget, outer, costLimit);
        budget.Active = this;
        Limit = Math.Min(costLimit, budget.Remaining);
    }

    public void AddCost(long n)
    {
        Cost += n;
        if (Cost > Limit) throw Exceeded();
        if ((Cost & 1023) == 0 && Cancel.IsCancellationRequested) throw new OperationCanceledException(Cancel);
    }

    /// <summary>Charges the rest of this evaluation to the budget and hands the budget back to the outer evaluation,
    /// whose limit shrinks by what this one spent.</summary>
    public void Finish()
    {
        if (_share is not { } share) return;
        Settle();
        share.Budget.Active = share.Outer;
        if (share.Outer?._share is { } outer)
        {
            share.Outer.Limit = Math.Min(outer.CostLimit, outer.Settled + share.Budget.Remaining);
        }
    }

    private void Settle()
    {
        var share = _share!;
        share.Budget.Spent += Cost - share.Settled;
        share.Settled = Cost;
    }

    private CostLimitExceededException Exceeded()
    {
        if (_share is not { } share) return CostLimitExceededException.PerExpression(Limit);
        if (Cost > share.CostLimit) return CostLimitExceededException.PerExpression(share.CostLimit);
        share.Budget.Stopped = true;
        return new CostLimitExceededException(share.Budget.ExceededMessage);
    }
}

/// <summary>A planned evaluation step.</summary>
internal abstract class Node
{
    public long Id;
    public abstract object Eval(Frame f);

    /// <summary>Attaches this node's id to an error that has no position yet (shared error instances stay untouched).</summary>
    protected object Tag(object r) => r is CelError { ExprId: 0 } e ? new CelError(e.Message) { ExprId = Id } : r;
}

internal sealed class ConstNode(object value) : Node
{
    public readonly object Value = value;
    public override object Eval(Frame f) => Value;
}

/// <summary>A comprehension variable or cached global held in a frame slot.</summary>
internal sealed class SlotNode(int slot) : Node
{
    public readonly int Slot = slot;
    public override object Eval(Frame f) => f.Slots[Slot];
}

/// <summary>A global variable; loaded once per evaluation into its slot.</summary>
internal sealed class VarNode(int slot, string[] candidates, object? fallback) : Node
{
    public override object Eval(Frame f)
    {
        var v = f.Slots[slot];
        if (v != null) return v;
        v = Load(f);
        f.Slots[slot] = v;
        return v;
    }

    private object Load(Frame f)
    {
        foreach (var name in candidates)
            if (f.Activation.TryResolve(name, out var raw)) return Values.Adapt(raw);
        return fallback ?? new CelError($"no such attribute: undeclared reference to '{candidates[^1]}'") { ExprId = Id };
    }
}

internal sealed class SelectNode(Node operand, string field, bool testOnly) : Node
{
    private readonly object _key = field;
    public Node Operand => operand;
    public string FieldName => (string)_key;
    public bool IsPlainSelect => !testOnly;

    public override object Eval(Frame f)
    {
        var o = operand.Eval(f);
        return testOnly ? Has(o) : Select(o);
    }

    internal static object SelectField(object o, string field, long id) => new SelectNode(new ConstNode(o), field, false) { Id = id }.Select(o);

    internal object Select(object o)
    {
        if (o is Dictionary<string, object?> hd)
            return hd.TryGetValue(field, out var hv) ? Values.Adapt(hv) : new CelError($"no such key: {field}") { ExprId = Id };
        if (o is CelError) return o;
        if (o is CelOptional opt)
        {
            if (!opt.HasValue) return opt;
            var inner = opt.Value!;
            if (Values.IsMap(inner)) return Values.MapTryGet(inner, _key, out var mv) ? CelOptional.Of(mv) : CelOptional.None;
            if (inner is ICelObject io) return io.TryGetField(field, out var iv) ? CelOptional.Of(Values.Adapt(iv)) : CelOptional.None;
            return Select(inner);
        }
        if (Values.IsMap(o))
            return Values.MapTryGet(o, _key, out var v) ? v : new CelError($"no such key: {field}") { ExprId = Id };
        if (o is ICelObject obj)
            return obj.TryGetField(field, out var fv) ? Values.Adapt(fv) : new CelError($"no such field: {field}") { ExprId = Id };
        return new CelError($"type '{Values.TypeName(o)}' does not support field selection") { ExprId = Id };
    }

    private object Has(object o)
    {
        if (o is Dictionary<string, object?> hd) return Values.Bool(hd.ContainsKey(field));
        if (o is CelError) return o;
        if (o is CelOptional opt) return opt.HasValue ? Has(opt.Value!) : Values.False;
        if (Values.IsMap(o)) return Values.Bool(Values.MapTryGet(o, _key, out _));
        if (o is ICelObject obj) return Values.Bool(obj.TryGetField(field, out _));
        return new CelError($"invalid type for field selection: {Values.TypeName(o)}") { ExprId = Id };
    }
}

/// <summary>
/// <c>v.field</c> on a comprehension variable, memoised per evaluation: repeated selections of the same field of the
/// same element (<c>has(c.x) &amp;&amp; c.x.y == 1 &amp;&amp; c.x.z == 2</c>) look the field up once.
/// </summary>
internal sealed class MemoSelectNode(int varSlot, string field, int cacheSlot) : Node
{
    public override object Eval(Frame f)
    {
        var slots = f.Slots;
        var o = slots[varSlot];
        if (ReferenceEquals(slots[cacheSlot], o)) return slots[cacheSlot + 1];
        object r;
        if (o is Dictionary<string, object?> d)
            r = d.TryGetValue(field, out var v) ? Values.Adapt(v) : new CelError($"no such key: {field}") { ExprId = Id };
        else r = SelectNode.SelectField(o, field, Id);
        slots[cacheSlot] = o;
        slots[cacheSlot + 1] = r;
        return r;
    }
}

/// <summary><c>has(v.field)</c> on a comprehension variable, sharing the memo of <see cref="MemoSelectNode"/>.</summary>
internal sealed class MemoHasNode(int varSlot, string field, int cacheSlot) : Node
{
    public override object Eval(Frame f)
    {
        var slots = f.Slots;
        var o = slots[varSlot];
        if (ReferenceEquals(slots[cacheSlot], o) && slots[cacheSlot + 1] is not CelError) return Values.True;
        if (o is Dictionary<string, object?> d)
        {
            if (!d.TryGetValue(field, out var v)) return Values.False;
            slots[cacheSlot] = o;
            slots[cacheSlot + 1] = Values.Adapt(v);
            return Values.True;
        }
        return new SelectNode(new ConstNode(o), field, true) { Id = Id }.Eval(f);
    }
}

/// <summary>A chain of field selections <c>x.a.b.c</c> evaluated in one node.</summary>
internal sealed class SelectPathNode(Node operand, string[] fields, long[] ids) : Node
{
    public SelectPathNode Extend(string field, long id) => new(operand, [.. fields, field], [.. ids, id]) { Id = id };

    public override object Eval(Frame f)
    {
        var o = operand.Eval(f);
        for (var i = 0; i < fields.Length; i++)
        {
            if (o is Dictionary<string, object?> d)
            {
                if (!d.TryGetValue(fields[i], out var v)) return new CelError($"no such key: {fields[i]}") { ExprId = ids[i] };
                o = Values.Adapt(v);
                continue;
            }
            o = SelectNode.SelectField(o, fields[i], ids[i]);
            if (o is CelError) return o;
        }
        return o;
    }
}

/// <summary>A flattened chain of <c>&amp;&amp;</c> (or <c>||</c>): the first deciding operand wins, otherwise the first error.</summary>
internal sealed class LogicChainNode(Node[] operands, bool isOr) : Node
{
    public override object Eval(Frame f)
    {
        object? error = null;
        foreach (var n in operands)
        {
            var v = n.Eval(f);
            if (v is bool b)
            {
                if (b == isOr) return v;
            }
            else error ??= v is CelError ? v : CelError.NoSuchOverload(isOr ? "_||_" : "_&&_", v);
        }
        return error ?? Values.Bool(!isOr);
    }
}

internal sealed class OptSelectNode(Node operand, string field) : Node
{
    public override object Eval(Frame f)
    {
        var o = operand.Eval(f);
        if (o is CelError) return o;
        if (o is CelOptional opt)
        {
            if (!opt.HasValue) return opt;
            o = opt.Value!;
        }
        if (Values.IsMap(o)) return Values.MapTryGet(o, field, out var v) ? CelOptional.Of(v) : CelOptional.None;
        if (o is ICelObject obj) return obj.TryGetField(field, out var fv) ? CelOptional.Of(Values.Adapt(fv)) : CelOptional.None;
        return new CelError($"type '{Values.TypeName(o)}' does not support field selection") { ExprId = Id };
    }
}

internal sealed class IndexNode(Node operand, Node index, bool optional) : Node
{
    public override object Eval(Frame f)
    {
        var o = operand.Eval(f);
        if (o is CelError) return o;
        var k = index.Eval(f);
        if (k is CelError) return k;
        if (o is CelOptional opt)
        {
            if (!opt.HasValue) return opt;
            var r = Operators.Index(opt.Value!, k);
            return r is CelError ? CelOptional.None : CelOptional.Of(r);
        }
        if (optional)
        {
            var r = Operators.Index(o, k);
            if (r is CelError e && (e.Message.StartsWith("no such key", StringComparison.Ordinal) || e.Message.StartsWith("index out of bounds", StringComparison.Ordinal) || e.Message.StartsWith("invalid_argument", StringComparison.Ordinal))) return CelOptional.None;
            return r is CelError ? r : CelOptional.Of(r);
        }
        return Tag(Operators.Index(o, k));
    }
}

internal sealed class AndNode(Node left, Node right) : Node
{
    public override object Eval(Frame f)
    {
        var l = left.Eval(f);
        if (l is bool lb && !lb) return l;
        var r = right.Eval(f);
        if (r is bool rb)
        {
            if (!rb) return r;
            if (l is bool) return r;
        }
        if (l is CelError) return l;
        if (r is CelError) return r;
        return l is not bool ? CelError.NoSuchOverload("_&&_", l, r) : CelError.NoSuchOverload("_&&_", l, r);
    }
}

internal sealed class OrNode(Node left, Node right) : Node
{
    public override object Eval(Frame f)
    {
        var l = left.Eval(f);
        if (l is bool lb && lb) return l;
        var r = right.Eval(f);
        if (r is bool rb)
        {
            if (rb) return r;
            if (l is bool) return r;
        }
        if (l is CelError) return l;
        if (r is CelError) return r;
        return CelError.NoSuchOverload("_||_", l, r);
    }
}

internal sealed class NotNode(Node operand) : Node
{
    public override object Eval(Frame f)
    {
        var v = operand.Eval(f);
        if (v is bool b) return Values.Bool(!b);
        return v is CelError ? v : CelError.NoSuchOverload("!_", v);
    }
}

internal sealed class NotStrictlyFalseNode(Node operand) : Node
{
    public override object Eval(Frame f) => operand.Eval(f) is bool b && !b ? Values.False : Values.True;
}

internal sealed class TernaryNode(Node cond, Node then, Node otherwise) : Node
{
    public override object Eval(Frame f)
    {
        var c = cond.Eval(f);
        if (c is bool b) return b ? then.Eval(f) : otherwise.Eval(f);
        return c is CelError ? c : CelError.NoSuchOverload("_?_:_", c);
    }
}

internal sealed class EqNode(Node left, Node right, bool negate) : Node
{
    public override object Eval(Frame f)
    {
        var l = left.Eval(f);
        if (l is CelError) return l;
        var r = right.Eval(f);
        if (r is CelError) return r;
        return Values.Bool(Values.Equal(l, r) != negate);
    }
}

/// <summary>Equality against a literal bool or string, the most common policy comparison.</summary>
internal sealed class EqConstNode(Node left, object constant, bool negate) : Node
{
    public override object Eval(Frame f)
    {
        var l = left.Eval(f);
        if (l is CelError) return l;
        if (l.GetType() == constant.GetType()) return Values.Bool((constant is bool b ? (bool)l == b : (string)l == (string)constant) != negate);
        return Values.Bool(Values.Equal(l, constant) != negate);
    }
}

internal sealed class BinaryOpNode(Node left, Node right, Func<object, object, object> op) : Node
{
    public override object Eval(Frame f)
    {
        var l = left.Eval(f);
        if (l is CelError) return l;
        var r = right.Eval(f);
        if (r is CelError) return r;
        f.AddCost(1);
        ValueLimits.ChargeArgument(f, l);
        ValueLimits.ChargeArgument(f, r);
        return Tag(ValueLimits.Charge(f, op(l, r)));
    }
}

internal sealed class UnaryOpNode(Node operand, Func<object, object> op) : Node
{
    public override object Eval(Frame f)
    {
        var v = operand.Eval(f);
        if (v is CelError) return v;
        f.AddCost(1);
        return Tag(op(v));
    }
}

/// <summary>A call with runtime overload selection among the candidates fixed at plan time.</summary>
internal sealed class CallNode(string name, Node[] args, CelOverload[] candidates) : Node
{
    public override object Eval(Frame f)
    {
        f.AddCost(1);
        var vals = new object[args.Length];
        for (var i = 0; i < args.Length; i++)
        {
            var v = args[i].Eval(f);
            if (v is CelError) return v;
            ValueLimits.ChargeArgument(f, v);
            vals[i] = v;
        }
        foreach (var o in candidates)
        {
            var ok = true;
            for (var i = 0; i < vals.Length && ok; i++) ok = CelOverload.Matches(o.Parameters[i], vals[i]);
            if (ok)
            {
                try
                {
                    return Tag(ValueLimits.Charge(f, o.Impl(vals)));
                }
                catch (CostLimitExceededException) { throw; }
                catch (OperationCanceledException) { throw; }
                catch (Exception ex)
                {
                    return new CelError($"{name}: {ex.Message}") { ExprId = Id };
                }
            }
        }
        return new CelError($"found no matching overload for '{name}' applied to '({string.Join(", ", vals.Select(Values.TypeName))})'") { ExprId = Id };
    }
}

/// <summary>Single-candidate one-argument call without array allocation.</summary>
internal sealed class Call1Node(string name, Node arg, CelOverload overload) : Node
{
    private readonly Func<object, object> _fn = overload.Unary ?? (a => overload.Impl([a]));
    private readonly CelType _p = overload.Parameters[0];

    public override object Eval(Frame f)
    {
        f.AddCost(1);
        var a = arg.Eval(f);
        if (a is CelError) return a;
        ValueLimits.ChargeArgument(f, a);
        if (!CelOverload.Matches(_p, a)) return new CelError($"found no matching overload for '{name}' applied to '({Values.TypeName(a)})'") { ExprId = Id };
        try { return Tag(ValueLimits.Charge(f, _fn(a))); }
        catch (CostLimitExceededException) { throw; }
        catch (Exception ex) when (ex is not OperationCanceledException) { return new CelError($"{name}: {ex.Message}") { ExprId = Id }; }
    }
}

/// <summary>Single-candidate two-argument call without array allocation.</summary>
internal sealed class Call2Node(string name, Node a0, Node a1, CelOverload overload) : Node
{
    private readonly Func<object, object, object> _fn = overload.Binary ?? ((a, b) => overload.Impl([a, b]));
    private readonly CelType _p0 = overload.Parameters[0], _p1 = overload.Parameters[1];

    public override object Eval(Frame f)
    {
        f.AddCost(1);
        var a = a0.Eval(f);
        if (a is CelError) return a;
        var b = a1.Eval(f);
        if (b is CelError) return b;
        ValueLimits.ChargeArgument(f, a);
        ValueLimits.ChargeArgument(f, b);
        if (!CelOverload.Matches(_p0, a) || !CelOverload.Matches(_p1, b))
            return new CelError($"found no matching overload for '{name}' applied to '({Values.TypeName(a)}, {Values.TypeName(b)})'") { ExprId = Id };
        try { return Tag(ValueLimits.Charge(f, _fn(a, b))); }
        catch (CostLimitExceededException) { throw; }
        catch (Exception ex) when (ex is not OperationCanceledException) { return new CelError($"{name}: {ex.Message}") { ExprId = Id }; }
    }
}

internal sealed class ErrorNode(string message) : Node
{
    public override object Eval(Frame f) => new CelError(message) { ExprId = Id };
}

internal sealed class ListNode(Node[] elems, bool[] optional) : Node
{
    public override object Eval(Frame f)
    {
        if (elems.Length == 0) return CelList.Empty;
        f.AddCost(1);
        var hasOpt = false;
        foreach (var o in optional) hasOpt |= o;
        if (!hasOpt)
        {
            var arr = new object[elems.Length];
            for (var i = 0; i < elems.Length; i++)
            {
                var v = elems[i].Eval(f);
                if (v is CelError) return v;
                arr[i] = v;
            }
            return new CelList(arr);
        }
        var list = new List<object>(elems.Length);
        for (var i = 0; i < elems.Length; i++)
        {
            var v = elems[i].Eval(f);
            if (v is CelError) return v;
            if (optional[i])
            {
                if (v is not CelOptional opt) return new CelError($"cannot initialize optional list element from non-optional value {Values.Describe(v)}") { ExprId = Id };
                if (opt.HasValue) list.Add(opt.Value!);
                continue;
            }
            list.Add(v);
        }
        return new CelList(list.ToArray());
    }
}

internal sealed class MapNode(Node[] keys, Node[] vals, bool[] optional) : Node
{
    public override object Eval(Frame f)
    {
        f.AddCost(1);
        var m = new CelMap(keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            var k = keys[i].Eval(f);
            if (k is CelError) return k;
            if (k is not (string or long or ulong or bool)) return new CelError($"unsupported key type: {Values.TypeName(k)}") { ExprId = Id };
            var v = vals[i].Eval(f);
            if (v is CelError) return v;
            if (optional[i])
            {
                if (v is not CelOptional opt) return new CelError($"cannot initialize optional entry '{Values.Describe(k)}' from non-optional value {Values.Describe(v)}") { ExprId = Id };
                if (!opt.HasValue) continue;
                v = opt.Value!;
            }
            if (!m.Entries.TryAdd(k, v)) return new CelError($"Failed with repeated key: {Values.Describe(k)}") { ExprId = Id };
        }
        return m;
    }
}

/// <summary>Accumulator for map/filter/transformList comprehensions (appends in place).</summary>
internal sealed class ListAccumulator(int capacity)
{
    public readonly List<object> Items = new(capacity);
}

internal sealed class AppendNode(Node accu, Node elem) : Node
{
    public override object Eval(Frame f)
    {
        var a = accu.Eval(f);
        if (a is CelError) return a;
        var e = elem.Eval(f);
        if (e is CelError) return e;
        ((ListAccumulator)a).Items.Add(e);
        return a;
    }
}

internal sealed class MapInsertNode(Node accu, Node? key, Node value) : Node
{
    public override object Eval(Frame f)
    {
        var a = accu.Eval(f);
        if (a is CelError) return a;
        var map = (CelMap)a;
        if (key == null)
        {
            var entry = value.Eval(f);
            if (entry is CelError) return entry;
            if (!Values.IsMap(entry)) return new CelError("transformMapEntry requires the transform to produce a map") { ExprId = Id };
            foreach (var kv in Values.MapEntries(entry))
                if (!map.Entries.TryAdd(kv.Key, kv.Value)) return new CelError($"insert failed: key {Values.Describe(kv.Key)} already exists") { ExprId = Id };
            return map;
        }
        var k = key.Eval(f);
        if (k is CelError) return k;
        var v = value.Eval(f);
        if (v is CelError) return v;
        if (!map.Entries.TryAdd(k, v)) return new CelError($"insert failed: key {Values.Describe(k)} already exists") { ExprId = Id };
        return map;
    }
}

/// <summary>
/// The <c>all</c> (or, with IsExists, <c>exists</c>) macro evaluated directly: stops at the first deciding element;
/// an error is returned only when no element decides the result (commutative absorption, as for <c>&amp;&amp;</c>/<c>||</c>).
/// </summary>
internal sealed class QuantifierNode : Node
{
    public required Node Range;
    public required int IterSlot;
    public int Iter2Slot = -1;
    public required Node Predicate;
    public bool IsExists;

    public override object Eval(Frame f)
    {
        var range = Range.Eval(f);
        if (range is CelError) return range;
        object? error = null;
        var decided = IsExists;
        if (range is List<object?> hostList && Iter2Slot < 0)
        {
            // Fast path for host lists (the common shape of JSON-like data).
            for (var i = 0; i < hostList.Count; i++)
            {
                f.AddCost(1);
                f.Slots[IterSlot] = Values.Adapt(hostList[i]);
                var v = Predicate.Eval(f);
                if (v is bool b)
                {
                    if (b == decided) return Values.Bool(decided);
                }
                else error ??= v is CelError ? v : CelError.NoSuchOverload(IsExists ? "_||_" : "_&&_", v);
            }
        }
        else if (Values.IsList(range))
        {
            var n = Values.ListCount(range);
            for (var i = 0; i < n; i++)
            {
                f.AddCost(1);
                if (Iter2Slot >= 0)
                {
                    f.Slots[IterSlot] = Values.Int(i);
                    f.Slots[Iter2Slot] = Values.ListGet(range, i);
                }
                else f.Slots[IterSlot] = Values.ListGet(range, i);
                var v = Predicate.Eval(f);
                if (v is bool b)
                {
                    if (b == decided) return Values.Bool(decided);
                }
                else error ??= v is CelError ? v : CelError.NoSuchOverload(IsExists ? "_||_" : "_&&_", v);
            }
        }
        else if (Values.IsMap(range))
        {
            foreach (var kv in Values.MapEntries(range))
            {
                f.AddCost(1);
                f.Slots[IterSlot] = kv.Key;
                if (Iter2Slot >= 0) f.Slots[Iter2Slot] = kv.Value;
                var v = Predicate.Eval(f);
                if (v is bool b)
                {
                    if (b == decided) return Values.Bool(decided);
                }
                else error ??= v is CelError ? v : CelError.NoSuchOverload(IsExists ? "_||_" : "_&&_", v);
            }
        }
        else return new CelError($"cannot iterate over value of type '{Values.TypeName(range)}'") { ExprId = Id };
        return error ?? Values.Bool(!decided);
    }
}

internal sealed class ComprehensionNode : Node
{
    public required Node Range;
    public required int IterSlot;
    public int Iter2Slot = -1;
    public required int AccuSlot;
    public required Node AccuInit;
    public required Node Cond;
    public required Node Step;
    public required Node Result;
    public int Mode; // 0 generic, 1 list accumulator, 2 map accumulator
    public bool IsBind;

    public override object Eval(Frame f)
    {
        if (IsBind)
        {
            f.Slots[AccuSlot] = AccuInit.Eval(f);
            return Result.Eval(f);
        }
        var range = Range.Eval(f);
        if (range is CelError) return range;
        f.Slots[AccuSlot] = Mode switch { 1 => new ListAccumulator(Values.IsList(range) ? Values.ListCount(range) : 0), 2 => new CelMap(), _ => AccuInit.Eval(f) };
        if (Values.IsList(range))
        {
            var n = Values.ListCount(range);
            for (var i = 0; i < n; i++)
            {
                f.AddCost(1);
                if (Iter2Slot >= 0)
                {
                    f.Slots[IterSlot] = Values.Int(i);
                    f.Slots[Iter2Slot] = Values.ListGet(range, i);
                }
                else f.Slots[IterSlot] = Values.ListGet(range, i);
                if (Cond.Eval(f) is bool c && !c) break;
                f.Slots[AccuSlot] = Step.Eval(f);
            }
        }
        else if (Values.IsMap(range))
        {
            foreach (var kv in Values.MapEntries(range))
            {
                f.AddCost(1);
                f.Slots[IterSlot] = kv.Key;
                if (Iter2Slot >= 0) f.Slots[Iter2Slot] = kv.Value;
                if (Cond.Eval(f) is bool c && !c) break;
                f.Slots[AccuSlot] = Step.Eval(f);
            }
        }
        else
        {
            return new CelError($"cannot iterate over value of type '{Values.TypeName(range)}'") { ExprId = Id };
        }
        if (Mode == 1 && f.Slots[AccuSlot] is ListAccumulator acc) f.Slots[AccuSlot] = new CelList(acc.Items.ToArray());
        return Result.Eval(f);
    }
}

internal sealed class TypeConvNode(Node operand) : Node
{
    public override object Eval(Frame f)
    {
        var v = operand.Eval(f);
        return v is CelError ? v : Values.TypeOf(v);
    }
}
