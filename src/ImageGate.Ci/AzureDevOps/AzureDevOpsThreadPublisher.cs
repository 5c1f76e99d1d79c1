using System.Text.Json;
using System.Text.Json.Nodes;
using ImageGate.Ci.Publishing;
using ImageGate.Reporting;

namespace ImageGate.Ci.AzureDevOps;

/// <summary>Posts the run's Markdown report as a pull-request thread, and on later runs edits that thread's first
/// comment in place. The thread is found by a marker property (<see cref="AzureDevOpsPublisherOptions.ThreadMarkerProperty"/>);
/// it is active while findings need attention and resolved (<c>fixed</c>) once they are gone.</summary>
public sealed class AzureDevOpsThreadPublisher : IRunPublisher
{
    private const string What = "pull-request thread";
    private readonly AzureDevOpsContext context;
    private readonly HttpClient http;
    private readonly AzureDevOpsPublisherOptions options;

    /// <summary>A publisher for the pull request of <paramref name="context"/>, calling the API through <paramref name="http"/>.</summary>
    public AzureDevOpsThreadPublisher(AzureDevOpsContext context, HttpClient http, AzureDevOpsPublisherOptions? options = null)
    {
        this.context = context ?? throw new ArgumentNullException(nameof(context));
        this.http = http ?? throw new ArgumentNullException(nameof(http));
        this.options = options ?? new AzureDevOpsPublisherOptions();
        if (this.options.ThreadKey.Length is 0 or > AzureDevOpsPublisherOptions.MaxThreadKeyLength)
        {
            throw new ArgumentException($"thread key must have 1 to {AzureDevOpsPublisherOptions.MaxThreadKeyLength} characters", nameof(options));
        }
    }

    /// <inheritdoc />
    public string Name => "azure-devops-thread";

    /// <inheritdoc />
    public async Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (AzureDevOpsNotices.Precondition(context, What) is { } skip)
        {
            return PublishOutcome.Skipped(skip);
        }
        var api = new AzureDevOpsApi(http, context.PullRequestApiUri!, context.AccessToken!, options.MaxResponseBytes);
        var content = Content(request.MarkdownReport);
        var status = NeedsAttention(request.Result) ? "active" : "fixed";
        var step = "list the pull-request threads";
        try
        {
            var list = await api.SendAsync(HttpMethod.Get, "threads", null, cancellationToken).ConfigureAwait(false);
            if (!list.IsSuccess)
            {
                return PublishOutcome.Skipped(AzureDevOpsNotices.Refused(list, step, context));
            }
            if (FindOwnThread(list.Body) is { } existing)
            {
                step = "update the pull-request thread";
                var edit = await api.SendAsync(HttpMethod.Patch, $"threads/{existing.ThreadId}/comments/{existing.CommentId}",
                    new JsonObject { ["content"] = content }, cancellationToken).ConfigureAwait(false);
                if (!edit.IsSuccess)
                {
                    return PublishOutcome.Skipped(AzureDevOpsNotices.Refused(edit, step, context));
                }
                if (!string.Equals(existing.Status, status, StringComparison.OrdinalIgnoreCase))
                {
                    var resolve = await api.SendAsync(HttpMethod.Patch, $"threads/{existing.ThreadId}",
                        new JsonObject { ["status"] = status }, cancellationToken).ConfigureAwait(false);
                    if (!resolve.IsSuccess)
                    {
                        return new PublishOutcome(true, [AzureDevOpsNotices.Refused(resolve, "set the thread status to " + status, context)]);
                    }
                }
                return new PublishOutcome(true, [$"Azure DevOps: updated pull-request thread {existing.ThreadId} ({status})."]);
            }
            step = "create the pull-request thread";
            var create = await api.SendAsync(HttpMethod.Post, "threads", NewThread(content, status), cancellationToken).ConfigureAwait(false);
            if (!create.IsSuccess)
            {
                return PublishOutcome.Skipped(AzureDevOpsNotices.Refused(create, step, context));
            }
            return new PublishOutcome(true, [$"Azure DevOps: created pull-request thread {ThreadId(create.Body)} ({status})."]);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return PublishOutcome.Skipped(AzureDevOpsNotices.Unreachable(e, step, context));
        }
    }

    /// <summary>Findings or input errors a reviewer should look at keep the thread active.</summary>
    private static bool NeedsAttention(RunResult result) => result.HasInputErrors || result.Findings.Any(f => f.IsViolation);

    private string Content(string markdown)
    {
        var max = Math.Max(1000, options.MaxCommentChars);
        if (markdown.Length <= max)
        {
            return markdown;
        }
        const string note = "\n\n_The report is shortened here; the build's SARIF artifact lists every finding._\n";
        var cut = markdown.LastIndexOf('\n', max - note.Length);
        return markdown[..(cut > 0 ? cut : max - note.Length)] + note;
    }

    private JsonObject NewThread(string content, string status) => new()
    {
        ["comments"] = new JsonArray(new JsonObject
        {
            ["parentCommentId"] = 0,
            ["content"] = content,
            ["commentType"] = "text",
        }),
        ["status"] = status,
        ["properties"] = new JsonObject
        {
            [AzureDevOpsPublisherOptions.ThreadMarkerProperty] = new JsonObject { ["$type"] = "System.String", ["$value"] = options.ThreadKey },
        },
    };

    private sealed record OwnThread(int ThreadId, int CommentId, string? Status);

    /// <summary>The first thread carrying this tool's marker with this key, and its first live comment.</summary>
    private OwnThread? FindOwnThread(string listBody)
    {
        using var doc = JsonDocument.Parse(listBody, new JsonDocumentOptions { MaxDepth = 64 });
        // The service wraps lists as {"count": n, "value": [...]}; a bare array is accepted too.
        var threads = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("value", out var value)
            ? value : doc.RootElement;
        if (threads.ValueKind != JsonValueKind.Array)
        {
            throw new HttpRequestException("the thread list is not a JSON array nor an object with a 'value' array");
        }
        foreach (var thread in threads.EnumerateArray())
        {
            if (thread.ValueKind != JsonValueKind.Object || IsTrue(thread, "isDeleted") || MarkerValue(thread) != options.ThreadKey
                || !thread.TryGetProperty("id", out var idElement) || !idElement.TryGetInt32(out var threadId)
                || !thread.TryGetProperty("comments", out var comments) || comments.ValueKind != JsonValueKind.Array)
            {
                continue;
            }
            var first = comments.EnumerateArray()
                .Where(c => c.ValueKind == JsonValueKind.Object && !IsTrue(c, "isDeleted"))
                .Select(c => c.TryGetProperty("id", out var cid) && cid.TryGetInt32(out var value) ? value : 0)
                .Where(id => id > 0)
                .DefaultIfEmpty(0)
                .Min();
            if (first > 0)
            {
                var status = thread.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                return new OwnThread(threadId, first, status);
            }
        }
        return null;
    }

    /// <summary>The marker's value; the service answers properties as <c>{"$type": …, "$value": …}</c>.</summary>
    private static string? MarkerValue(JsonElement thread)
    {
        if (!thread.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object
            || !properties.TryGetProperty(AzureDevOpsPublisherOptions.ThreadMarkerProperty, out var marker))
        {
            return null;
        }
        return marker.ValueKind switch
        {
            JsonValueKind.String => marker.GetString(),
            JsonValueKind.Object when marker.TryGetProperty("$value", out var v) && v.ValueKind == JsonValueKind.String => v.GetString(),
            _ => null,
        };
    }

    private static bool IsTrue(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.True;

    private static string ThreadId(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("id", out var id) && id.TryGetInt32(out var value) ? value.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?";
        }
        catch (JsonException)
        {
            return "?";
        }
    }
}
