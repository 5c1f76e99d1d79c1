namespace ImageGate.Cel;

/// <summary>Supplies variable values to an evaluation.</summary>
public interface IActivation
{
    /// <summary>Looks a variable up by its (possibly qualified) name.</summary>
    bool TryResolve(string name, out object? value);
}

/// <summary>An activation over a dictionary; values may be host data (JsonNode, JsonElement, collections) or lazy <see cref="Func{T}"/> producers.</summary>
public sealed class Activation : IActivation
{
    /// <summary>The empty activation.</summary>
    public static readonly Activation Empty = new(new Dictionary<string, object?>());

    private readonly IReadOnlyDictionary<string, object?> _values;
    private Dictionary<string, object?>? _memo;
    private Lock? _lock;

    /// <summary>Creates an activation; a value of type <c>Func&lt;object?&gt;</c> is called once, on first use.</summary>
    public Activation(IReadOnlyDictionary<string, object?> values) => _values = values;

    public bool TryResolve(string name, out object? value)
    {
        if (!_values.TryGetValue(name, out value)) return false;
        if (value is Func<object?> lazy)
        {
            lock (LazyInitializer.EnsureInitialized(ref _lock))
            {
                _memo ??= new Dictionary<string, object?>();
                if (!_memo.TryGetValue(name, out value))
                {
                    value = lazy();
                    _memo[name] = value;
                }
            }
        }
        return true;
    }
}
