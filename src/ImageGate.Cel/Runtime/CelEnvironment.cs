using ImageGate.Cel.Checking;
using ImageGate.Cel.Library;
using ImageGate.Cel.Runtime;
using ImageGate.Cel.Syntax;

namespace ImageGate.Cel;

/// <summary>Settings of a CEL environment.</summary>
public sealed record CelOptions
{
    /// <summary>Namespace used to resolve unqualified names (<c>a.b</c> makes <c>x</c> try <c>a.b.x</c>, <c>a.x</c>, <c>x</c>).</summary>
    public string Container { get; init; } = "";

    /// <summary>Maximum cost (comprehension iterations plus function calls) of one evaluation.</summary>
    public long CostLimit { get; init; } = 10_000_000;

    /// <summary>Run the type checker at compile time.</summary>
    public bool TypeCheck { get; init; } = true;

    /// <summary>Allow identifiers that were not declared; they are looked up in the activation at evaluation time.</summary>
    public bool AllowUndeclaredVariables { get; init; }

    /// <summary>Reject list and map literals whose elements have different types (as Kubernetes environments do).</summary>
    public bool HomogeneousAggregateLiterals { get; init; }

    /// <summary>Parser limits.</summary>
    public ParserOptions Parser { get; init; } = new();
}

/// <summary>A host object type: its CEL type, optional field types for the checker, and an optional constructor for <c>T{f: v}</c>.</summary>
public sealed class CelObjectType
{
    /// <summary>Creates an object type.</summary>
    public CelObjectType(CelType type, IReadOnlyDictionary<string, CelType>? fields = null, Func<IReadOnlyDictionary<string, object>, object>? create = null)
    {
        Type = type;
        Fields = fields ?? new Dictionary<string, CelType>();
        Create = create;
    }

    /// <summary>The CEL type.</summary>
    public CelType Type { get; }

    /// <summary>Declared field types.</summary>
    public IReadOnlyDictionary<string, CelType> Fields { get; }

    /// <summary>Constructor used by object literals.</summary>
    public Func<IReadOnlyDictionary<string, object>, object>? Create { get; }
}

/// <summary>
/// A CEL environment: declarations (variables, functions, object types) and options. Configure it first, then compile
/// expressions; compiled programs are immutable and safe to evaluate from many threads.
/// </summary>
public sealed class CelEnvironment
{
    private readonly Dictionary<string, CelType> _variables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CelFunction> _functions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CelObjectType> _objectTypes = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, CelType> BuiltinTypeNames = new()
    {
        ["int"] = CelType.Int, ["uint"] = CelType.Uint, ["double"] = CelType.Double, ["bool"] = CelType.Bool,
        ["string"] = CelType.String, ["bytes"] = CelType.Bytes, ["list"] = CelType.ListType, ["map"] = CelType.MapType,
        ["null_type"] = CelType.Null, ["type"] = CelType.TypeType, ["optional_type"] = CelType.OptionalType,
        ["google.protobuf.Timestamp"] = CelType.Timestamp, ["google.protobuf.Duration"] = CelType.Duration,
    };

    /// <summary>Creates an environment with the standard library and every extension library.</summary>
    public CelEnvironment(CelOptions? options = null)
    {
        Options = options ?? new CelOptions();
        StandardLibrary.Register(this);
    }

    /// <summary>The options.</summary>
    public CelOptions Options { get; }

    /// <summary>Declared variables.</summary>
    public IReadOnlyDictionary<string, CelType> Variables => _variables;

    /// <summary>Declares a variable (qualified names such as <c>request.object</c> allowed).</summary>
    public CelEnvironment DeclareVariable(string name, CelType type)
    {
        _variables[name] = type;
        return this;
    }

    /// <summary>Registers a host object type.</summary>
    public CelEnvironment AddObjectType(CelObjectType type)
    {
        _objectTypes[type.Type.Name] = type;
        return this;
    }

    /// <summary>Adds a global overload <c>name(params...)</c>.</summary>
    public CelEnvironment AddFunction(string name, string overloadId, CelType[] parameters, CelType result, Func<object[], object> impl) =>
        AddOverload(name, new CelOverload(overloadId, false, parameters, result, impl));

    /// <summary>Adds a receiver-style overload <c>receiver.name(params...)</c>.</summary>
    public CelEnvironment AddMemberFunction(string name, string overloadId, CelType receiver, CelType[] parameters, CelType result, Func<object[], object> impl) =>
        AddOverload(name, new CelOverload(overloadId, true, [receiver, .. parameters], result, impl));

    /// <summary>Adds a prepared overload.</summary>
    public CelEnvironment AddOverload(string name, CelOverload overload)
    {
        if (!_functions.TryGetValue(name, out var fn)) _functions[name] = fn = new CelFunction(name);
        fn.Overloads.RemoveAll(o => o.Id == overload.Id);
        fn.Overloads.Add(overload);
        return this;
    }

    /// <summary>Looks a function up by name.</summary>
    public CelFunction? FindFunction(string name) => _functions.GetValueOrDefault(name);

    internal IEnumerable<CelFunction> Functions => _functions.Values;

    internal CelObjectType? FindObjectTypeByType(CelType type) => _objectTypes.GetValueOrDefault(type.Name);

    internal CelObjectType? FindObjectType(string name)
    {
        foreach (var c in Candidates(name))
            if (_objectTypes.TryGetValue(c, out var t)) return t;
        return null;
    }

    /// <summary>Resolves a type name used as a value (<c>int</c>, <c>google.protobuf.Timestamp</c>, registered object types).</summary>
    public CelType? FindTypeName(string name)
    {
        if (BuiltinTypeNames.TryGetValue(name, out var t)) return t;
        return FindObjectType(name) is { } o ? o.Type : null;
    }

    internal bool IsDeclared(string name) => _variables.ContainsKey(name.TrimStart('.'));

    /// <summary>Candidate names for a possibly unqualified name, most specific container first.</summary>
    internal IEnumerable<string> Candidates(string name)
    {
        if (name.StartsWith('.')) { yield return name[1..]; yield break; }
        var container = Options.Container;
        while (container.Length > 0)
        {
            yield return container + "." + name;
            var dot = container.LastIndexOf('.');
            container = dot < 0 ? "" : container[..dot];
        }
        yield return name;
    }

    /// <summary>
    /// Compiles and requires the checked output type to be exactly one of the allowed types (policies need <c>bool</c>
    /// for conditions and <c>string</c> for messages; <c>dyn</c> is rejected unless allowed).
    /// </summary>
    public CelCompileResult Compile(string expression, params CelType[] allowedOutputTypes)
    {
        var r = Compile(expression);
        if (!r.Success || allowedOutputTypes.Length == 0 || !Options.TypeCheck) return r;
        if (allowedOutputTypes.Any(t => t.Equals(r.OutputType))) return r;
        var expected = string.Join(" or ", allowedOutputTypes.Select(t => $"'{t}'"));
        return r with { Program = null, Issues = [CelIssue.At(expression, 0, $"output is expected to be of type {expected} but found '{r.OutputType}'")] };
    }

    /// <summary>Parses, checks and plans an expression.</summary>
    public CelCompileResult Compile(string expression)
    {
        var issues = new List<CelIssue>();
        var ast = Parser.Parse(expression, Options.Parser, issues);
        if (ast == null) return new CelCompileResult(null, issues, null);
        CelType? type = null;
        if (Options.TypeCheck)
        {
            var checker = new Checker(this, expression);
            type = checker.Check(ast, issues);
            if (issues.Count > 0) return new CelCompileResult(null, issues, type);
        }
        var planner = new Planner(this);
        var root = planner.Plan(ast);
        return new CelCompileResult(new CelProgram(root, planner.SlotCount, Options.CostLimit, type ?? CelType.Dyn, ast, expression), issues, type);
    }
}

/// <summary>Result of compiling an expression: a program, or the issues that prevented it.</summary>
public sealed record CelCompileResult(CelProgram? Program, IReadOnlyList<CelIssue> Issues, CelType? OutputType)
{
    /// <summary>Whether compilation succeeded.</summary>
    public bool Success => Program != null;

    /// <summary>All issues rendered with carets.</summary>
    public string ErrorText => string.Join("\n", Issues.Select(i => i.ToDisplayString()));
}

/// <summary>A compiled expression, immutable and thread-safe.</summary>
public sealed class CelProgram
{
    private readonly Node _root;
    private readonly int _slots;
    private readonly long _costLimit;

    private readonly string _source;

    internal CelProgram(Node root, int slots, long costLimit, CelType outputType, Expr ast, string source)
    {
        _source = source;
        _root = root;
        _slots = slots;
        _costLimit = costLimit;
        OutputType = outputType;
        Ast = ast;
    }

    /// <summary>The checked output type (dyn when unchecked).</summary>
    public CelType OutputType { get; }

    /// <summary>The parsed syntax tree.</summary>
    public Expr Ast { get; }

    /// <summary>Evaluates the program; errors are returned as <see cref="CelError"/> values, never thrown.</summary>
    public object Evaluate(IActivation activation, CancellationToken cancellationToken = default) =>
        Evaluate(activation, null, cancellationToken);

    /// <summary>Evaluates the program, charging its cost to <paramref name="budget"/> as well as to its own limit
    /// (no budget: its own limit only); errors, a spent budget included, are returned as <see cref="CelError"/> values.</summary>
    public object Evaluate(IActivation activation, CelCostBudget? budget, CancellationToken cancellationToken = default)
    {
        if (budget is { Exhausted: true })
        {
            budget.Stopped = true;
            return new CelError(budget.ExceededMessage);
        }
        var frame = new Frame(activation, _slots, _costLimit, cancellationToken, budget);
        try
        {
            return _root.Eval(frame);
        }
        catch (CostLimitExceededException ex)
        {
            return new CelError(ex.Message);
        }
        catch (OperationCanceledException)
        {
            return new CelError("operation cancelled");
        }
        catch (Exception ex) when (ex is InsufficientExecutionStackException or InvalidCastException or ArgumentException or IndexOutOfRangeException or OverflowException or FormatException or InvalidOperationException or NullReferenceException)
        {
            return new CelError($"internal error: {ex.Message}");
        }
        finally
        {
            frame.Finish();
        }
    }

    /// <summary>The position of an evaluation error in the source (line, column, caret rendering), when known.</summary>
    public CelIssue? Locate(CelError error)
    {
        if (error.ExprId == 0) return null;
        var offset = FindOffset(Ast, error.ExprId);
        return offset is { } o ? CelIssue.At(_source, o, error.Message) : null;
    }

    private static int? FindOffset(Expr e, long id)
    {
        if (e.Id == id) return e.Offset;
        IEnumerable<Expr> children = e switch
        {
            SelectExpr s => [s.Operand],
            CallExpr c => c.Target != null ? [c.Target, .. c.Args] : c.Args,
            ListExpr l => l.Elements,
            MapExpr m => m.Entries.SelectMany(x => new[] { x.Key, x.Value }),
            StructExpr st => st.Fields.Select(f => f.Value),
            ComprehensionExpr c => [c.IterRange, c.AccuInit, c.LoopCondition, c.LoopStep, c.Result],
            _ => [],
        };
        foreach (var child in children)
            if (FindOffset(child, id) is { } o) return o;
        return null;
    }

    /// <summary>Evaluates with variables from a dictionary.</summary>
    public object Evaluate(IReadOnlyDictionary<string, object?> variables, CancellationToken cancellationToken = default) =>
        Evaluate(new Activation(variables), cancellationToken);
}
