using ImageGate.Cel;
using ImageGate.Oci.References;

namespace ImageGate.Policies.Kyverno;

/// <summary>The CEL value of <c>parseImageReference(s)</c>: an opaque <c>kyverno.image</c>.</summary>
internal sealed class ImageValue(ImageReference reference) : ICelObject
{
    public static readonly CelType Type = CelType.Opaque("kyverno.image");

    public ImageReference Reference { get; } = reference;

    public CelType CelType => Type;

    public bool TryGetField(string name, out object? value)
    {
        value = null;
        return false;
    }
}

/// <summary>Kyverno's image library: <c>parseImageReference</c>, <c>image</c>, <c>isImage</c> and the
/// accessors on <c>kyverno.image</c>, with go-containerregistry's defaults (Docker Hub is
/// <c>index.docker.io</c>, the default tag is <c>latest</c>).</summary>
internal static class ImageLibrary
{
    public static void Register(CelEnvironment env)
    {
        foreach (var name in new[] { "parseImageReference", "image" })
        {
            env.AddFunction(name, name + "_string", [CelType.String], ImageValue.Type, a => Parse((string)a[0]));
        }
        env.AddFunction("isImage", "isImage_string", [CelType.String], CelType.Bool,
            a => ImageReference.TryParse((string)a[0], out _));
        Accessor(env, "containsDigest", CelType.Bool, r => r.IsDigest);
        Accessor(env, "registry", CelType.String, r => r.Registry);
        Accessor(env, "repository", CelType.String, r => r.Repository);
        Accessor(env, "identifier", CelType.String, r => r.Identifier);
        Accessor(env, "tag", CelType.String, r => r.IsDigest ? "" : r.Tag ?? "");
        Accessor(env, "digest", CelType.String, r => r.Digest ?? "");
    }

    private static object Parse(string text) =>
        ImageReference.TryParse(text, out var reference) && reference is not null
            ? new ImageValue(reference)
            : new CelError($"invalid image reference: {text}");

    private static void Accessor(CelEnvironment env, string name, CelType result, Func<ImageReference, object> get)
    {
        env.AddMemberFunction(name, "kyverno.image_" + name, ImageValue.Type, [], result, a => get(((ImageValue)a[0]).Reference));
    }
}
