using ImageGate.Cel.Syntax;

namespace ImageGate.Cel.Checking;

/// <summary>
/// Gradual type checker: infers a type for every node, resolves names against declarations and reports undeclared
/// references, undefined fields and calls with no matching overload. <c>dyn</c> is compatible with everything.
/// </summary>
internal sealed class Checker
{
    private readonly CelEnvironment _env;
    private readonly string _source;
    private readonly List<(string Name, CelType Type)> _scope = [];
    private List<CelIssue> _issues = [];

    public Checker(CelEnvironment env, string source)
    {
        _env = env;
        _source = source;
    }

    /// <summary>Types of checked nodes by id.</summary>
    public Dictionary<long, CelType> Types { get; } = [];

    public CelType Check(Expr e, List<CelIssue> issues)
    {
        _issues = issues;
        return Finalize(Visit(e));
    }

    private int _fresh;

    /// <summary>A fresh type variable (element type of an empty literal, unbound overload parameter).</summary>
    private CelType Free => CelType.Param("_free" + _fresh++);

    /// <summary>Replaces type parameters that were never bound by dyn.</summary>
    internal static CelType Finalize(CelType t) => t.Kind == CelTypeKind.TypeParam ? CelType.Dyn : t.Parameters.Count == 0 ? t : Rebuild(t, t.Parameters.Select(Finalize).ToArray());

    private static CelType Rebuild(CelType t, CelType[] ps) => t.Kind switch
    {
        CelTypeKind.List => CelType.List(ps[0]),
        CelTypeKind.Map => CelType.Map(ps[0], ps[1]),
        CelTypeKind.Optional => CelType.Optional(ps[0]),
        CelTypeKind.Type => CelType.TypeOf(ps[0]),
        CelTypeKind.Opaque => CelType.Opaque(t.Name, ps),
        _ => t,
    };

    private static bool Nullable(CelType t) => t.Kind is CelTypeKind.Opaque or CelTypeKind.Optional or CelTypeKind.Timestamp or CelTypeKind.Duration or CelTypeKind.Null;

    private static bool Occurs(string name, CelType t) => (t.Kind == CelTypeKind.TypeParam && t.Name == name) || t.Parameters.Any(p => Occurs(name, p));

    /// <summary>The most specific type both types fit (free type parameters take the other side), or null when incompatible.</summary>
    internal static CelType? Merge(CelType a, CelType b)
    {
        if (a.Equals(b)) return a;
        if (a.Kind == CelTypeKind.TypeParam) return Occurs(a.Name, b) ? CelType.Dyn : b;
        if (b.Kind == CelTypeKind.TypeParam) return Occurs(b.Name, a) ? CelType.Dyn : a;
        if (a.Kind == CelTypeKind.Dyn || b.Kind == CelTypeKind.Dyn) return CelType.Dyn;
        if (a.Kind == CelTypeKind.Null && Nullable(b)) return b;
        if (b.Kind == CelTypeKind.Null && Nullable(a)) return a;
        if (a.Kind != b.Kind || a.Parameters.Count != b.Parameters.Count) return null;
        if (a.Kind == CelTypeKind.Opaque && a.Name != b.Name) return null;
        if (a.Parameters.Count == 0) return null;
        var ps = new CelType[a.Parameters.Count];
        for (var i = 0; i < ps.Length; i++)
        {
            var m = Merge(a.Parameters[i], b.Parameters[i]);
            if (m == null) return null;
            ps[i] = m;
        }
        return Rebuild(a, ps);
    }

    private void Error(Expr e, string message) => _issues.Add(CelIssue.At(_source, e.Offset, message));

    private CelType Visit(Expr e)
    {
        var t = VisitInner(e);
        Types[e.Id] = t;
        return t;
    }

    private CelType VisitInner(Expr e)
    {
        switch (e)
        {
            case ConstExpr c: return Values.TypeOf(c.Value);
            case IdentExpr id: return Ident(id);
            case SelectExpr s: return Select(s);
            case CallExpr c: return Call(c);
            case ListExpr l:
            {
                var elems = new List<CelType>();
                for (var i = 0; i < l.Elements.Length; i++)
                {
                    var t = Visit(l.Elements[i]);
                    if (l.OptionalIndices.Contains(i)) t = OptionalInner(l.Elements[i], t);
                    elems.Add(t);
                }
                return CelType.List(Join(elems, l, "list"));
            }
            case MapExpr m:
            {
                var keys = new List<CelType>();
                var vals = new List<CelType>();
                foreach (var entry in m.Entries)
                {
                    keys.Add(Visit(entry.Key));
                    var v = Visit(entry.Value);
                    vals.Add(entry.Optional ? OptionalInner(entry.Value, v) : v);
                }
                return CelType.Map(Join(keys, m, "map key"), Join(vals, m, "map value"));
            }
            case StructExpr st:
            {
                foreach (var f in st.Fields) Visit(f.Value);
                var type = _env.FindTypeName(st.TypeName.TrimStart('.'));
                if (type == null || type.Kind != CelTypeKind.Opaque)
                {
                    Error(st, $"undeclared reference to '{st.TypeName}' (in container '{_env.Options.Container}')");
                    return CelType.Dyn;
                }
                return type;
            }
            case ComprehensionExpr c: return Comprehension(c);
        }
        return CelType.Dyn;
    }

    private CelType OptionalInner(Expr e, CelType t)
    {
        if (t.Kind == CelTypeKind.Optional) return t.Elem;
        if (t.Kind == CelTypeKind.Dyn) return CelType.Dyn;
        Error(e, $"expected type 'optional_type' but found '{t}'");
        return CelType.Dyn;
    }

    private CelType Join(List<CelType> types, Expr at, string what)
    {
        if (types.Count == 0) return Free;
        var acc = types[0];
        foreach (var t in types.Skip(1))
        {
            var m = Merge(acc, t);
            if (m == null)
            {
                if (_env.Options.HomogeneousAggregateLiterals) Error(at, $"expected type '{acc}' but found '{t}' in {what}");
                return CelType.Dyn;
            }
            acc = m;
        }
        return acc;
    }

    private CelType? Local(string name)
    {
        for (var i = _scope.Count - 1; i >= 0; i--)
            if (_scope[i].Name == name) return _scope[i].Type;
        return null;
    }

    private CelType? Global(string name)
    {
        foreach (var c in _env.Candidates(name))
            if (_env.Variables.TryGetValue(c, out var t)) return t;
        return null;
    }

    private CelType Ident(IdentExpr id)
    {
        if (!id.Name.StartsWith('.') && Local(id.Name) is { } lt) return lt;
        if (Global(id.Name) is { } gt) return gt;
        if (_env.FindTypeName(id.Name.TrimStart('.')) is { } tn) return CelType.TypeOf(tn);
        if (_env.Options.AllowUndeclaredVariables) return CelType.Dyn;
        Error(id, $"undeclared reference to '{id.Name.TrimStart('.')}' (in container '{_env.Options.Container}')");
        return CelType.Dyn;
    }

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

    private CelType Select(SelectExpr s)
    {
        if (!s.TestOnly && QualifiedName(s) is { } q && IsGlobalRoot(RootName(s)))
        {
            if (Global(q) is { } g) return g;
            if (_env.FindTypeName(q.TrimStart('.')) is { } tn) return CelType.TypeOf(tn);
        }
        var operand = Visit(s.Operand);
        var ft = FieldType(s, operand, s.Field);
        return s.TestOnly ? CelType.Bool : ft;
    }

    private CelType FieldType(Expr at, CelType operand, string field)
    {
        switch (operand.Kind)
        {
            case CelTypeKind.Dyn or CelTypeKind.TypeParam or CelTypeKind.Any: return CelType.Dyn;
            case CelTypeKind.Map:
                if (operand.Key.Kind is CelTypeKind.String or CelTypeKind.Dyn or CelTypeKind.TypeParam) return operand.Elem;
                break;
            case CelTypeKind.Optional: return CelType.Optional(FieldType(at, operand.Elem, field));
            case CelTypeKind.Opaque:
            {
                var ot = _env.FindObjectTypeByType(operand);
                if (ot == null || ot.Fields.Count == 0) return CelType.Dyn;
                if (ot.Fields.TryGetValue(field, out var ft)) return ft;
                Error(at, $"undefined field '{field}'");
                return CelType.Dyn;
            }
        }
        Error(at, $"type '{operand}' does not support field selection");
        return CelType.Dyn;
    }

    private CelType Comprehension(ComprehensionExpr c)
    {
        var range = Visit(c.IterRange);
        CelType it1, it2 = CelType.Dyn;
        switch (range.Kind)
        {
            case CelTypeKind.List:
                if (c.IterVar2 != null) { it1 = CelType.Int; it2 = range.Elem; }
                else it1 = range.Elem;
                break;
            case CelTypeKind.Map:
                it1 = range.Key;
                it2 = range.Elem;
                break;
            case CelTypeKind.Dyn or CelTypeKind.TypeParam:
                it1 = CelType.Dyn;
                break;
            default:
                Error(c.IterRange, $"expression of type '{range}' cannot be range of a comprehension (must be list, map, or dynamic)");
                it1 = CelType.Dyn;
                break;
        }
        var accu = Visit(c.AccuInit);
        _scope.Add((c.AccuVar, accu));
        _scope.Add((c.IterVar, it1));
        if (c.IterVar2 != null) _scope.Add((c.IterVar2, it2));
        var cond = Visit(c.LoopCondition);
        if (cond.Kind is not (CelTypeKind.Bool or CelTypeKind.Dyn)) Error(c.LoopCondition, $"expected type 'bool' but found '{cond}'");
        var step = Visit(c.LoopStep);
        if (c.IterVar2 != null) _scope.RemoveAt(_scope.Count - 1);
        _scope.RemoveAt(_scope.Count - 1);
        _scope.RemoveAt(_scope.Count - 1);
        // Empty list/map accumulators take their element types from the step.
        var accuType = Merge(accu, step) ?? accu;
        _scope.Add((c.AccuVar, accuType));
        var result = Visit(c.Result);
        _scope.RemoveAt(_scope.Count - 1);
        return result;
    }

    private static bool IsLooser(CelType a, CelType b) =>
        a.Kind == b.Kind && a.Kind is CelTypeKind.List or CelTypeKind.Map && a.Parameters.All(p => p.Kind == CelTypeKind.Dyn) && !b.Equals(a);

    private CelType Call(CallExpr c)
    {
        if (c.Target == null)
        {
            switch (c.Function)
            {
                case "_&&_" or "_||_":
                    foreach (var a in c.Args) ExpectBool(a, Visit(a), c.Function, c);
                    return CelType.Bool;
                case "!_":
                    ExpectBool(c.Args[0], Visit(c.Args[0]), "!_", c);
                    return CelType.Bool;
                case "@not_strictly_false":
                    Visit(c.Args[0]);
                    return CelType.Bool;
                case "_?_:_":
                {
                    ExpectBool(c.Args[0], Visit(c.Args[0]), "_?_:_", c);
                    var t = Visit(c.Args[1]);
                    var f = Visit(c.Args[2]);
                    if (Merge(t, f) is { } merged) return merged;
                    Error(c, $"found no matching overload for '_?_:_' applied to '(bool, {t}, {f})'");
                    return CelType.Dyn;
                }
                case "_==_" or "_!=_":
                {
                    var l = Visit(c.Args[0]);
                    var r = Visit(c.Args[1]);
                    if (!Comparable(l, r)) Error(c, $"found no matching overload for '{c.Function}' applied to '({l}, {r})'");
                    return CelType.Bool;
                }
                case "@in":
                {
                    var l = Visit(c.Args[0]);
                    var r = Visit(c.Args[1]);
                    if (r.Kind is not (CelTypeKind.List or CelTypeKind.Map or CelTypeKind.Dyn or CelTypeKind.TypeParam))
                        Error(c, $"found no matching overload for '@in' applied to '({l}, {r})'");
                    return CelType.Bool;
                }
                case "_<_" or "_<=_" or "_>_" or "_>=_":
                {
                    var l = Visit(c.Args[0]);
                    var r = Visit(c.Args[1]);
                    if (!Orderable(l, r)) Error(c, $"found no matching overload for '{c.Function}' applied to '({l}, {r})'");
                    return CelType.Bool;
                }
                case "_+_" or "_-_" or "_*_" or "_/_" or "_%_":
                    return Arith(c, Visit(c.Args[0]), Visit(c.Args[1]));
                case "-_":
                {
                    var t = Visit(c.Args[0]);
                    if (t.Kind is CelTypeKind.Int or CelTypeKind.Double or CelTypeKind.Duration or CelTypeKind.Dyn) return t;
                    Error(c, $"found no matching overload for '-_' applied to '({t})'");
                    return CelType.Dyn;
                }
                case "_[_]" or "_[?_]":
                {
                    var o = Visit(c.Args[0]);
                    var k = Visit(c.Args[1]);
                    var elem = IndexType(c, o, k);
                    return c.Function == "_[?_]" && o.Kind != CelTypeKind.Optional ? CelType.Optional(elem) : elem;
                }
                case "_?._":
                {
                    var o = Visit(c.Args[0]);
                    var field = (string)((ConstExpr)c.Args[1]).Value;
                    var ft = FieldType(c, o.Kind == CelTypeKind.Optional ? o.Elem : o, field);
                    return ft.Kind == CelTypeKind.Optional ? ft : CelType.Optional(ft);
                }
                case "type" when c.Args.Length == 1:
                    return CelType.TypeOf(Visit(c.Args[0]));
                case "cel.@mapInsert":
                    foreach (var a in c.Args) Visit(a);
                    return CelType.MapType;
            }
            return Overloads(c, ResolveGlobalFunction(c.Function, c.Args.Length), null, c.Args);
        }
        if (QualifiedName(c.Target) is { } q && IsGlobalRoot(RootName(c.Target)))
        {
            var qualified = q.TrimStart('.') + "." + c.Function;
            foreach (var cand in _env.Candidates(qualified))
                if (_env.FindFunction(cand) is { } fn && fn.Overloads.Any(o => !o.IsMember && o.Parameters.Length == c.Args.Length))
                    return Overloads(c, cand, null, c.Args);
        }
        return Overloads(c, c.Function, c.Target, c.Args);
    }

    private string ResolveGlobalFunction(string name, int arity)
    {
        foreach (var cand in _env.Candidates(name))
            if (_env.FindFunction(cand) is { } fn && fn.Overloads.Any(o => !o.IsMember && o.Parameters.Length == arity)) return cand;
        return name.TrimStart('.');
    }

    private void ExpectBool(Expr at, CelType t, string fn, Expr call)
    {
        if (t.Kind is CelTypeKind.Bool or CelTypeKind.Dyn or CelTypeKind.TypeParam) return;
        Error(call, $"found no matching overload for '{fn}' applied to '({t})'");
        _ = at;
    }

    private static bool IsNumber(CelType t) => t.Kind is CelTypeKind.Int or CelTypeKind.Uint or CelTypeKind.Double;

    private static bool Comparable(CelType l, CelType r)
    {
        if (l.Kind is CelTypeKind.Dyn or CelTypeKind.TypeParam || r.Kind is CelTypeKind.Dyn or CelTypeKind.TypeParam) return true;
        if (IsNumber(l) && IsNumber(r)) return true;
        if (l.Kind == CelTypeKind.Null || r.Kind == CelTypeKind.Null) return true;
        if (l.Kind != r.Kind) return false;
        if (l.Kind == CelTypeKind.Type) return true;
        if (l.Kind == CelTypeKind.Opaque) return l.Name == r.Name;
        for (var i = 0; i < Math.Min(l.Parameters.Count, r.Parameters.Count); i++)
            if (!Comparable(l.Parameters[i], r.Parameters[i])) return false;
        return true;
    }

    private static bool Orderable(CelType l, CelType r)
    {
        if (l.Kind is CelTypeKind.Dyn or CelTypeKind.TypeParam || r.Kind is CelTypeKind.Dyn or CelTypeKind.TypeParam) return true;
        if (IsNumber(l) && IsNumber(r)) return true;
        return l.Kind == r.Kind && l.Kind is CelTypeKind.String or CelTypeKind.Bool or CelTypeKind.Bytes or CelTypeKind.Timestamp or CelTypeKind.Duration;
    }

    private CelType Arith(CallExpr c, CelType l, CelType r)
    {
        var fn = c.Function;
        if (l.Kind is CelTypeKind.Dyn or CelTypeKind.TypeParam || r.Kind is CelTypeKind.Dyn or CelTypeKind.TypeParam)
        {
            var known = l.Kind is CelTypeKind.Dyn or CelTypeKind.TypeParam ? r : l;
            if (fn is "_+_" && known.Kind == CelTypeKind.Timestamp) return CelType.Dyn;
            return known.Kind is CelTypeKind.Int or CelTypeKind.Uint or CelTypeKind.Double or CelTypeKind.String or CelTypeKind.Bytes && fn != "_-_" || known.Kind is CelTypeKind.Int or CelTypeKind.Uint or CelTypeKind.Double
                ? known
                : CelType.Dyn;
        }
        if (l.Kind == r.Kind)
        {
            switch (l.Kind)
            {
                case CelTypeKind.Int or CelTypeKind.Uint: return l;
                case CelTypeKind.Double when fn != "_%_": return l;
                case CelTypeKind.String or CelTypeKind.Bytes when fn == "_+_": return l;
                case CelTypeKind.List when fn == "_+_": return Merge(l, r) ?? CelType.ListType;
                case CelTypeKind.Duration when fn is "_+_" or "_-_": return l;
                case CelTypeKind.Timestamp when fn == "_-_": return CelType.Duration;
            }
        }
        if (fn == "_+_" && ((l.Kind == CelTypeKind.Timestamp && r.Kind == CelTypeKind.Duration) || (l.Kind == CelTypeKind.Duration && r.Kind == CelTypeKind.Timestamp))) return CelType.Timestamp;
        if (fn == "_-_" && l.Kind == CelTypeKind.Timestamp && r.Kind == CelTypeKind.Duration) return CelType.Timestamp;
        Error(c, $"found no matching overload for '{fn}' applied to '({l}, {r})'");
        return CelType.Dyn;
    }

    private CelType IndexType(Expr at, CelType o, CelType k)
    {
        switch (o.Kind)
        {
            case CelTypeKind.Dyn or CelTypeKind.TypeParam: return CelType.Dyn;
            case CelTypeKind.List:
                if (k.Kind is CelTypeKind.Int or CelTypeKind.Uint or CelTypeKind.Dyn or CelTypeKind.Double) return o.Elem;
                break;
            case CelTypeKind.Map:
                if (Comparable(o.Key, k)) return o.Elem;
                break;
            case CelTypeKind.Optional:
                return CelType.Optional(IndexType(at, o.Elem, k));
        }
        Error(at, $"found no matching overload for '_[_]' applied to '({o}, {k})'");
        return CelType.Dyn;
    }

    private CelType Overloads(CallExpr c, string name, Expr? target, Expr[] args)
    {
        var argTypes = new List<CelType>();
        if (target != null) argTypes.Add(Visit(target));
        argTypes.AddRange(args.Select(Visit));
        var fn = _env.FindFunction(name);
        if (fn == null)
        {
            Error(c, $"undeclared reference to '{name}' (in container '{_env.Options.Container}')");
            return CelType.Dyn;
        }
        var member = target != null;
        CelType? result = null;
        var matches = 0;
        foreach (var o in fn.Overloads)
        {
            if (o.IsMember != member || o.Parameters.Length != argTypes.Count) continue;
            var bindings = new Dictionary<string, CelType>();
            var ok = true;
            for (var i = 0; i < argTypes.Count && ok; i++) ok = Unify(o.Parameters[i], argTypes[i], bindings);
            if (!ok) continue;
            var r = Substitute(o.Result, bindings);
            matches++;
            result = result == null ? r : result.Equals(r) ? result : CelType.Dyn;
        }
        if (matches == 0)
        {
            var shown = string.Join(", ", argTypes);
            Error(c, $"found no matching overload for '{name}' applied to '{(member ? argTypes[0] + "." : "")}({(member ? string.Join(", ", argTypes.Skip(1)) : shown)})'");
            return CelType.Dyn;
        }
        return result!;
    }

    /// <summary>Whether an argument of type arg can be passed where param is expected; binds type parameters.</summary>
    private static bool Unify(CelType param, CelType arg, Dictionary<string, CelType> bindings)
    {
        if (param.Kind == CelTypeKind.TypeParam)
        {
            if (bindings.TryGetValue(param.Name, out var bound))
            {
                var merged = Merge(bound, arg);
                if (merged == null) return false;
                bindings[param.Name] = merged;
                return true;
            }
            bindings[param.Name] = arg;
            return true;
        }
        if (param.Kind is CelTypeKind.Dyn or CelTypeKind.Any || arg.Kind is CelTypeKind.Dyn or CelTypeKind.TypeParam or CelTypeKind.Any) return true;
        if (param.Kind != arg.Kind)
        {
            // null is assignable to abstract (opaque) and well-known message-like types.
            return arg.Kind == CelTypeKind.Null && param.Kind is CelTypeKind.Opaque or CelTypeKind.Timestamp or CelTypeKind.Duration or CelTypeKind.Optional;
        }
        if (param.Kind == CelTypeKind.Opaque && param.Name != arg.Name) return false;
        if (param.Parameters.Count == 0 || arg.Parameters.Count == 0) return true;
        for (var i = 0; i < Math.Min(param.Parameters.Count, arg.Parameters.Count); i++)
            if (!Unify(param.Parameters[i], arg.Parameters[i], bindings)) return false;
        return true;
    }

    private CelType Substitute(CelType t, Dictionary<string, CelType> bindings)
    {
        if (t.Kind == CelTypeKind.TypeParam) return bindings.TryGetValue(t.Name, out var b) ? b : Free;
        if (t.Parameters.Count == 0) return t;
        var ps = t.Parameters.Select(p => Substitute(p, bindings)).ToArray();
        return t.Kind switch
        {
            CelTypeKind.List => CelType.List(ps[0]),
            CelTypeKind.Map => CelType.Map(ps[0], ps[1]),
            CelTypeKind.Optional => CelType.Optional(ps[0]),
            CelTypeKind.Type => CelType.TypeOf(ps[0]),
            CelTypeKind.Opaque => CelType.Opaque(t.Name, ps),
            _ => t,
        };
    }
}
