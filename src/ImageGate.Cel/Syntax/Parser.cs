namespace ImageGate.Cel.Syntax;

/// <summary>Options that bound the parser's work.</summary>
public sealed record ParserOptions
{
    /// <summary>Maximum nesting depth of the expression.</summary>
    public int MaxDepth { get; init; } = 250;

    /// <summary>Maximum expression length in characters.</summary>
    public int MaxLength { get; init; } = 100_000;
}

/// <summary>Recursive-descent CEL parser; expands macros while parsing.</summary>
public sealed class Parser
{
    private readonly string _src;
    private readonly ParserOptions _options;
    private List<Token> _toks = [];
    private int _p;
    private long _nextId = 1;
    private int _depth;

    private Parser(string src, ParserOptions options)
    {
        _src = src;
        _options = options;
    }

    /// <summary>Parses an expression; on failure returns null and fills issues.</summary>
    public static Expr? Parse(string source, ParserOptions? options, List<CelIssue> issues)
    {
        var parser = new Parser(source, options ?? new ParserOptions());
        try
        {
            if (source.Length > parser._options.MaxLength)
                throw new SyntaxError(0, $"expression code point size exceeds limit: size: {source.Length}, limit {parser._options.MaxLength}");
            parser._toks = new Lexer(source).Tokenize();
            var e = parser.ParseExpr();
            if (parser.Cur.Kind != Tok.Eof) throw parser.Unexpected();
            return e;
        }
        catch (SyntaxError ex)
        {
            issues.Add(CelIssue.At(source, ex.Offset, ex.Message));
            return null;
        }
    }

    private Token Cur => _toks[_p];
    private Token PeekTok(int k = 1) => _toks[Math.Min(_p + k, _toks.Count - 1)];

    private SyntaxError Unexpected()
    {
        var t = Cur;
        return t.Kind == Tok.Eof
            ? new SyntaxError(t.Offset, "mismatched input '<EOF>'")
            : new SyntaxError(t.Offset, $"mismatched input '{t.Text}'");
    }

    private Token Expect(Tok kind, string what)
    {
        if (Cur.Kind != kind)
        {
            var t = Cur;
            throw new SyntaxError(t.Offset, t.Kind == Tok.Eof ? $"missing {what} at '<EOF>'" : $"mismatched input '{t.Text}' expecting {what}");
        }
        return _toks[_p++];
    }

    private bool Accept(Tok kind)
    {
        if (Cur.Kind != kind) return false;
        _p++;
        return true;
    }

    private long NewId() => _nextId++;

    private void Enter(int offset)
    {
        if (++_depth > _options.MaxDepth)
            throw new SyntaxError(offset, $"expression recursion limit exceeded: {_options.MaxDepth}");
    }

    private CallExpr Call(int offset, string fn, params Expr[] args) => new() { Id = NewId(), Offset = offset, Function = fn, Args = args };

    // expr: or ('?' or ':' expr)?
    private Expr ParseExpr()
    {
        Enter(Cur.Offset);
        var cond = ParseOr();
        if (Cur.Kind == Tok.Question)
        {
            var op = _toks[_p++];
            var t = ParseOr();
            Expect(Tok.Colon, "':'");
            var f = ParseExpr();
            cond = Call(op.Offset, "_?_:_", cond, t, f);
        }
        _depth--;
        return cond;
    }

    private Expr ParseOr()
    {
        var e = ParseAnd();
        var n = 0;
        while (Cur.Kind == Tok.Or)
        {
            var op = _toks[_p++];
            Enter(op.Offset);
            n++;
            var r = ParseAnd();
            e = Call(op.Offset, "_||_", e, r);
        }
        _depth -= n;
        return e;
    }

    private Expr ParseAnd()
    {
        var e = ParseRelation();
        var n = 0;
        while (Cur.Kind == Tok.And)
        {
            var op = _toks[_p++];
            Enter(op.Offset);
            n++;
            var r = ParseRelation();
            e = Call(op.Offset, "_&&_", e, r);
        }
        _depth -= n;
        return e;
    }

    private Expr ParseRelation()
    {
        var e = ParseAddition();
        var n = 0;
        while (true)
        {
            var fn = Cur.Kind switch
            {
                Tok.Lt => "_<_", Tok.Le => "_<=_", Tok.Gt => "_>_", Tok.Ge => "_>=_", Tok.Eq => "_==_", Tok.Ne => "_!=_", Tok.In => "@in",
                _ => null,
            };
            if (fn == null) break;
            var op = _toks[_p++];
            Enter(op.Offset);
            n++;
            var r = ParseAddition();
            e = Call(op.Offset, fn, e, r);
        }
        _depth -= n;
        return e;
    }

    private Expr ParseAddition()
    {
        var e = ParseMultiplication();
        var n = 0;
        while (Cur.Kind is Tok.Plus or Tok.Minus)
        {
            var op = _toks[_p++];
            Enter(op.Offset);
            n++;
            var r = ParseMultiplication();
            e = Call(op.Offset, op.Kind == Tok.Plus ? "_+_" : "_-_", e, r);
        }
        _depth -= n;
        return e;
    }

    private Expr ParseMultiplication()
    {
        var e = ParseUnary();
        var n = 0;
        while (Cur.Kind is Tok.Star or Tok.Slash or Tok.Percent)
        {
            var op = _toks[_p++];
            Enter(op.Offset);
            n++;
            var r = ParseUnary();
            e = Call(op.Offset, op.Kind switch { Tok.Star => "_*_", Tok.Slash => "_/_", _ => "_%_" }, e, r);
        }
        _depth -= n;
        return e;
    }

    private Expr ParseUnary()
    {
        var t = Cur;
        if (t.Kind == Tok.Minus && PeekTok().Kind is Tok.Int or Tok.Double && PeekTok().Offset == t.End)
        {
            // A minus directly before a number is part of the literal (this is how -9223372036854775808 is written).
            _p++;
            var num = _toks[_p++];
            Expr lit;
            if (num.Kind == Tok.Double) lit = Const(t.Offset, -(double)num.Value!);
            else
            {
                var mag = (ulong)num.Value!;
                if (mag > 9223372036854775808UL) throw new SyntaxError(t.Offset, "invalid int literal");
                lit = Const(t.Offset, mag == 9223372036854775808UL ? long.MinValue : -(long)mag);
            }
            return ParseMemberSuffix(lit);
        }
        if (t.Kind is Tok.Minus or Tok.Not)
        {
            var n = 0;
            while (Cur.Kind == t.Kind) { _p++; n++; }
            Enter(t.Offset);
            var operand = ParseMember();
            _depth--;
            if (n % 2 == 0) return operand;
            return Call(t.Offset, t.Kind == Tok.Minus ? "-_" : "!_", operand);
        }
        return ParseMember();
    }

    private ConstExpr Const(int offset, object value) => new() { Id = NewId(), Offset = offset, Value = value };

    private Expr ParseMember() => ParseMemberSuffix(ParsePrimary());

    private Expr ParseMemberSuffix(Expr e)
    {
        var n = 0;
        while (true)
        {
            var t = Cur;
            if (t.Kind == Tok.Dot)
            {
                _p++;
                Enter(t.Offset);
                n++;
                var optional = Accept(Tok.Question);
                var nameTok = Cur;
                if (nameTok.Kind is not (Tok.Ident or Tok.QuotedIdent))
                {
                    if (nameTok.Kind is Tok.Reserved)
                        nameTok = nameTok with { Value = nameTok.Text };
                    else throw Unexpected();
                }
                _p++;
                var name = (string)nameTok.Value!;
                if (optional)
                {
                    e = Call(t.Offset, "_?._", e, Const(nameTok.Offset, name));
                    continue;
                }
                if (nameTok.Kind is Tok.Ident or Tok.Reserved && Cur.Kind == Tok.LParen)
                {
                    var lp = _toks[_p++];
                    var args = ParseArgs(Tok.RParen);
                    e = ExpandMacro(lp.Offset, e, name, args) ?? new CallExpr { Id = NewId(), Offset = lp.Offset, Target = e, Function = name, Args = args };
                    continue;
                }
                e = new SelectExpr { Id = NewId(), Offset = t.Offset, Operand = e, Field = name };
                continue;
            }
            if (t.Kind == Tok.LBracket)
            {
                _p++;
                Enter(t.Offset);
                n++;
                var optional = Accept(Tok.Question);
                var index = ParseExpr();
                Expect(Tok.RBracket, "']'");
                e = Call(t.Offset, optional ? "_[?_]" : "_[_]", e, index);
                continue;
            }
            break;
        }
        _depth -= n;
        return e;
    }

    private Expr[] ParseArgs(Tok close)
    {
        var args = new List<Expr>();
        if (Accept(close)) return [];
        while (true)
        {
            args.Add(ParseExpr());
            if (Accept(Tok.Comma))
            {
                if (Accept(close)) break;
                continue;
            }
            Expect(close, close == Tok.RParen ? "')'" : "']'");
            break;
        }
        return args.ToArray();
    }

    private Expr ParsePrimary()
    {
        var t = Cur;
        switch (t.Kind)
        {
            case Tok.Int:
            {
                _p++;
                var mag = (ulong)t.Value!;
                if (mag > long.MaxValue) throw new SyntaxError(t.Offset, "invalid int literal");
                return Const(t.Offset, Values.Int((long)mag));
            }
            case Tok.Uint or Tok.Double or Tok.String or Tok.Bytes or Tok.True or Tok.False or Tok.Null:
                _p++;
                return Const(t.Offset, t.Kind is Tok.True or Tok.False ? Values.Bool((bool)t.Value!) : t.Value!);
            case Tok.LParen:
            {
                _p++;
                var e = ParseExpr();
                Expect(Tok.RParen, "')'");
                return e;
            }
            case Tok.LBracket:
                _p++;
                return ParseList(t);
            case Tok.LBrace:
                _p++;
                return ParseMap(t);
            case Tok.Dot:
            case Tok.Ident:
                return ParseIdentOrCall();
            case Tok.Reserved:
                throw new SyntaxError(t.Offset, $"reserved identifier: {t.Text}");
        }
        throw Unexpected();
    }

    private Expr ParseList(Token open)
    {
        var elems = new List<Expr>();
        var opt = new List<int>();
        if (!Accept(Tok.RBracket))
        {
            while (true)
            {
                if (Accept(Tok.Question)) opt.Add(elems.Count);
                elems.Add(ParseExpr());
                if (Accept(Tok.Comma))
                {
                    if (Accept(Tok.RBracket)) break;
                    continue;
                }
                Expect(Tok.RBracket, "']'");
                break;
            }
        }
        return new ListExpr { Id = NewId(), Offset = open.Offset, Elements = elems.ToArray(), OptionalIndices = opt.ToArray() };
    }

    private Expr ParseMap(Token open)
    {
        var id = NewId();
        var entries = new List<MapEntry>();
        if (!Accept(Tok.RBrace))
        {
            while (true)
            {
                var optional = Accept(Tok.Question);
                var k = ParseExpr();
                var colon = Expect(Tok.Colon, "':'");
                var v = ParseExpr();
                entries.Add(new MapEntry(NewId(), k, v, optional) );
                _ = colon;
                if (Accept(Tok.Comma))
                {
                    if (Accept(Tok.RBrace)) break;
                    continue;
                }
                Expect(Tok.RBrace, "'}'");
                break;
            }
        }
        return new MapExpr { Id = id, Offset = open.Offset, Entries = entries.ToArray() };
    }

    private Expr ParseIdentOrCall()
    {
        var start = Cur;
        var leadingDot = Accept(Tok.Dot);
        var idTok = Cur;
        if (idTok.Kind != Tok.Ident) throw Unexpected();
        _p++;
        var name = (string)idTok.Value!;
        if (Cur.Kind == Tok.LParen)
        {
            var lp = _toks[_p++];
            var args = ParseArgs(Tok.RParen);
            if (!leadingDot)
            {
                var m = ExpandMacro(lp.Offset, null, name, args);
                if (m != null) return m;
            }
            return new CallExpr { Id = NewId(), Offset = lp.Offset, Function = name, Args = args };
        }
        // Object literal: a.b.C{...}
        var k = 0;
        while (PeekTok(k).Kind == Tok.Dot && PeekTok(k + 1).Kind == Tok.Ident) k += 2;
        if (PeekTok(k).Kind == Tok.LBrace)
        {
            var typeName = (leadingDot ? "." : "") + name;
            for (var i = 0; i < k; i += 2) typeName += "." + (string)PeekTok(i + 1).Value!;
            _p += k;
            var brace = _toks[_p++];
            return ParseStruct(brace, typeName);
        }
        return new IdentExpr { Id = NewId(), Offset = start.Offset, Name = (leadingDot ? "." : "") + name };
    }

    private Expr ParseStruct(Token brace, string typeName)
    {
        var id = NewId();
        var fields = new List<FieldInit>();
        if (!Accept(Tok.RBrace))
        {
            while (true)
            {
                var optional = Accept(Tok.Question);
                var f = Cur;
                if (f.Kind is not (Tok.Ident or Tok.QuotedIdent)) throw Unexpected();
                _p++;
                Expect(Tok.Colon, "':'");
                var v = ParseExpr();
                fields.Add(new FieldInit(NewId(), (string)f.Value!, v, optional));
                if (Accept(Tok.Comma))
                {
                    if (Accept(Tok.RBrace)) break;
                    continue;
                }
                Expect(Tok.RBrace, "'}'");
                break;
            }
        }
        return new StructExpr { Id = id, Offset = brace.Offset, TypeName = typeName, Fields = fields.ToArray() };
    }

    // ---------------------------------------------------------------- macros

    private const string Accu = "@result";

    private IdentExpr Ident(int offset, string name) => new() { Id = NewId(), Offset = offset, Name = name };

    private static string? SimpleName(Expr e) => e is IdentExpr i && !i.Name.StartsWith('.') ? i.Name : null;

    private string VarName(Expr e, string macro)
    {
        var n = SimpleName(e);
        if (n == null) throw new SyntaxError(e.Offset, $"{macro}() variable name must be a simple identifier");
        return n;
    }

    private Expr? ExpandMacro(int offset, Expr? target, string fn, Expr[] args)
    {
        if (target == null)
        {
            if (fn == "has" && args.Length == 1)
            {
                if (args[0] is not SelectExpr s) throw new SyntaxError(offset, "invalid argument to has() macro");
                return new SelectExpr { Id = NewId(), Offset = offset, Operand = s.Operand, Field = s.Field, TestOnly = true };
            }
            return null;
        }
        if (target is IdentExpr { Name: "cel" })
        {
            if (fn == "bind" && args.Length == 3)
            {
                var v = SimpleName(args[0]) ?? throw new SyntaxError(args[0].Offset, "cel.bind() variable names must be simple identifiers");
                return new ComprehensionExpr
                {
                    Id = NewId(), Offset = offset, IterVar = "#unused", IterRange = new ListExpr { Id = NewId(), Offset = offset, Elements = [], OptionalIndices = [] },
                    AccuVar = v, AccuInit = args[1], LoopCondition = Const(offset, Values.False), LoopStep = Ident(offset, v), Result = args[2],
                };
            }
            if (fn == "index" && args.Length == 1 && args[0] is ConstExpr { Value: long idx } && idx >= 0)
                return Ident(offset, "@index" + idx);
            if (fn == "iterVar" && args.Length == 2 && args[0] is ConstExpr { Value: long a } && args[1] is ConstExpr { Value: long b })
                return Ident(offset, $"@it:{a}:{b}");
            if (fn == "accuVar" && args.Length == 2 && args[0] is ConstExpr { Value: long a2 } && args[1] is ConstExpr { Value: long b2 })
                return Ident(offset, $"@ac:{a2}:{b2}");
            if (fn == "block" && args.Length == 2)
            {
                if (args[0] is not ListExpr list) throw new SyntaxError(args[0].Offset, "cel.block requires the first arg to be a list literal");
                var result = args[1];
                for (var i = list.Elements.Length - 1; i >= 0; i--)
                {
                    result = new ComprehensionExpr
                    {
                        Id = NewId(), Offset = offset, IterVar = "#unused", IterRange = new ListExpr { Id = NewId(), Offset = offset, Elements = [], OptionalIndices = [] },
                        AccuVar = "@index" + i, AccuInit = list.Elements[i], LoopCondition = Const(offset, Values.False), LoopStep = Ident(offset, "@index" + i), Result = result,
                    };
                }
                return result;
            }
        }
        switch (fn)
        {
            case "all" or "exists" or "exists_one" or "existsOne" or "map" or "filter" or "transformList" or "transformMap" or "transformMapEntry":
                return ExpandComprehension(offset, target, fn, args);
            case "sortBy" when args.Length == 2:
            {
                var keys = ExpandComprehension(offset, target, "map", args)!;
                return new CallExpr { Id = NewId(), Offset = offset, Target = target, Function = "@sortByAssociatedKeys", Args = [keys] };
            }
            case "optMap" or "optFlatMap" when args.Length == 2:
            {
                var v = SimpleName(args[0]) ?? throw new SyntaxError(args[0].Offset, $"{fn}() variable name must be a simple identifier");
                Expr body = new ComprehensionExpr
                {
                    Id = NewId(), Offset = offset, IterVar = "#unused", IterRange = new ListExpr { Id = NewId(), Offset = offset, Elements = [], OptionalIndices = [] },
                    AccuVar = v, AccuInit = new CallExpr { Id = NewId(), Offset = offset, Target = target, Function = "value", Args = [] },
                    LoopCondition = Const(offset, Values.False), LoopStep = Ident(offset, v), Result = args[1],
                };
                if (fn == "optMap") body = new CallExpr { Id = NewId(), Offset = offset, Target = Ident(offset, "optional"), Function = "of", Args = [body] };
                var none = new CallExpr { Id = NewId(), Offset = offset, Target = Ident(offset, "optional"), Function = "none", Args = [] };
                var has = new CallExpr { Id = NewId(), Offset = offset, Target = target, Function = "hasValue", Args = [] };
                return Call(offset, "_?_:_", has, body, none);
            }
        }
        return null;
    }

    private Expr? ExpandComprehension(int offset, Expr target, string fn, Expr[] args)
    {
        var twoVar = fn switch
        {
            "all" or "exists" => args.Length == 3,
            "exists_one" or "existsOne" => args.Length == 3,
            "map" or "filter" => false,
            "transformList" or "transformMap" or "transformMapEntry" => args.Length is 3 or 4,
            _ => false,
        };
        var oneVar = fn switch
        {
            "all" or "exists" or "exists_one" or "existsOne" or "filter" => args.Length == 2,
            "map" => args.Length is 2 or 3,
            _ => false,
        };
        if (!twoVar && !oneVar) return null;
        var iter = VarName(args[0], fn);
        string? iter2 = null;
        var rest = 1;
        if (twoVar)
        {
            iter2 = VarName(args[1], fn);
            rest = 2;
            if (iter == iter2) throw new SyntaxError(args[1].Offset, $"duplicate variable name: {iter}");
        }
        if (iter is Accu or "__result__" || iter2 is Accu or "__result__") throw new SyntaxError(args[0].Offset, "iteration variable overwrites accumulator variable");
        Expr Acc() => Ident(offset, Accu);
        Expr init, cond, step, result;
        switch (fn)
        {
            case "all":
                init = Const(offset, Values.True);
                cond = Call(offset, "@not_strictly_false", Acc());
                step = Call(offset, "_&&_", Acc(), args[rest]);
                result = Acc();
                break;
            case "exists":
                init = Const(offset, Values.False);
                cond = Call(offset, "@not_strictly_false", Call(offset, "!_", Acc()));
                step = Call(offset, "_||_", Acc(), args[rest]);
                result = Acc();
                break;
            case "exists_one" or "existsOne":
                init = Const(offset, Values.Int(0));
                cond = Const(offset, Values.True);
                step = Call(offset, "_?_:_", args[rest], Call(offset, "_+_", Acc(), Const(offset, Values.Int(1))), Acc());
                result = Call(offset, "_==_", Acc(), Const(offset, Values.Int(1)));
                break;
            case "map":
            {
                init = new ListExpr { Id = NewId(), Offset = offset, Elements = [], OptionalIndices = [] };
                cond = Const(offset, Values.True);
                var fnArg = args.Length == 3 ? args[2] : args[1];
                Expr append = Call(offset, "_+_", Acc(), new ListExpr { Id = NewId(), Offset = offset, Elements = [fnArg], OptionalIndices = [] });
                step = args.Length == 3 ? Call(offset, "_?_:_", args[1], append, Acc()) : append;
                result = Acc();
                break;
            }
            case "filter":
                init = new ListExpr { Id = NewId(), Offset = offset, Elements = [], OptionalIndices = [] };
                cond = Const(offset, Values.True);
                step = Call(offset, "_?_:_", args[1], Call(offset, "_+_", Acc(), new ListExpr { Id = NewId(), Offset = offset, Elements = [Ident(args[0].Offset, iter)], OptionalIndices = [] }), Acc());
                result = Acc();
                break;
            case "transformList":
            {
                init = new ListExpr { Id = NewId(), Offset = offset, Elements = [], OptionalIndices = [] };
                cond = Const(offset, Values.True);
                var fnArg = args.Length == 4 ? args[3] : args[2];
                Expr append = Call(offset, "_+_", Acc(), new ListExpr { Id = NewId(), Offset = offset, Elements = [fnArg], OptionalIndices = [] });
                step = args.Length == 4 ? Call(offset, "_?_:_", args[2], append, Acc()) : append;
                result = Acc();
                break;
            }
            default: // transformMap, transformMapEntry
            {
                init = new MapExpr { Id = NewId(), Offset = offset, Entries = [] };
                cond = Const(offset, Values.True);
                var fnArg = args.Length == 4 ? args[3] : args[2];
                Expr insert = fn == "transformMap"
                    ? Call(offset, "cel.@mapInsert", Acc(), Ident(args[0].Offset, iter), fnArg)
                    : Call(offset, "cel.@mapInsert", Acc(), fnArg);
                step = args.Length == 4 ? Call(offset, "_?_:_", args[2], insert, Acc()) : insert;
                result = Acc();
                break;
            }
        }
        return new ComprehensionExpr
        {
            Id = NewId(), Offset = offset, IterVar = iter, IterVar2 = iter2, IterRange = target, AccuVar = Accu,
            AccuInit = init, LoopCondition = cond, LoopStep = step, Result = result,
        };
    }
}
