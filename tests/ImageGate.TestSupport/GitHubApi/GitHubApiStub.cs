using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImageGate.TestSupport.Registry;
using ImageGate.TestSupport.Secrets;

namespace ImageGate.TestSupport.GitHubApi;

/// <summary>A request the stub received: the matched operation (null when none), its path without the prefix, and its JSON body.</summary>
public sealed record GitHubApiCall(string Method, string Path, string? OperationId, int Status, JsonNode? Body)
{
    /// <summary>The query string without its <c>?</c>, empty when none.</summary>
    public string Query { get; init; } = "";

    /// <summary><c>METHOD path</c>, for asserting call sequences.</summary>
    public override string ToString() => $"{Method} {Path}";
}

/// <summary>A loopback GitHub REST API for the pull-request publishers. Every request is checked against GitHub's OpenAPI
/// description (operation, path and query parameters, Authorization and User-Agent headers, JSON body against the
/// operation's schema) and every answer against the operation's response schema; anything that does not fit is
/// recorded in <see cref="Errors"/>, which tests assert to be empty. Issue comments and check runs live in memory,
/// with GitHub-style ids, timestamps and pagination <c>Link</c> headers.</summary>
public sealed class GitHubApiStub : IAsyncDisposable
{
    /// <summary>Login of comments made with the stub's token, as for a job's <c>GITHUB_TOKEN</c>.</summary>
    public const string ActionsBot = "github-actions[bot]";

    private const int MaxPerPage = 100;
    private readonly LoopbackHttpServer _server;
    private readonly OpenApiDescription _api;
    private readonly object _gate = new();
    private readonly List<string> _errors = [];
    private readonly List<GitHubApiCall> _calls = [];
    private readonly List<Comment> _comments = [];
    private readonly Dictionary<long, CheckRun> _checkRuns = [];
    private long _nextId = 3_000_000_001; // above int.MaxValue, as GitHub's ids are: a 32-bit id would break here
    private long _clock = DateTimeOffset.Parse("2026-01-05T10:00:00Z", CultureInfo.InvariantCulture).ToUnixTimeSeconds();

    /// <summary>Starts the stub; <paramref name="pathPrefix"/> <c>/api/v3</c> serves as GitHub Enterprise Server does (and validates against its description).</summary>
    public GitHubApiStub(string token, string repository = "octo-org/octo-repo", string pathPrefix = "")
    {
        Token = token;
        RegisterToken(token);
        owner = SecretOutputs.CurrentTest();
        Repository = repository;
        PathPrefix = pathPrefix.TrimEnd('/');
        _api = OpenApiDescription.Load(PathPrefix.Length > 0 ? OpenApiDescription.EnterpriseServer : OpenApiDescription.DotCom);
        _server = new LoopbackHttpServer(HandleAsync);
    }

    /// <summary>The token the stub accepts (as <c>Bearer</c> or <c>token</c>); others get 401.</summary>
    public string Token { get; }

    /// <summary>The only repository that exists (<c>owner/name</c>); others answer 404.</summary>
    public string Repository { get; }

    /// <summary><c>""</c> for api.github.com style, <c>/api/v3</c> for GHES style.</summary>
    public string PathPrefix { get; }

    /// <summary>The value for <c>GITHUB_API_URL</c>.</summary>
    public Uri ApiUrl => new($"{_server.BaseUri.AbsoluteUri.TrimEnd('/')}{PathPrefix}");

    /// <summary>The OpenAPI description requests are validated against.</summary>
    public OpenApiDescription Description => _api;

    /// <summary>Login of the token's user: author of the comments it creates, the only one whose comments it may edit.</summary>
    public string TokenLogin { get; set; } = ActionsBot;

    /// <summary>Answer every write with 403 "Resource not accessible by integration", as GitHub does for a read-only token.</summary>
    public bool ReadOnlyToken { get; set; }

    /// <summary>Operation ids answered with that same 403 (a token lacking one permission, e.g. <c>checks/create</c>).</summary>
    public HashSet<string> DeniedOperations { get; } = [];

    /// <summary>Validation failures, one line each; tests assert this is empty.</summary>
    public IReadOnlyList<string> Errors { get { lock (_gate) { return _errors.ToArray(); } } }

    /// <summary>Every request, in order.</summary>
    public IReadOnlyList<GitHubApiCall> Calls { get { lock (_gate) { return _calls.ToArray(); } } }

    /// <summary>Adds an existing comment (another user's, or an earlier run's); returns its id.</summary>
    public long AddComment(int issue, string body, string login = "octocat")
    {
        lock (_gate)
        {
            var c = new Comment(_nextId++, issue, login) { Body = body, Created = Tick(), Updated = _clock };
            _comments.Add(c);
            return c.Id;
        }
    }

    /// <summary>The comments of an issue, oldest first: id, author and body.</summary>
    public IReadOnlyList<(long Id, string Login, string Body)> CommentsOn(int issue)
    {
        lock (_gate)
        {
            return _comments.Where(c => c.Issue == issue).Select(c => (c.Id, c.Login, c.Body)).ToArray();
        }
    }

    /// <summary>The check runs created, with every annotation appended to them.</summary>
    public IReadOnlyList<(long Id, JsonObject Run, IReadOnlyList<JsonObject> Annotations)> CheckRuns
    {
        get
        {
            lock (_gate)
            {
                return _checkRuns.Values.Select(r => (r.Id, (JsonObject)r.Fields.DeepClone(), (IReadOnlyList<JsonObject>)r.Annotations.Select(a => (JsonObject)a.DeepClone()).ToArray())).ToArray();
            }
        }
    }

    /// <summary>Stops the server.</summary>
    public ValueTask DisposeAsync() => _server.DisposeAsync();

    // The token is the secret every request carries in its header; it must never reach a body (a comment, a check run).
    private static void RegisterToken(string token)
    {
        if (token.Length >= 8)
        {
            KnownSecrets.Register("GitHub API stub token", token);
        }
    }

    // The test that started the stub: requests arrive on the server's threads.
    private readonly string owner;

    private Task<LoopbackResponse> HandleAsync(LoopbackRequest request)
    {
        if (request.Body.Length > 0)
        {
            SecretOutputs.Record($"GitHub API request body {request.Method} {request.Path}", request.BodyText, owner);
        }
        lock (_gate)
        {
            var errors = new List<string>();
            int status;
            JsonNode? body;
            List<(string, string)> headers;
            OpenApiOperation? operation;
            string path;
            try
            {
                (status, body, headers, operation, path) = Handle(request, errors);
            }
            catch (Exception e) when (e is FormatException or OverflowException or InvalidOperationException or KeyNotFoundException)
            {
                errors.Add($"the stub could not serve the request: {e.Message}");
                (status, body, headers, operation, path) = (500, Error("Server Error"), [], null, request.Path);
            }
            JsonNode? requestJson = null;
            try
            {
                requestJson = request.Body.Length > 0 ? JsonNode.Parse(request.Body) : null;
            }
            catch (JsonException)
            {
            }
            if (operation is not null && body is not null)
            {
                ValidateResponse(operation, status, body, errors);
            }
            _errors.AddRange(errors.Select(e => $"{request.Method} {request.Target}: {e}"));
            _calls.Add(new GitHubApiCall(request.Method, path, operation?.OperationId, status, requestJson)
            {
                Query = request.Target.Contains('?') ? request.Target[(request.Target.IndexOf('?') + 1)..] : "",
            });
            var response = LoopbackResponse.Text(status, body?.ToJsonString() ?? "");
            foreach (var (name, value) in headers)
            {
                response = response.WithHeader(name, value);
            }
            return Task.FromResult(response.WithHeader("X-GitHub-Media-Type", "github.v3; format=json"));
        }
    }

    private (int Status, JsonNode? Body, List<(string, string)> Headers, OpenApiOperation? Op, string Path) Handle(LoopbackRequest request, List<string> errors)
    {
        var headers = new List<(string, string)>();
        var fullPath = request.Path;
        if (!fullPath.StartsWith(PathPrefix + "/", StringComparison.Ordinal))
        {
            errors.Add($"path is outside the API prefix '{PathPrefix}/'");
            return (404, Error("Not Found"), headers, null, fullPath);
        }
        var path = fullPath[PathPrefix.Length..];
        var op = _api.Match(request.Method, path);
        if (op is null)
        {
            errors.Add($"no operation in {_api.Name} for {request.Method} {path}");
            return (404, Error("Not Found"), headers, null, path);
        }
        _api.ValidateParameters(op, request.Query, errors);
        if (request.Header("User-Agent") is null)
        {
            errors.Add("User-Agent header missing (GitHub refuses such requests)");
        }
        var authorization = request.Header("Authorization");
        if (authorization is null)
        {
            errors.Add("Authorization header missing");
            return (401, Error("Requires authentication"), headers, op, path);
        }
        JsonElement? json = ValidateBody(op, request, errors);
        if (authorization != $"Bearer {Token}" && authorization != $"token {Token}")
        {
            return (401, Error("Bad credentials"), headers, op, path);
        }
        if ($"{op.PathValues.GetValueOrDefault("owner")}/{op.PathValues.GetValueOrDefault("repo")}" != Repository)
        {
            return (404, Error("Not Found"), headers, op, path);
        }
        if ((ReadOnlyToken && request.Method != "GET") || DeniedOperations.Contains(op.OperationId))
        {
            return (403, Error("Resource not accessible by integration"), headers, op, path);
        }
        if (errors.Count > 0)
        {
            return (422, Error("Invalid request."), headers, op, path);
        }
        var baseUrl = $"http://{request.Header("Host")}{PathPrefix}";
        return op.OperationId switch
        {
            "issues/list-comments" => ListComments(op, request, baseUrl, headers, path),
            "issues/create-comment" => CreateComment(op, json!.Value, baseUrl, headers, path),
            "issues/update-comment" => UpdateComment(op, json!.Value, baseUrl, headers, path),
            "checks/create" => CreateCheckRun(op, json!.Value, baseUrl, headers, path),
            "checks/update" => UpdateCheckRun(op, json!.Value, baseUrl, headers, path),
            _ => NotImplemented(op, errors, headers, path),
        };
    }

    private JsonElement? ValidateBody(OpenApiOperation op, LoopbackRequest request, List<string> errors)
    {
        if (!op.Operation.TryGetProperty("requestBody", out var requestBody))
        {
            if (request.Body.Length > 0)
            {
                errors.Add($"{op.OperationId} takes no body, got {request.Body.Length} bytes");
            }
            return null;
        }
        requestBody = _api.Schemas.Resolve(requestBody);
        var mediaType = request.Header("Content-Type")?.Split(';')[0].Trim() ?? "";
        if (!requestBody.GetProperty("content").TryGetProperty(mediaType, out var content))
        {
            errors.Add($"{op.OperationId}: Content-Type '{mediaType}' is not one the operation takes");
            return null;
        }
        try
        {
            var body = JsonDocument.Parse(request.Body).RootElement.Clone();
            _api.RequestSchemas.Validate(body, content.GetProperty("schema"), "body", errors);
            return errors.Count == 0 ? body : null;
        }
        catch (JsonException e)
        {
            errors.Add($"{op.OperationId}: body is not JSON ({e.Message})");
            return null;
        }
    }

    private void ValidateResponse(OpenApiOperation op, int status, JsonNode body, List<string> errors)
    {
        if (!op.Operation.GetProperty("responses").TryGetProperty(status.ToString(CultureInfo.InvariantCulture), out var response))
        {
            if (status is not (401 or 403 or 404 or 422))
            {
                errors.Add($"stub answered {status}, which {op.OperationId} does not document");
            }
            return;
        }
        response = _api.Schemas.Resolve(response);
        if (response.TryGetProperty("content", out var content) && content.TryGetProperty("application/json", out var media)
            && media.TryGetProperty("schema", out var schema))
        {
            using var doc = JsonDocument.Parse(body.ToJsonString());
            var found = new List<string>();
            _api.Schemas.Validate(doc.RootElement, schema, "response", found);
            errors.AddRange(found.Select(e => $"stub response does not fit {op.OperationId} {status}: {e}"));
        }
    }

    private (int, JsonNode?, List<(string, string)>, OpenApiOperation?, string) ListComments(OpenApiOperation op, LoopbackRequest request, string baseUrl, List<(string, string)> headers, string path)
    {
        var issue = int.Parse(op.PathValues["issue_number"], CultureInfo.InvariantCulture);
        var perPage = Math.Clamp(int.TryParse(request.Query["per_page"].FirstOrDefault(), out var pp) ? pp : 30, 1, MaxPerPage);
        var page = Math.Max(1, int.TryParse(request.Query["page"].FirstOrDefault(), out var pg) ? pg : 1);
        var all = _comments.Where(c => c.Issue == issue).ToList();
        var lastPage = Math.Max(1, (all.Count + perPage - 1) / perPage);
        var items = new JsonArray(all.Skip((page - 1) * perPage).Take(perPage).Select(c => (JsonNode)CommentJson(c, baseUrl)).ToArray());
        string Link(int p, string rel) => $"<{baseUrl}{path}?per_page={perPage}&page={p}>; rel=\"{rel}\"";
        var links = new List<string>();
        if (page > 1)
        {
            links.Add(Link(page - 1, "prev"));
            links.Add(Link(1, "first"));
        }
        if (page < lastPage)
        {
            links.Add(Link(page + 1, "next"));
            links.Add(Link(lastPage, "last"));
        }
        if (links.Count > 0)
        {
            headers.Add(("Link", string.Join(", ", links)));
        }
        return (200, items, headers, op, path);
    }

    private (int, JsonNode?, List<(string, string)>, OpenApiOperation?, string) CreateComment(OpenApiOperation op, JsonElement body, string baseUrl, List<(string, string)> headers, string path)
    {
        var c = new Comment(_nextId++, int.Parse(op.PathValues["issue_number"], CultureInfo.InvariantCulture), TokenLogin)
        {
            Body = body.GetProperty("body").GetString()!,
            Created = Tick(),
            Updated = _clock,
        };
        if (c.Body.Length > 65_536)
        {
            return (422, Error("Validation Failed"), headers, op, path);
        }
        _comments.Add(c);
        headers.Add(("Location", $"{baseUrl}/repos/{Repository}/issues/comments/{c.Id}"));
        return (201, CommentJson(c, baseUrl), headers, op, path);
    }

    private (int, JsonNode?, List<(string, string)>, OpenApiOperation?, string) UpdateComment(OpenApiOperation op, JsonElement body, string baseUrl, List<(string, string)> headers, string path)
    {
        var id = long.Parse(op.PathValues["comment_id"], CultureInfo.InvariantCulture);
        var c = _comments.FirstOrDefault(x => x.Id == id);
        if (c is null)
        {
            return (404, Error("Not Found"), headers, op, path);
        }
        var text = body.GetProperty("body").GetString()!;
        if (text.Length > 65_536)
        {
            return (422, Error("Validation Failed"), headers, op, path);
        }
        if (c.Login != TokenLogin)
        {
            return (403, Error("Resource not accessible by integration"), headers, op, path); // the token may edit only its own comments
        }
        c.Body = text;
        c.Updated = Tick();
        return (200, CommentJson(c, baseUrl), headers, op, path);
    }

    private (int, JsonNode?, List<(string, string)>, OpenApiOperation?, string) CreateCheckRun(OpenApiOperation op, JsonElement body, string baseUrl, List<(string, string)> headers, string path)
    {
        var run = new CheckRun(_nextId++);
        run.Fields["head_sha"] = body.GetProperty("head_sha").GetString();
        run.Fields["name"] = body.GetProperty("name").GetString();
        run.Fields["status"] = "queued";
        Apply(run, body);
        _checkRuns[run.Id] = run;
        return (201, CheckRunJson(run, baseUrl), headers, op, path);
    }

    private (int, JsonNode?, List<(string, string)>, OpenApiOperation?, string) UpdateCheckRun(OpenApiOperation op, JsonElement body, string baseUrl, List<(string, string)> headers, string path)
    {
        if (!_checkRuns.TryGetValue(long.Parse(op.PathValues["check_run_id"], CultureInfo.InvariantCulture), out var run))
        {
            return (404, Error("Not Found"), headers, op, path);
        }
        Apply(run, body);
        return (200, CheckRunJson(run, baseUrl), headers, op, path);
    }

    private static void Apply(CheckRun run, JsonElement body)
    {
        foreach (var name in new[] { "name", "details_url", "external_id", "status", "conclusion", "started_at", "completed_at" })
        {
            if (body.TryGetProperty(name, out var v))
            {
                run.Fields[name] = JsonNode.Parse(v.GetRawText());
            }
        }
        if (body.TryGetProperty("conclusion", out _))
        {
            run.Fields["status"] = "completed"; // GitHub: providing a conclusion completes the run
        }
        if (body.TryGetProperty("output", out var output))
        {
            foreach (var name in new[] { "title", "summary", "text" })
            {
                if (output.TryGetProperty(name, out var v))
                {
                    run.Output[name] = v.GetString();
                }
            }
            if (output.TryGetProperty("annotations", out var annotations))
            {
                run.Annotations.AddRange(annotations.EnumerateArray().Select(a => JsonNode.Parse(a.GetRawText())!.AsObject()));
            }
        }
    }

    private (int, JsonNode?, List<(string, string)>, OpenApiOperation?, string) NotImplemented(OpenApiOperation op, List<string> errors, List<(string, string)> headers, string path)
    {
        errors.Add($"{op.OperationId} is valid but not implemented by the stub");
        return (501, null, headers, op, path);
    }

    private long Tick() => _clock += 7;

    private static string Time(long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static JsonObject Error(string message) => new()
    {
        ["message"] = message,
        ["documentation_url"] = "https://docs.github.com/rest",
    };

    private JsonObject CommentJson(Comment c, string baseUrl) => new()
    {
        ["id"] = c.Id,
        ["node_id"] = "IC_" + Convert.ToBase64String(Encoding.ASCII.GetBytes(c.Id.ToString(CultureInfo.InvariantCulture))),
        ["url"] = $"{baseUrl}/repos/{Repository}/issues/comments/{c.Id}",
        ["html_url"] = $"https://github.example/{Repository}/pull/{c.Issue}#issuecomment-{c.Id}",
        ["issue_url"] = $"{baseUrl}/repos/{Repository}/issues/{c.Issue}",
        ["body"] = c.Body,
        ["user"] = User(c.Login, baseUrl),
        ["created_at"] = Time(c.Created),
        ["updated_at"] = Time(c.Updated),
        ["author_association"] = c.Login == ActionsBot ? "CONTRIBUTOR" : "MEMBER",
        ["performed_via_github_app"] = null,
    };

    private static JsonObject User(string login, string baseUrl)
    {
        var bot = login.EndsWith("[bot]", StringComparison.Ordinal);
        var id = bot ? 41898282 : 583231;
        var url = $"{baseUrl}/users/{Uri.EscapeDataString(login)}";
        return new JsonObject
        {
            ["login"] = login,
            ["id"] = id,
            ["node_id"] = bot ? "MDM6Qm90NDE4OTgyODI=" : "MDQ6VXNlcjU4MzIzMQ==",
            ["avatar_url"] = $"https://avatars.github.example/u/{id}?v=4",
            ["gravatar_id"] = "",
            ["url"] = url,
            ["html_url"] = $"https://github.example/{Uri.EscapeDataString(login)}",
            ["followers_url"] = url + "/followers",
            ["following_url"] = url + "/following{/other_user}",
            ["gists_url"] = url + "/gists{/gist_id}",
            ["starred_url"] = url + "/starred{/owner}{/repo}",
            ["subscriptions_url"] = url + "/subscriptions",
            ["organizations_url"] = url + "/orgs",
            ["repos_url"] = url + "/repos",
            ["events_url"] = url + "/events{/privacy}",
            ["received_events_url"] = url + "/received_events",
            ["type"] = bot ? "Bot" : "User",
            ["site_admin"] = false,
        };
    }

    private JsonObject CheckRunJson(CheckRun run, string baseUrl)
    {
        var json = (JsonObject)run.Fields.DeepClone();
        json["id"] = run.Id;
        json["node_id"] = "CR_" + Convert.ToBase64String(Encoding.ASCII.GetBytes(run.Id.ToString(CultureInfo.InvariantCulture)));
        json["url"] = $"{baseUrl}/repos/{Repository}/check-runs/{run.Id}";
        json["html_url"] = $"https://github.example/{Repository}/runs/{run.Id}";
        foreach (var name in new[] { "details_url", "external_id", "conclusion", "started_at", "completed_at" })
        {
            json.TryAdd(name, null);
        }
        json["output"] = new JsonObject
        {
            ["title"] = run.Output["title"]?.DeepClone(),
            ["summary"] = run.Output["summary"]?.DeepClone(),
            ["text"] = run.Output["text"]?.DeepClone(),
            ["annotations_count"] = run.Annotations.Count,
            ["annotations_url"] = $"{baseUrl}/repos/{Repository}/check-runs/{run.Id}/annotations",
        };
        json["check_suite"] = new JsonObject { ["id"] = 5_000_000_001L };
        json["app"] = new JsonObject
        {
            ["id"] = 15368,
            ["slug"] = "github-actions",
            ["node_id"] = "MDM6QXBwMTUzNjg=",
            ["owner"] = User("github", baseUrl),
            ["name"] = "GitHub Actions",
            ["description"] = "Automate your workflow from idea to production",
            ["external_url"] = "https://help.github.example/en/actions",
            ["html_url"] = "https://github.example/apps/github-actions",
            ["created_at"] = "2018-07-30T09:30:17Z",
            ["updated_at"] = "2024-04-10T20:33:16Z",
            ["permissions"] = new JsonObject { ["checks"] = "write", ["pull_requests"] = "write" },
            ["events"] = new JsonArray("check_run", "pull_request"),
        };
        json["pull_requests"] = new JsonArray();
        return json;
    }

    private sealed class Comment(long id, int issue, string login)
    {
        public long Id { get; } = id;
        public int Issue { get; } = issue;
        public string Login { get; } = login;
        public string Body { get; set; } = "";
        public long Created { get; set; }
        public long Updated { get; set; }
    }

    private sealed class CheckRun(long id)
    {
        public long Id { get; } = id;
        public JsonObject Fields { get; } = [];
        public JsonObject Output { get; } = [];
        public List<JsonObject> Annotations { get; } = [];
    }
}
