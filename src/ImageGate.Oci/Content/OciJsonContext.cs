using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ImageGate.Oci.Credentials;

namespace ImageGate.Oci.Content;

/// <summary>Compile-time JSON metadata for what this library writes (image data for policies, token request bodies),
/// so writing needs no run-time reflection in trimmed builds.</summary>
[JsonSerializable(typeof(Dictionary<string, object?>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(GoogleAccessTokenRequest))]
internal sealed partial class OciJsonContext : JsonSerializerContext;

/// <summary>Reading manifests and indexes. Reflection-based metadata on purpose: generated metadata would reset an
/// init-only property the document omits (<c>config</c>, <c>layers</c>, <c>manifests</c>) to null instead of keeping
/// its initializer. Trimmed builds keep what that reflection reads through the DynamicDependency attributes.</summary>
internal static class OciDocumentJson
{
    private const DynamicallyAccessedMemberTypes Members = DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicProperties;

    /// <summary>Options for the OCI document types; <paramref name="maxDepth"/> 0 keeps the default depth.</summary>
    [DynamicDependency(Members, typeof(ImageManifest))]
    [DynamicDependency(Members, typeof(ImageIndex))]
    [DynamicDependency(Members, typeof(Descriptor))]
    [DynamicDependency(Members, typeof(Platform))]
    [UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode", Justification = "The document types' constructors and properties are kept by the DynamicDependency attributes; their collections are generic BCL types.")]
    [UnconditionalSuppressMessage("AOT", "IL3050:RequiresDynamicCode", Justification = "Published builds are JIT-compiled (ReadyToRun), where reflection-based serialization needs no generated code.")]
    public static JsonSerializerOptions Create(int maxDepth = 0) => new() { MaxDepth = maxDepth, TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    /// <summary>The metadata of <typeparamref name="T"/> in <paramref name="options"/>.</summary>
    public static JsonTypeInfo<T> Info<T>(this JsonSerializerOptions options) => (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
}
