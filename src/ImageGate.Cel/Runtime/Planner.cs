using ImageGate.Cel.Library;
using ImageGate.Cel.Syntax;

namespace ImageGate.Cel.Runtime;

/// <summary>Turns a syntax tree into evaluation nodes: names resolved to slots, overloads narrowed, operators bound.</summary>
internal sealed class Planner
{
    private readonly CelEnvironment _env;
    private readonly List<(string Name, int Slot)> _scope = [];
    private readonly Dictionary<string, int> _globalSlots = [];
    private readonly Dictionary<(int Slot, string Field), int> _memo = [];
    private int _slots;

    public Planner(CelEnvironment env) => _env = env;

    public int SlotCount => _slots;

    public Node Plan(Expr e)
    {
        var n = PlanExpr(e);
        n.Id = e.Id;
        return n;
    }

    private int? Local(string name)
    {
        for (var i = _scope.Count - 1; i >= 0; i--)
            if (_scope[i].Name == name) return _scope[i].Slot;
        return null;
    }

    private Node PlanExpr(Expr e)
    {
        switch (e)
        {
            case ConstExpr c: return new ConstNode(c.Value) { Id = e.Id };
            case IdentExpr id: return PlanIdent(id.Name, e.Id);
            case SelectExpr s: return PlanSelect(s);
            case CallExpr c: return PlanCall(c);
            case ListExpr l:
            {
                var elems = l.Elements.Select(Plan).ToArray();
                var opt = new bool[elems.Length];
                foreach (var i in l.OptionalIndices) opt[i] = true;
                if (elems.All(x => x is ConstNode) && l.OptionalIndices.Length == 0 && elems.Length > 0)
                    return new ConstNode(new CelList(elems.Select(x => ((ConstNode)x).Value).ToArray())) { Id = e.Id };
                return new ListNode(elems, opt) { Id = e.Id };
            }
            case MapExpr m:
                return new MapNode(m.Entries.Select(x => Plan(x.Key)).ToArray(), m.Entries.Select(x => Plan(x.Value)).ToArray(), m.Entries.Select(x => x.Optional).ToArray()) { Id = e.Id };
            case StructExpr st:
                return PlanStruct(st);
            case ComprehensionExpr c:
                return PlanComprehension(c);
        }
        return new ErrorNode("unsupported expression") { Id = e.Id };
    }

    private static void Flatten(Expr e, string fn, List<Expr> into)
    {
        if (e is CallExpr { Target: null, Args.Length: 2 } c && c.Function == fn)
        {
            Flatten(c.Args[0], fn, into);
            Flatten(c.Args[1], fn, into);
        }
        else into.Add(e);
    }

    private Node PlanStruct(StructExpr st)
    {
        var type = _env.FindObjectType(st.TypeName.TrimStart('.'));
        if (type == null) return new ErrorNode($"unknown type: {st.TypeName}") { Id = st.Id };
        var names = st.Fields.Select(f => f.Field).ToArray();
        var vals = st.Fields.Select(f => Plan(f.Value)).ToArray();
        var opt = st.Fields.Select(f => f.Optional).ToArray();
        return new StructNode(type, names, vals, opt) { Id = st.Id };
    }

    private Node PlanIdent(string name, long id)
    {
        if (!name.StartsWith('.') && Local(name) is { } slot) return new SlotNode(slot) { Id = id };
        var resolved = ResolveGlobal(name);
        if (resolved != null) return resolved;
        var t = _env.FindTypeName(name.TrimStart('.'));
        if (t != null) return new ConstNode(t) { Id = id };
        if (!_env.Options.AllowUndeclaredVariables && !_env.IsDeclared(name))
            return new ErrorNode($"undeclared reference to '{name.TrimStart('.')}' (in container '{_env.Options.Container}')") { Id = id };
        return VarFor([.. _env.Candidates(name)], name, id);
    }

    private Node? ResolveGlobal(string name)
    {
        foreach (var cand in _env.Candidates(name))
            if (_env.IsDeclared(cand)) return VarFor([cand], cand, 0);
        return null;
    }

    private Node VarFor(string[] candidates, string key, long id)
    {
        var k = string.Join("|", candidates);
        if (!_globalSlots.TryGetValue(k, out var slot))
        {
            slot = _slots++;
            _globalSlots[k] = slot;
        }
        var fallback = candidates.Length == 1 ? _env.FindTypeName(candidates[0]) : null;
        return new VarNode(slot, candidates, fallback) { Id = id };
    }

    /// <summary>The dotted name of an identifier/select chain (<c>a.b.c</c>), or null.</summary>
    private static string? QualifiedName(Expr e) => e switch
    {
        IdentExpr i => i.Name,
        SelectExpr { TestOnly: false } s when QualifiedName(s.Operand) is { } q => q + "." + s.Field,
        _ => null,
    };

    private static string RootName(Expr e) => e switch
    {
        IdentExpr i => i.Name,
        SelectExpr s => RootName(s.Operand),
        _ => "",
    };

    private bool IsGlobalRoot(string root) => root.StartsWith('.') || Local(root) == null;

    private Node PlanSelect(SelectExpr s)
    {
        // A dotted name may name a declared variable (a.b.c) or a type; the longest declared prefix wins.
        if (!s.TestOnly && QualifiedName(s) is not null && IsGlobalRoot(RootName(s)))
        {
            var qn = QualifiedName(s)!;
            if (ResolveGlobal(qn) is { } g) return g;
            if (_env.FindTypeName(qn.TrimStart('.')) is { } t) return new ConstNode(t) { Id = s.Id };
        }
        if (s.Operand is IdentExpr { Name: var local } && !local.StartsWith('.') && Local(local) is { } varSlot)
        {
            if (!_memo.TryGetValue((varSlot, s.Field), out var cacheSlot))
            {
                cacheSlot = _slots;
                _slots += 2;
                _memo[(varSlot, s.Field)] = cacheSlot;
            }
            return s.TestOnly ? new MemoHasNode(varSlot, s.Field, cacheSlot) { Id = s.Id } : new MemoSelectNode(varSlot, s.Field, cacheSlot) { Id = s.Id };
        }
        var operand = Plan(s.Operand);
        if (!s.TestOnly)
        {
            if (operand is SelectPathNode path) return path.Extend(s.Field, s.Id);
            if (operand is SelectNode { IsPlainSelect: true } inner) return new SelectPathNode(inner.Operand, [inner.FieldName, s.Field], [inner.Id, s.Id]) { Id = s.Id };
        }
        return new SelectNode(operand, s.Field, s.TestOnly) { Id = s.Id };
    }

    private Node PlanComprehension(ComprehensionExpr c)
    {
        var range = Plan(c.IterRange);
        var accuInit = Plan(c.AccuInit);
        var accuSlot = _slots++;
        var bind = c.LoopCondition is ConstExpr { Value: false } && c.IterRange is ListExpr { Elements.Length: 0 };
        _scope.Add((c.AccuVar, accuSlot));
        if (bind)
        {
            var res = Plan(c.Result);
            _scope.RemoveAt(_scope.Count - 1);
            return new ComprehensionNode { Id = c.Id, Range = range, IterSlot = -1, AccuSlot = accuSlot, AccuInit = accuInit, Cond = res, Step = res, Result = res, IsBind = true };
        }
        var iterSlot = _slots++;
        _scope.Add((c.IterVar, iterSlot));
        var iter2Slot = -1;
        if (c.IterVar2 != null)
        {
            iter2Slot = _slots++;
            _scope.Add((c.IterVar2, iter2Slot));
        }
        if (QuantifierPredicate(c) is { } quant)
        {
            var pred = Plan(quant.Predicate);
            if (c.IterVar2 != null) _scope.RemoveAt(_scope.Count - 1);
            _scope.RemoveAt(_scope.Count - 1);
            _scope.RemoveAt(_scope.Count - 1);
            return new QuantifierNode { Id = c.Id, Range = range, IterSlot = iterSlot, Iter2Slot = iter2Slot, Predicate = pred, IsExists = quant.IsExists };
        }
        var mode = 0;
        Node cond = Plan(c.LoopCondition);
        Node step;
        var resultIsAccu = c.Result is IdentExpr ri && ri.Name == c.AccuVar;
        if (resultIsAccu && c.AccuInit is ListExpr { Elements.Length: 0 } && IsAppendStep(c.LoopStep, c.AccuVar))
        {
            mode = 1;
            step = PlanAppendStep(c.LoopStep, accuSlot);
        }
        else if (resultIsAccu && c.AccuInit is MapExpr { Entries.Length: 0 } && IsMapInsertStep(c.LoopStep, c.AccuVar))
        {
            mode = 2;
            step = PlanAppendStep(c.LoopStep, accuSlot);
        }
        else step = Plan(c.LoopStep);
        if (c.IterVar2 != null) _scope.RemoveAt(_scope.Count - 1);
        _scope.RemoveAt(_scope.Count - 1);
        var result = Plan(c.Result);
        _scope.RemoveAt(_scope.Count - 1);
        return new ComprehensionNode
        {
            Id = c.Id, Range = range, IterSlot = iterSlot, Iter2Slot = iter2Slot, AccuSlot = accuSlot, AccuInit = accuInit,
            Cond = cond, Step = step, Result = result, Mode = mode,
        };
    }

    /// <summary>Recognises the expansion of <c>all</c> and <c>exists</c>.</summary>
    private static (Expr Predicate, bool IsExists)? QuantifierPredicate(ComprehensionExpr c)
    {
        if (!IsAccu(c.Result, c.AccuVar) || c.AccuInit is not ConstExpr { Value: bool init }) return null;
        if (c.LoopCondition is not CallExpr { Function: "@not_strictly_false", Args: [var condArg] }) return null;
        if (c.LoopStep is not CallExpr { Target: null, Args: [var acc, var pred] } step || !IsAccu(acc, c.AccuVar)) return null;
        if (init && step.Function == "_&&_" && IsAccu(condArg, c.AccuVar)) return (pred, false);
        if (!init && step.Function == "_||_" && condArg is CallExpr { Function: "!_", Args: [var neg] } && IsAccu(neg, c.AccuVar)) return (pred, true);
        return null;
    }

    private static bool IsAccu(Expr e, string accu) => e is IdentExpr i && i.Name == accu;

    private static bool IsAppendStep(Expr step, string accu) => step switch
    {
        CallExpr { Function: "_+_", Target: null, Args: [var a, ListExpr { Elements.Length: 1, OptionalIndices.Length: 0 }] } => IsAccu(a, accu),
        CallExpr { Function: "_?_:_", Args: [_, var t, var f] } => IsAppendStep(t, accu) && IsAccu(f, accu),
        _ => false,
    };

    private static bool IsMapInsertStep(Expr step, string accu) => step switch
    {
        CallExpr { Function: "cel.@mapInsert", Args: [var a, ..] } => IsAccu(a, accu),
        CallExpr { Function: "_?_:_", Args: [_, var t, var f] } => IsMapInsertStep(t, accu) && IsAccu(f, accu),
        _ => false,
    };

    private Node PlanAppendStep(Expr step, int accuSlot)
    {
        var c = (CallExpr)step;
        var accu = new SlotNode(accuSlot);
        switch (c.Function)
        {
            case "_+_": return new AppendNode(accu, Plan(((ListExpr)c.Args[1]).Elements[0])) { Id = c.Id };
            case "cel.@mapInsert":
                return c.Args.Length == 3 ? new MapInsertNode(accu, Plan(c.Args[1]), Plan(c.Args[2])) { Id = c.Id } : new MapInsertNode(accu, null, Plan(c.Args[1])) { Id = c.Id };
            default: return new TernaryNode(Plan(c.Args[0]), PlanAppendStep(c.Args[1], accuSlot), accu) { Id = c.Id };
        }
    }

    private Node PlanCall(CallExpr c)
    {
        if (c.Target == null)
        {
            switch (c.Function)
            {
                case "_&&_" or "_||_":
                {
                    var operands = new List<Expr>();
                    Flatten(c, c.Function, operands);
                    return new LogicChainNode(operands.Select(Plan).ToArray(), c.Function == "_||_") { Id = c.Id };
                }
                case "!_": return new NotNode(Plan(c.Args[0])) { Id = c.Id };
                case "@not_strictly_false": return new NotStrictlyFalseNode(Plan(c.Args[0])) { Id = c.Id };
                case "_?_:_": return new TernaryNode(Plan(c.Args[0]), Plan(c.Args[1]), Plan(c.Args[2])) { Id = c.Id };
                case "_==_" or "_!=_":
                {
                    var negate = c.Function == "_!=_";
                    var l = Plan(c.Args[0]);
                    var r = Plan(c.Args[1]);
                    if (r is ConstNode { Value: bool or string } k) return new EqConstNode(l, k.Value, negate) { Id = c.Id };
                    if (l is ConstNode { Value: bool or string } k2) return new EqConstNode(r, k2.Value, negate) { Id = c.Id };
                    return new EqNode(l, r, negate) { Id = c.Id };
                }
                case "_<_" or "_<=_" or "_>_" or "_>=_": return new BinaryOpNode(Plan(c.Args[0]), Plan(c.Args[1]), Operators.Relation(c.Function)) { Id = c.Id };
                case "_+_": return new BinaryOpNode(Plan(c.Args[0]), Plan(c.Args[1]), Operators.Add) { Id = c.Id };
                case "_-_": return new BinaryOpNode(Plan(c.Args[0]), Plan(c.Args[1]), Operators.Sub) { Id = c.Id };
                case "_*_": return new BinaryOpNode(Plan(c.Args[0]), Plan(c.Args[1]), Operators.Mul) { Id = c.Id };
                case "_/_": return new BinaryOpNode(Plan(c.Args[0]), Plan(c.Args[1]), Operators.Div) { Id = c.Id };
                case "_%_": return new BinaryOpNode(Plan(c.Args[0]), Plan(c.Args[1]), Operators.Mod) { Id = c.Id };
                case "-_": return new UnaryOpNode(Plan(c.Args[0]), Operators.Negate) { Id = c.Id };
                case "_[_]": return new IndexNode(Plan(c.Args[0]), Plan(c.Args[1]), false) { Id = c.Id };
                case "_[?_]": return new IndexNode(Plan(c.Args[0]), Plan(c.Args[1]), true) { Id = c.Id };
                case "_?._": return new OptSelectNode(Plan(c.Args[0]), (string)((ConstExpr)c.Args[1]).Value) { Id = c.Id };
                case "@in": return new BinaryOpNode(Plan(c.Args[0]), Plan(c.Args[1]), Operators.In) { Id = c.Id };
                case "type" when c.Args.Length == 1: return new TypeConvNode(Plan(c.Args[0])) { Id = c.Id };
                case "cel.@mapInsert":
                    return c.Args.Length == 3 ? new MapInsertCopyNode(Plan(c.Args[0]), Plan(c.Args[1]), Plan(c.Args[2])) { Id = c.Id } : new MapInsertCopyNode(Plan(c.Args[0]), null, Plan(c.Args[1])) { Id = c.Id };
            }
            var global = c.Function.TrimStart('.');
            foreach (var cand in _env.Candidates(c.Function))
                if (_env.FindFunction(cand) is { } gf && gf.Overloads.Any(o => !o.IsMember && o.Parameters.Length == c.Args.Length)) { global = cand; break; }
            return PlanFunction(global, null, c.Args, c.Id);
        }
        // Receiver call, or a namespaced global function such as math.greatest(...).
        if (QualifiedName(c.Target) is { } q && IsGlobalRoot(RootName(c.Target)))
        {
            var qualified = q.TrimStart('.') + "." + c.Function;
            foreach (var cand in _env.Candidates(qualified))
                if (_env.FindFunction(cand) is { } fn && fn.Overloads.Any(o => !o.IsMember && o.Parameters.Length == c.Args.Length))
                    return PlanFunction(cand, null, c.Args, c.Id);
        }
        return PlanFunction(c.Function, c.Target, c.Args, c.Id);
    }

    private Node PlanFunction(string name, Expr? target, Expr[] args, long id)
    {
        var fn = _env.FindFunction(name);
        var member = target != null;
        var arity = args.Length + (member ? 1 : 0);
        var candidates = fn?.Overloads.Where(o => o.IsMember == member && o.Parameters.Length == arity).ToArray() ?? [];
        if (candidates.Length == 0 && !member && fn != null)
            candidates = fn.Overloads.Where(o => o.Parameters.Length == arity).ToArray();
        var argNodes = new List<Node>();
        if (target != null) argNodes.Add(Plan(target));
        argNodes.AddRange(args.Select(Plan));
        if (candidates.Length == 0)
        {
            if (fn == null) return new ErrorNode($"undeclared reference to '{name}' (in container '{_env.Options.Container}')") { Id = id };
            return new CallNode(name, argNodes.ToArray(), []) { Id = id };
        }
        if (candidates.Length == 1 && arity == 1) return new Call1Node(name, argNodes[0], candidates[0]) { Id = id };
        if (candidates.Length == 1 && arity == 2) return new Call2Node(name, argNodes[0], argNodes[1], candidates[0]) { Id = id };
        return new CallNode(name, argNodes.ToArray(), candidates) { Id = id };
    }
}

/// <summary>Inserts into a copy of a map (when the accumulator is not private to the comprehension).</summary>
internal sealed class MapInsertCopyNode(Node map, Node? key, Node value) : Node
{
    public override object Eval(Frame f)
    {
        var m = map.Eval(f);
        if (m is CelError) return m;
        var copy = new CelMap();
        foreach (var kv in Values.MapEntries(m)) copy.Entries[kv.Key] = kv.Value;
        var inner = new MapInsertNode(new ConstNode(copy), key, value) { Id = Id };
        return inner.Eval(f);
    }
}

/// <summary>Creates a host object through a registered object type.</summary>
internal sealed class StructNode(CelObjectType type, string[] names, Node[] values, bool[] optional) : Node
{
    public override object Eval(Frame f)
    {
        var fields = new Dictionary<string, object>(names.Length);
        for (var i = 0; i < names.Length; i++)
        {
            var v = values[i].Eval(f);
            if (v is CelError) return v;
            if (optional[i])
            {
                if (v is not CelOptional o) return new CelError("cannot initialize optional field from non-optional value") { ExprId = Id };
                if (!o.HasValue) continue;
                v = o.Value!;
            }
            fields[names[i]] = v;
        }
        if (type.Create == null) return new CelError($"type '{type.Type.Name}' cannot be constructed") { ExprId = Id };
        try { return type.Create(fields); }
        catch (Exception ex) { return new CelError(ex.Message) { ExprId = Id }; }
    }
}
