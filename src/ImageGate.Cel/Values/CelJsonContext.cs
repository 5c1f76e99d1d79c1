using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ImageGate.Cel;

/// <summary>Compile-time JSON metadata for the plain values <see cref="Values.ToNative"/> returns, so writing CEL
/// values as JSON needs no run-time reflection (trimmed and ahead-of-time compiled builds).</summary>
[JsonSerializable(typeof(object))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(ulong))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(List<object?>))]
[JsonSerializable(typeof(Dictionary<string, object?>))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class CelJsonContext : JsonSerializerContext;
