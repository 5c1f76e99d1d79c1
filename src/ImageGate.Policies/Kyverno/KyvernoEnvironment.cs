using ImageGate.Cel;

namespace ImageGate.Policies.Kyverno;

/// <summary>Builds the CEL environments of an image validating policy (kyverno-ivpol §3): the policy
/// environment with Kyverno's variables and libraries, and the small one for
/// <c>matchImageReferences[].expression</c> with only <c>ref</c> and the image library.</summary>
internal static class KyvernoEnvironment
{
    public static readonly CelType Variables = CelType.Opaque("kyverno.variables");

    /// <summary>A new policy environment; <c>variables</c> is declared by the compiler as it compiles them.</summary>
    public static CelEnvironment ForPolicy(bool jsonMode, bool namespacedPolicy)
    {
        var env = new CelEnvironment();
        env.DeclareVariable("object", CelType.Dyn);
        if (!jsonMode)
        {
            env.DeclareVariable("oldObject", CelType.Dyn);
            env.DeclareVariable("request", CelType.Dyn);
            env.DeclareVariable("namespaceObject", CelType.Dyn);
        }
        env.DeclareVariable("images", CelType.Map(CelType.String, CelType.List(CelType.String)));
        env.DeclareVariable("attestors", CelType.Map(CelType.String, CelType.Dyn));
        env.DeclareVariable("attestations", CelType.Map(CelType.String, CelType.String));
        env.DeclareVariable("image", ImageDataContext.Type);
        env.DeclareVariable("imagedata", ImageDataContext.Type);
        env.DeclareVariable("json", UtilityLibraries.Json.CelType);
        env.DeclareVariable("yaml", UtilityLibraries.Yaml.CelType);
        env.DeclareVariable("resource", UtilityLibraries.Resource.CelType);
        env.DeclareVariable("globalContext", UtilityLibraries.GlobalContext.CelType);
        env.DeclareVariable("http", UtilityLibraries.Http.CelType);
        ImageLibrary.Register(env);
        VerificationLibrary.Register(env);
        UtilityLibraries.Register(env, namespacedPolicy);
        return env;
    }

    /// <summary>The environment of <c>matchImageReferences[].expression</c>.</summary>
    public static CelEnvironment ForImageReference()
    {
        var env = new CelEnvironment();
        env.DeclareVariable("ref", CelType.String);
        ImageLibrary.Register(env);
        return env;
    }
}
