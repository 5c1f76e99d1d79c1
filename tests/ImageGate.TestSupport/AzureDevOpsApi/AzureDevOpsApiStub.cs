using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImageGate.TestSupport.Registry;
using ImageGate.TestSupport.Secrets;

namespace ImageGate.TestSupport.AzureDevOpsApi;

/// <summary>A comment as the stub stores it.</summary>
public sealed record StubComment(int Id, int ParentCommentId, string Content, string CommentType, bool IsDeleted = false);

/// <summary>A pull-request thread as the stub stores it; <see cref="Properties"/> keeps the <c>$value</c> of each property.</summary>
public sealed class StubThread
{
    /// <summary>Thread id.</summary>
    public required int Id { get; init; }
    /// <summary>Status name (<c>active</c>, <c>fixed</c>, ...).</summary>
    public string Status { get; set; } = "active";
    /// <summary>Comments in creation order.</summary>
    public List<StubComment> Comments { get; } = [];
    /// <summary>Thread properties (name → value as text).</summary>
    public Dictionary<string, string> Properties { get; } = new(StringComparer.Ordinal);
    /// <summary>Soft-deleted.</summary>
    public bool IsDeleted { get; set; }
}

/// <summary>A pull-request status as the stub stores it.</summary>
public sealed record StubStatus(int Id, string State, string? Description, string? Genre, string Name, string? TargetUrl);

/// <summary>The Azure DevOps Git REST API 7.1 for one pull request, on loopback: threads, comments and statuses.
/// It checks requests the way the service does and records what it refused in <see cref="Violations"/>: the
/// <c>api-version=7.1</c> query, the <c>Authorization: Bearer</c> token, JSON bodies whose properties exist in the
/// 7.1 definitions (<c>GitPullRequestCommentThread</c>, <c>Comment</c>, <c>GitPullRequestStatus</c>) with valid enum values.</summary>
public sealed class AzureDevOpsApiStub : IAsyncDisposable
{
    /// <summary>Comment thread status names (<c>CommentThreadStatus</c>), in enum order.</summary>
    public static readonly IReadOnlyList<string> ThreadStatuses = ["unknown", "active", "fixed", "wontFix", "closed", "byDesign", "pending"];
    /// <summary>Comment type names (<c>CommentType</c>), in enum order.</summary>
    public static readonly IReadOnlyList<string> CommentTypes = ["unknown", "text", "codeChange", "system"];
    /// <summary>Status state names (<c>GitStatusState</c>), in enum order.</summary>
    public static readonly IReadOnlyList<string> StatusStates = ["notSet", "pending", "succeeded", "failed", "error", "notApplicable"];

    private static readonly HashSet<string> ThreadProperties =
        ["_links", "comments", "id", "identities", "isDeleted", "lastUpdatedDate", "properties", "publishedDate", "status", "threadContext", "pullRequestThreadContext"];
    private static readonly HashSet<string> CommentProperties =
        ["_links", "author", "commentType", "content", "id", "isDeleted", "lastContentUpdatedDate", "lastUpdatedDate", "parentCommentId", "publishedDate", "usersLiked"];
    private static readonly HashSet<string> StatusProperties =
        ["_links", "context", "createdBy", "creationDate", "description", "id", "state", "targetUrl", "updatedDate", "iterationId", "properties"];
    private static readonly HashSet<string> ContextProperties = ["genre", "name"];

    private readonly LoopbackHttpServer server;
    private readonly Lock gate = new();
    private readonly List<string> violations = [];
    private int nextThreadId = 1;
    private int nextCommentId = 1;
    private int nextStatusId = 1;

    /// <summary>Starts the stub for organization <paramref name="organization"/>, project <paramref name="project"/>,
    /// repository <paramref name="repositoryId"/> and pull request <paramref name="pullRequestId"/>, accepting <paramref name="token"/>.</summary>
    public AzureDevOpsApiStub(string token, string organization = "contoso", string project = "5d3b7c9e-1a2b-4c3d-8e9f-0a1b2c3d4e5f",
        string repositoryId = "b92c8408-a0c9-4292-88af-bc005a1b8272", int pullRequestId = 42)
    {
        Token = token;
        owner = SecretOutputs.CurrentTest();
        if (token.Length >= 8)
        {
            KnownSecrets.Register("Azure DevOps API stub token", token);
        }
        Organization = organization;
        Project = project;
        RepositoryId = repositoryId;
        PullRequestId = pullRequestId;
        server = new LoopbackHttpServer(request => Task.FromResult(Handle(request)));
    }

    /// <summary>The only token accepted.</summary>
    public string Token { get; }
    /// <summary>Organization (first path segment).</summary>
    public string Organization { get; }
    /// <summary>Project id.</summary>
    public string Project { get; }
    /// <summary>Repository id.</summary>
    public string RepositoryId { get; }
    /// <summary>Pull request id.</summary>
    public int PullRequestId { get; }

    /// <summary>The collection URL, as <c>SYSTEM_COLLECTIONURI</c> gives it (trailing slash).</summary>
    public Uri CollectionUri => new(server.BaseUri, "/" + Organization + "/");

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<LoopbackRequest> Requests => server.Requests;

    /// <summary>Requests the service would have refused, with the reason.</summary>
    public IReadOnlyList<string> Violations { get { lock (gate) { return [.. violations]; } } }

    /// <summary>Threads of the pull request.</summary>
    public List<StubThread> Threads { get; } = [];

    /// <summary>Statuses posted, in order.</summary>
    public List<StubStatus> Statuses { get; } = [];

    /// <summary>When set, requests whose method and path-suffix match (e.g. <c>POST statuses</c>, <c>* threads</c>) are answered
    /// with this status and an Azure DevOps error body, as the service does for a build identity without permission.</summary>
    public (string Method, string Path, int Status, string Message)? Refuse { get; set; }

    /// <summary>The job environment an Azure Pipelines agent gives a pull-request build of this repository.</summary>
    public Dictionary<string, string> Environment(string? token = null) => new(StringComparer.Ordinal)
    {
        ["TF_BUILD"] = "True",
        ["SYSTEM_COLLECTIONURI"] = CollectionUri.AbsoluteUri,
        ["SYSTEM_TEAMPROJECTID"] = Project,
        ["SYSTEM_TEAMPROJECT"] = "Fabrikam Web",
        ["BUILD_REPOSITORY_ID"] = RepositoryId,
        ["BUILD_REPOSITORY_PROVIDER"] = "TfsGit",
        ["BUILD_BUILDID"] = "1234",
        ["SYSTEM_PULLREQUEST_PULLREQUESTID"] = PullRequestId.ToString(CultureInfo.InvariantCulture),
        ["SYSTEM_PULLREQUEST_ISFORK"] = "False",
        ["SYSTEM_ACCESSTOKEN"] = token ?? Token,
    };

    /// <summary>Adds a thread as if another run (or a person) had created it.</summary>
    public StubThread AddThread(string content, string status = "active", IReadOnlyDictionary<string, string>? properties = null)
    {
        lock (gate)
        {
            var thread = new StubThread { Id = nextThreadId++, Status = status };
            thread.Comments.Add(new StubComment(nextCommentId++, 0, content, "text"));
            foreach (var (k, v) in properties ?? new Dictionary<string, string>())
            {
                thread.Properties[k] = v;
            }
            Threads.Add(thread);
            return thread;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => server.DisposeAsync();

    // The test that started the stub: requests arrive on the server's threads.
    private readonly string owner;

    private LoopbackResponse Handle(LoopbackRequest request)
    {
        // Headers carry the token; bodies (threads, comments, statuses) must never.
        if (request.Body.Length > 0)
        {
            SecretOutputs.Record($"Azure DevOps API request body {request.Method} {request.Path}", request.BodyText, owner);
        }
        lock (gate)
        {
            var prefix = $"/{Organization}/{Project}/_apis/git/repositories/{RepositoryId}/pullRequests/{PullRequestId}/";
            if (!request.Path.StartsWith(prefix, StringComparison.Ordinal))
            {
                return Fail(404, $"{request.Method} {request.Path}: not this pull request's API");
            }
            var versions = request.Query["api-version"].ToArray();
            if (versions.Length != 1 || versions[0] != "7.1")
            {
                return Fail(400, $"{request.Method} {request.Path}: api-version must be 7.1, got '{string.Join(",", versions)}'");
            }
            if (request.Header("Authorization") != "Bearer " + Token)
            {
                return Fail(401, $"{request.Method} {request.Path}: missing or wrong Bearer token");
            }
            var path = request.Path[prefix.Length..];
            if (Refuse is { } refuse && (refuse.Method == "*" || refuse.Method == request.Method) && path.StartsWith(refuse.Path, StringComparison.Ordinal))
            {
                return Error(refuse.Status, refuse.Message);
            }
            JsonObject? body = null;
            if (request.Method is "POST" or "PATCH")
            {
                if (request.Header("Content-Type")?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
                {
                    return Fail(415, $"{request.Method} {path}: Content-Type must be application/json");
                }
                try
                {
                    body = JsonNode.Parse(request.BodyText) as JsonObject;
                }
                catch (JsonException e)
                {
                    return Fail(400, $"{request.Method} {path}: body is not JSON ({e.Message})");
                }
                if (body is null)
                {
                    return Fail(400, $"{request.Method} {path}: body is not a JSON object");
                }
            }
            return (request.Method, Route(path)) switch
            {
                ("GET", ["threads"]) => Json(200, new JsonObject { ["count"] = Threads.Count, ["value"] = new JsonArray([.. Threads.Select(ThreadJson)]) }),
                ("POST", ["threads"]) => CreateThread(body!),
                ("PATCH", ["threads", var t]) => UpdateThread(t, body!),
                ("PATCH", ["threads", var t, "comments", var c]) => EditComment(t, c, body!),
                ("POST", ["statuses"]) => CreateStatus(body!),
                _ => Fail(404, $"{request.Method} {path}: no such operation in the 7.1 pull-request API"),
            };
        }
    }

    private static string[] Route(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private LoopbackResponse CreateThread(JsonObject body)
    {
        if (Unknown(body, ThreadProperties, "GitPullRequestCommentThread") is { } bad) return bad;
        if (body["comments"] is not JsonArray { Count: > 0 } comments) return Fail(400, "POST threads: 'comments' must be a non-empty array");
        var status = "active";
        if (body.ContainsKey("status") && Enum(body["status"], ThreadStatuses) is not { } s) return Fail(400, $"POST threads: status '{body["status"]?.ToJsonString()}' is not a CommentThreadStatus");
        else if (body.ContainsKey("status")) status = Enum(body["status"], ThreadStatuses)!;
        var thread = new StubThread { Id = nextThreadId, Status = status };
        foreach (var node in comments)
        {
            if (node is not JsonObject comment) return Fail(400, "POST threads: a comment is not an object");
            if (Unknown(comment, CommentProperties, "Comment") is { } badComment) return badComment;
            if (comment["content"]?.GetValueKind() != JsonValueKind.String || comment["content"]!.GetValue<string>().Length == 0)
                return Fail(400, "POST threads: a comment needs non-empty string 'content'");
            if (comment.ContainsKey("parentCommentId") && comment["parentCommentId"]?.GetValueKind() != JsonValueKind.Number)
                return Fail(400, "POST threads: parentCommentId must be a number");
            var type = "text";
            if (comment.ContainsKey("commentType") && Enum(comment["commentType"], CommentTypes) is not { } ct) return Fail(400, "POST threads: commentType is not a CommentType");
            else if (comment.ContainsKey("commentType")) type = Enum(comment["commentType"], CommentTypes)!;
            thread.Comments.Add(new StubComment(nextCommentId++, comment["parentCommentId"]?.GetValue<int>() ?? 0, comment["content"]!.GetValue<string>(), type));
        }
        if (body["properties"] is JsonNode props)
        {
            if (props is not JsonObject propObject) return Fail(400, "POST threads: properties must be an object");
            foreach (var (name, value) in propObject)
            {
                var text = value switch
                {
                    JsonObject typed when typed["$value"] is JsonValue v => v.ToString(),
                    JsonValue v => v.ToString(),
                    _ => null,
                };
                if (text is null) return Fail(400, $"POST threads: property '{name}' is neither a value nor {{\"$type\",\"$value\"}}");
                thread.Properties[name] = text;
            }
        }
        nextThreadId++;
        Threads.Add(thread);
        return Json(200, ThreadJson(thread));
    }

    private LoopbackResponse UpdateThread(string id, JsonObject body)
    {
        if (Unknown(body, ThreadProperties, "GitPullRequestCommentThread") is { } bad) return bad;
        if (FindThread(id) is not { } thread) return Error(404, $"TF401180: The requested pull request comment thread was not found: {id}");
        if (body.ContainsKey("status"))
        {
            if (Enum(body["status"], ThreadStatuses) is not { } status) return Fail(400, $"PATCH thread: status '{body["status"]?.ToJsonString()}' is not a CommentThreadStatus");
            thread.Status = status;
        }
        return Json(200, ThreadJson(thread));
    }

    private LoopbackResponse EditComment(string threadId, string commentId, JsonObject body)
    {
        if (Unknown(body, CommentProperties, "Comment") is { } bad) return bad;
        if (FindThread(threadId) is not { } thread) return Error(404, $"TF401180: The requested pull request comment thread was not found: {threadId}");
        var index = thread.Comments.FindIndex(c => c.Id.ToString(CultureInfo.InvariantCulture) == commentId && !c.IsDeleted);
        if (index < 0) return Error(404, $"TF401181: The requested pull request comment was not found: {commentId}");
        if (body["content"]?.GetValueKind() != JsonValueKind.String || body["content"]!.GetValue<string>().Length == 0)
            return Fail(400, "PATCH comment: 'content' must be a non-empty string");
        thread.Comments[index] = thread.Comments[index] with { Content = body["content"]!.GetValue<string>() };
        return Json(200, CommentJson(thread.Comments[index]));
    }

    private LoopbackResponse CreateStatus(JsonObject body)
    {
        if (Unknown(body, StatusProperties, "GitPullRequestStatus") is { } bad) return bad;
        if (body["context"] is not JsonObject context) return Fail(400, "POST statuses: 'context' object is required");
        if (Unknown(context, ContextProperties, "GitStatusContext") is { } badContext) return badContext;
        if (context["name"]?.GetValueKind() != JsonValueKind.String || context["name"]!.GetValue<string>().Length == 0)
            return Fail(400, "POST statuses: context.name cannot be null or empty");
        if (context.ContainsKey("genre") && context["genre"]?.GetValueKind() != JsonValueKind.String) return Fail(400, "POST statuses: context.genre must be a string");
        var state = "notSet";
        if (body.ContainsKey("state") && Enum(body["state"], StatusStates) is not { } s) return Fail(400, $"POST statuses: state '{body["state"]?.ToJsonString()}' is not a GitStatusState");
        else if (body.ContainsKey("state")) state = Enum(body["state"], StatusStates)!;
        if (body.ContainsKey("description") && body["description"]?.GetValueKind() != JsonValueKind.String) return Fail(400, "POST statuses: description must be a string");
        string? target = null;
        if (body.ContainsKey("targetUrl"))
        {
            target = body["targetUrl"]?.GetValueKind() == JsonValueKind.String ? body["targetUrl"]!.GetValue<string>() : null;
            if (target is null || !Uri.TryCreate(target, UriKind.Absolute, out _)) return Fail(400, "POST statuses: targetUrl must be an absolute URL");
        }
        if (body.ContainsKey("iterationId") && (body["iterationId"]?.GetValueKind() != JsonValueKind.Number || body["iterationId"]!.GetValue<int>() < 1))
            return Fail(400, "POST statuses: iterationId must be at least 1");
        var status = new StubStatus(nextStatusId++, state, body["description"]?.GetValue<string>(), context["genre"]?.GetValue<string>(), context["name"]!.GetValue<string>(), target);
        Statuses.Add(status);
        return Json(200, new JsonObject
        {
            ["id"] = status.Id,
            ["state"] = status.State,
            ["description"] = status.Description,
            ["context"] = new JsonObject { ["name"] = status.Name, ["genre"] = status.Genre },
            ["targetUrl"] = status.TargetUrl,
            ["creationDate"] = "2026-11-27T12:00:00Z",
        });
    }

    private StubThread? FindThread(string id) => Threads.FirstOrDefault(t => t.Id.ToString(CultureInfo.InvariantCulture) == id && !t.IsDeleted);

    /// <summary>An enum given by name (as the REST spec lists) or by number (as the service also accepts).</summary>
    private static string? Enum(JsonNode? node, IReadOnlyList<string> names) => node?.GetValueKind() switch
    {
        JsonValueKind.String => names.FirstOrDefault(n => string.Equals(n, node.GetValue<string>(), StringComparison.OrdinalIgnoreCase)),
        JsonValueKind.Number when node.AsValue().TryGetValue<int>(out var i) && i >= 0 && i < names.Count => names[i],
        _ => null,
    };

    private LoopbackResponse? Unknown(JsonObject body, HashSet<string> allowed, string definition)
    {
        var unknown = body.Select(p => p.Key).Where(k => !allowed.Contains(k)).ToList();
        return unknown.Count == 0 ? null : Fail(400, $"properties not in {definition}: {string.Join(", ", unknown)}");
    }

    private static JsonObject ThreadJson(StubThread thread)
    {
        var properties = new JsonObject
        {
            ["Microsoft.TeamFoundation.Discussion.SupportsMarkdown"] = new JsonObject { ["$type"] = "System.Int32", ["$value"] = 1 },
        };
        foreach (var (k, v) in thread.Properties)
        {
            properties[k] = new JsonObject { ["$type"] = "System.String", ["$value"] = v };
        }
        return new JsonObject
        {
            ["id"] = thread.Id,
            ["publishedDate"] = "2026-11-27T12:00:00Z",
            ["comments"] = new JsonArray([.. thread.Comments.Select(CommentJson)]),
            ["status"] = thread.Status,
            ["properties"] = properties,
            ["isDeleted"] = thread.IsDeleted,
        };
    }

    private static JsonObject CommentJson(StubComment comment) => new()
    {
        ["id"] = comment.Id,
        ["parentCommentId"] = comment.ParentCommentId,
        ["author"] = new JsonObject { ["displayName"] = "Fabrikam Web Build Service (contoso)", ["id"] = "7f0a9c1e-0000-4000-8000-00000000b111" },
        ["content"] = comment.Content,
        ["commentType"] = comment.CommentType,
        ["isDeleted"] = comment.IsDeleted,
    };

    private LoopbackResponse Fail(int status, string reason)
    {
        violations.Add(reason);
        return Error(status, reason);
    }

    private static LoopbackResponse Error(int status, string message) =>
        Json(status, new JsonObject { ["$id"] = "1", ["innerException"] = null, ["message"] = message, ["typeName"] = "Microsoft.TeamFoundation.Git.Server.GitPullRequestException", ["errorCode"] = 0 });

    private static LoopbackResponse Json(int status, JsonNode body) => LoopbackResponse.Text(status, body.ToJsonString(), "application/json; charset=utf-8");
}
