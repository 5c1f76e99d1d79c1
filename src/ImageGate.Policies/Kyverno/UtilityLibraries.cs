using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImageGate.Cel;
using ImageGate.Policies.Engine;
using ImageGate.Manifests;
using ImageGate.Manifests.Yaml;

namespace ImageGate.Policies.Kyverno;

/// <summary>An opaque library context value (<c>json</c>, <c>yaml</c>, <c>resource</c>, <c>globalContext</c>, <c>http</c>).</summary>
internal sealed class LibraryContext(string typeName) : ICelObject
{
    public CelType CelType { get; } = CelType.Opaque(typeName);

    public bool TryGetField(string name, out object? value)
    {
        value = null;
        return false;
    }
}

/// <summary>Kyverno's offline libraries: json, yaml, hash, math, random, time, transform, gzip, user,
/// and the cluster-backed <c>resource</c> and <c>globalContext</c> answered from the run's inputs;
/// <c>http</c> is refused (a pipeline must not call arbitrary hosts).</summary>
internal static class UtilityLibraries
{
    public static readonly LibraryContext Json = new("json.Context");
    public static readonly LibraryContext Yaml = new("yaml.Context");
    public static readonly LibraryContext Resource = new("resource.Context");
    public static readonly LibraryContext GlobalContext = new("globalcontext.Context");
    public static readonly LibraryContext Http = new("http.Context");

    private const int MaxDecompressedBytes = 10 * 1024 * 1024;
    private static readonly CelType S = CelType.String, Dy = CelType.Dyn;

    public static void Register(CelEnvironment env, bool namespacedPolicy)
    {
        env.AddMemberFunction("unmarshal", "json_unmarshal", Json.CelType, [S], Dy, a => JsonParse((string)a[1]));
        env.AddMemberFunction("marshal", "json_marshal", Json.CelType, [Dy], S, a => Values.ToJsonText(a[1]));
        env.AddMemberFunction("parse", "yaml_parse", Yaml.CelType, [S], Dy, a => YamlParse((string)a[1]));

        foreach (var (name, algo) in new (string, Func<byte[], byte[]>)[] { ("sha1", SHA1.HashData), ("sha256", SHA256.HashData), ("md5", MD5.HashData) })
        {
            Func<object[], object> impl = a => Convert.ToHexStringLower(algo(Encoding.UTF8.GetBytes((string)a[0])));
            env.AddFunction(name, name + "_string", [S], S, impl);
            env.AddFunction("hash." + name, "hash_" + name + "_string", [S], S, impl);
        }

        env.AddFunction("math.round", "kyverno_math_round_double_int", [CelType.Double, CelType.Int], CelType.Double,
            a => Math.Round((double)a[0], (int)Math.Clamp((long)a[1], 0, 15), MidpointRounding.AwayFromZero));

        Func<object[], object> random = _ => RandomString();
        env.AddFunction("random", "random", [], S, random);
        env.AddFunction("random.random", "random_random", [], S, random);

        env.AddFunction("time.now", "time_now", [], CelType.Timestamp, _ => CelTimestamp.FromDateTimeOffset(DateTimeOffset.UtcNow));
        env.AddFunction("time.truncate", "time_truncate", [CelType.Timestamp, CelType.Duration], CelType.Timestamp, a => Truncate((CelTimestamp)a[0], (CelDuration)a[1]));
        env.AddFunction("time.toCron", "time_toCron", [CelType.Timestamp], S, a =>
        {
            var t = ((CelTimestamp)a[0]).ToDateTimeOffset().UtcDateTime;
            return $"{t.Minute} {t.Hour} {t.Day} {t.Month} {(int)t.DayOfWeek}";
        });

        Func<object[], object> listObjToMap = a => ListObjToMap(a[0], a[1], (string)a[2], (string)a[3]);
        CelType[] zip = [CelType.List(Dy), CelType.List(Dy), S, S];
        env.AddFunction("listObjToMap", "listObjToMap", zip, CelType.Map(S, Dy), listObjToMap);
        env.AddFunction("transform.listObjToMap", "transform_listObjToMap", zip, CelType.Map(S, Dy), listObjToMap);

        env.AddFunction("gzip.decompress", "gzip_decompress", [CelType.Bytes], S, a => Decompress(((CelBytes)a[0]).Data));
        env.AddFunction("gzip.compress", "gzip_compress", [Dy], CelType.Bytes, a => Compress(a[0]));

        Func<object[], object> serviceAccount = a => ParseServiceAccount((string)a[0]);
        env.AddFunction("parseServiceAccount", "parseServiceAccount", [S], CelType.Map(S, S), serviceAccount);
        env.AddFunction("user.parseServiceAccount", "user_parseServiceAccount", [S], CelType.Map(S, S), serviceAccount);

        RegisterResource(env, namespacedPolicy);
        foreach (var name in new[] { "Get", "get" })
        {
            env.AddMemberFunction(name, "globalcontext_" + name, GlobalContext.CelType, [S], Dy, a => GlobalGet((string)a[1], null));
            env.AddMemberFunction(name, "globalcontext_" + name + "_projection", GlobalContext.CelType, [S, S], Dy, a => GlobalGet((string)a[1], (string)a[2]));
        }
        foreach (var name in new[] { "Get", "get" })
        {
            env.AddMemberFunction(name, "http_" + name, Http.CelType, [S], Dy, a => HttpCall(HttpMethod.Get, (string)a[1], null, null));
            env.AddMemberFunction(name, "http_" + name + "_headers", Http.CelType, [S, CelType.Map(S, S)], Dy, a => HttpCall(HttpMethod.Get, (string)a[1], null, a[2]));
        }
        foreach (var name in new[] { "Post", "post" })
        {
            env.AddMemberFunction(name, "http_" + name, Http.CelType, [S, Dy], Dy, a => HttpCall(HttpMethod.Post, (string)a[1], a[2], null));
            env.AddMemberFunction(name, "http_" + name + "_headers", Http.CelType, [S, Dy, CelType.Map(S, S)], Dy, a => HttpCall(HttpMethod.Post, (string)a[1], a[2], a[3]));
        }
    }

    private static void RegisterResource(CelEnvironment env, bool namespacedPolicy)
    {
        var ctx = Resource.CelType;
        foreach (var name in new[] { "Get", "get" })
        {
            if (namespacedPolicy)
            {
                env.AddMemberFunction(name, "resource_" + name + "_ns", ctx, [S, S, S], Dy,
                    a => ResourceGet((string)a[1], (string)a[2], EvaluationScope.Current.Policy.Namespace ?? "", (string)a[3]));
            }
            env.AddMemberFunction(name, "resource_" + name, ctx, [S, S, S, S], Dy,
                a => ResourceGet((string)a[1], (string)a[2], (string)a[3], (string)a[4]));
        }
        foreach (var name in new[] { "List", "list" })
        {
            if (namespacedPolicy)
            {
                env.AddMemberFunction(name, "resource_" + name + "_ns", ctx, [S, S], Dy,
                    a => ResourceList((string)a[1], (string)a[2], EvaluationScope.Current.Policy.Namespace ?? "", null));
                env.AddMemberFunction(name, "resource_" + name + "_ns_labels", ctx, [S, S, CelType.Map(S, S)], Dy,
                    a => ResourceList((string)a[1], (string)a[2], EvaluationScope.Current.Policy.Namespace ?? "", a[3]));
            }
            env.AddMemberFunction(name, "resource_" + name, ctx, [S, S, S], Dy,
                a => ResourceList((string)a[1], (string)a[2], (string)a[3], null));
            env.AddMemberFunction(name, "resource_" + name + "_labels", ctx, [S, S, S, CelType.Map(S, S)], Dy,
                a => ResourceList((string)a[1], (string)a[2], (string)a[3], a[4]));
        }
    }

    private static object JsonParse(string text)
    {
        try
        {
            return (object?)JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 128 }) ?? CelNull.Value;
        }
        catch (JsonException ex)
        {
            return new CelError($"json.unmarshal: {ex.Message}");
        }
    }

    private static object YamlParse(string text)
    {
        try
        {
            // The same bounded loader as manifests: the text may come from a registry payload.
            var documents = YamlLoader.Load(text, "yaml.parse");
            return documents.Count == 0 ? CelNull.Value : (object?)YamlJson.Convert(documents[0].Root) ?? CelNull.Value;
        }
        catch (ManifestException ex)
        {
            return new CelError($"yaml.parse: {ex.Message}");
        }
        catch (FormatException ex)
        {
            return new CelError($"yaml.parse: {ex.Message}");
        }
    }

    private static string RandomString()
    {
        const string alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
        return string.Create(8, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
            }
        });
    }

    private static object Truncate(CelTimestamp t, CelDuration d)
    {
        if (d.Nanos <= 0)
        {
            return t;
        }
        var rem = t.Nanos % d.Nanos;
        if (rem < 0)
        {
            rem += d.Nanos;
        }
        return new CelTimestamp(t.Nanos - rem);
    }

    private static object ListObjToMap(object keys, object values, string keyField, string valueField)
    {
        var k = Values.ListToArray(keys);
        var v = Values.ListToArray(values);
        if (k.Length != v.Length)
        {
            return new CelError($"listObjToMap: lists have different lengths ({k.Length} and {v.Length})");
        }
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (var i = 0; i < k.Length; i++)
        {
            if (!Values.MapTryGet(k[i], keyField, out var key) || key is not string ks)
            {
                return new CelError($"listObjToMap: item {i} has no string field {keyField}");
            }
            result[ks] = Values.MapTryGet(v[i], valueField, out var value) ? value : CelNull.Value;
        }
        return result;
    }

    private static object Decompress(byte[] data)
    {
        using var gzip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        try
        {
            while ((read = gzip.Read(chunk, 0, chunk.Length)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxDecompressedBytes)
                {
                    return new CelError($"gzip.decompress: output exceeds {MaxDecompressedBytes} bytes");
                }
            }
        }
        catch (InvalidDataException ex)
        {
            return new CelError($"gzip.decompress: {ex.Message}");
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static object Compress(object value)
    {
        var text = value as string ?? Values.ToJsonText(value);
        var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }
        return new CelBytes(buffer.ToArray());
    }

    private static object ParseServiceAccount(string user)
    {
        var parts = user.Split(':');
        var valid = parts.Length == 4 && parts[0] == "system" && parts[1] == "serviceaccount" && parts[2].Length > 0 && parts[3].Length > 0;
        return new Dictionary<string, object?>
        {
            ["namespace"] = valid ? parts[2] : "",
            ["name"] = valid ? parts[3] : "",
        };
    }

    private static object ResourceGet(string apiVersion, string resource, string ns, string name)
    {
        var match = ClusterObjects(apiVersion, resource, ns).FirstOrDefault(o => (string?)o["metadata"]?["name"] == name);
        return (object?)match ?? CelNull.Value;
    }

    private static object ResourceList(string apiVersion, string resource, string ns, object? labels)
    {
        var wanted = labels is null ? [] : Values.MapEntries(labels).Select(e => (Key: (string)e.Key, Value: e.Value as string)).ToList();
        var items = new JsonArray();
        foreach (var o in ClusterObjects(apiVersion, resource, ns))
        {
            var objLabels = EngineResource.ReadLabels(o);
            if (wanted.All(w => objLabels.TryGetValue(w.Key, out var v) && v == w.Value))
            {
                items.Add(o.DeepClone());
            }
        }
        return new JsonObject
        {
            ["apiVersion"] = apiVersion,
            ["kind"] = "List",
            ["metadata"] = new JsonObject(),
            ["items"] = items,
        };
    }

    private static IEnumerable<JsonObject> ClusterObjects(string apiVersion, string resource, string ns)
    {
        var options = EvaluationScope.Current.Options;
        foreach (var o in options.ClusterResources)
        {
            var kind = options.Kinds.Resolve((string?)o["apiVersion"] ?? "", (string?)o["kind"] ?? "");
            if (kind.ApiVersion != apiVersion || kind.Resource != resource)
            {
                continue;
            }
            var objNs = (string?)o["metadata"]?["namespace"] ?? "";
            if (ns.Length > 0 && kind.Namespaced && objNs != ns)
            {
                continue;
            }
            yield return o;
        }
    }

    private static object GlobalGet(string name, string? projection)
    {
        var entries = EvaluationScope.Current.Options.GlobalContext;
        if (!entries.TryGetValue(name, out var value) || value is null)
        {
            return CelNull.Value;
        }
        if (projection is null)
        {
            return value;
        }
        return value[projection] is { } projected ? projected : new CelError($"global context entry {name} has no projection {projection}");
    }

    private const int MaxHttpBodyBytes = 1024 * 1024;

    // One client for the run: no redirects (an allowed host must not bounce the call elsewhere), short timeout.
    private static readonly HttpClient HttpClient = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Kyverno's <c>http.get/post</c>, only to hosts allowed with <c>--allow-http</c>; the JSON body is
    /// decoded, an object body gets <c>statusCode</c>, anything else becomes <c>{body, statusCode}</c>.</summary>
    private static object HttpCall(HttpMethod method, string url, object? body, object? headers)
    {
        var scope = EvaluationScope.Current;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return new CelError($"http: invalid URL {url}");
        }
        if (!scope.Options.AllowedHttpHosts.Contains(uri.Authority, StringComparer.OrdinalIgnoreCase)
            && !scope.Options.AllowedHttpHosts.Contains(uri.Host, StringComparer.OrdinalIgnoreCase))
        {
            return new CelError($"http call to {uri.Authority} refused: allow the host with --allow-http {uri.Host}");
        }
        if (scope.Policy.Namespace is not null)
        {
            return new CelError("http calls are not allowed in a NamespacedImageValidatingPolicy");
        }
        try
        {
            using var request = new HttpRequestMessage(method, uri);
            if (body is not null)
            {
                request.Content = new StringContent(Values.ToJsonText(body), Encoding.UTF8, "application/json");
            }
            foreach (var (key, value) in headers is null ? [] : Values.MapEntries(headers).Select(e => ((string)e.Key, e.Value as string ?? "")))
            {
                request.Headers.TryAddWithoutValidation(key, value);
            }
            using var response = HttpClient.Send(request, HttpCompletionOption.ResponseHeadersRead, scope.CancellationToken);
            using var stream = response.Content.ReadAsStream(scope.CancellationToken);
            var buffer = new MemoryStream();
            var chunk = new byte[16384];
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxHttpBodyBytes)
                {
                    return new CelError($"http: response from {uri.Authority} exceeds {MaxHttpBodyBytes} bytes");
                }
            }
            var status = (long)(int)response.StatusCode;
            JsonNode? parsed = null;
            try
            {
                parsed = JsonNode.Parse(buffer.ToArray(), documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
            }
            catch (JsonException)
            {
                // not JSON: returned as the body string below
            }
            if (parsed is JsonObject obj)
            {
                obj["statusCode"] = status;
                return obj;
            }
            return new Dictionary<string, object?>
            {
                ["body"] = (object?)parsed ?? Encoding.UTF8.GetString(buffer.ToArray()),
                ["statusCode"] = status,
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return new CelError($"http call to {uri.Authority} failed: {ex.Message}");
        }
    }
}
