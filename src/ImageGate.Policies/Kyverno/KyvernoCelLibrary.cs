using ImageGate.Cel;

namespace ImageGate.Policies.Kyverno;

/// <summary>Kyverno's functions that need no policy evaluation around them (image parsing, hashes,
/// json/yaml, math, time, random, gzip, user), for tools such as <c>imagegate cel eval</c>.</summary>
public static class KyvernoCelLibrary
{
    /// <summary>Registers the pure Kyverno functions and the <c>json</c>/<c>yaml</c> variables' types.</summary>
    public static void RegisterPure(CelEnvironment env)
    {
        ImageLibrary.Register(env);
        UtilityLibraries.Register(env, namespacedPolicy: false);
        env.DeclareVariable("json", UtilityLibraries.Json.CelType);
        env.DeclareVariable("yaml", UtilityLibraries.Yaml.CelType);
    }

    /// <summary>Values of the variables <see cref="RegisterPure"/> declares.</summary>
    public static IEnumerable<KeyValuePair<string, object?>> PureVariables() =>
    [
        new("json", UtilityLibraries.Json),
        new("yaml", UtilityLibraries.Yaml),
    ];
}
