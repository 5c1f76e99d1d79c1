using System.Text;
using System.Text.RegularExpressions;
using ImageGate.Ci.Publishing;
using Octokit;

namespace ImageGate.Ci.GitHub.Api;

/// <summary>The sticky pull-request comment: one comment per key, found again by a hidden marker and edited in place.</summary>
public sealed partial class GitHubCommentPublisher : IRunPublisher
{
    private const string Permission = "pull-requests: write";
    private const int PageSize = 100;
    private readonly GitHubContext _context;
    private readonly Lazy<GitHubClient>? _client;
    private readonly string? _token;
    private readonly GitHubPublisherOptions _options;

    internal GitHubCommentPublisher(GitHubContext context, Lazy<GitHubClient>? client, string? token, GitHubPublisherOptions options)
    {
        if (!KeyPattern().IsMatch(options.CommentKey) || options.CommentKey.Contains("--", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"comment key '{options.CommentKey}' must be 1 to {GitHubPublisherOptions.MaxCommentKeyLength} letters, digits, '.', '_' or single '-'");
        }
        _context = context;
        _client = client;
        _token = token;
        _options = options;
        Marker = $"<!-- imagegate:comment key={options.CommentKey} -->";
    }

    /// <inheritdoc />
    public string Name => "github-comment";

    /// <summary>The hidden first line that identifies this publisher's comment.</summary>
    public string Marker { get; }

    /// <inheritdoc />
    public async Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var pr = _context.PullRequest;
        if (pr is null)
        {
            return PublishOutcome.Skipped("No pull request comment: the event is not a pull request.");
        }
        if (pr.IsFork)
        {
            return PublishOutcome.Skipped($"No pull request comment: #{pr.Number} comes from a fork, whose token is read-only; "
                + "the annotations, job summary and SARIF file carry the results.");
        }
        if (string.IsNullOrEmpty(_token) || _client is null)
        {
            return PublishOutcome.Skipped("No pull request comment: no token (set the github-token input, which defaults to the job's GITHUB_TOKEN).");
        }
        if (GitHubApi.SplitRepository(_context.Repository) is not var (owner, repo))
        {
            return PublishOutcome.Skipped("No pull request comment: GITHUB_REPOSITORY is not set as owner/name.");
        }

        var body = BuildBody(request.MarkdownReport, pr.HeadSha);
        var notices = new List<string>();
        var action = "listing the pull request's comments";
        try
        {
            // Octokit's comment methods add sort/direction parameters the endpoint does not document and take no
            // cancellation token; its ApiConnection sends exactly the documented requests.
            var api = new ApiConnection(_client.Value.Connection);
            var commentsUri = GitHubApi.RepoUri(owner, repo, $"issues/{pr.Number}/comments");
            var comments = await api
                .GetAll<IssueComment>(commentsUri, new Dictionary<string, string>(), new ApiOptions { PageSize = PageSize, PageCount = _options.MaxCommentPages, StartPage = 1 })
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            var mine = FindEarlier(comments);
            if (mine is null && comments.Count >= PageSize * _options.MaxCommentPages)
            {
                notices.Add($"Only the first {comments.Count} comments of #{pr.Number} were searched for the earlier ImageGate comment.");
            }
            if (mine is null)
            {
                action = "creating the pull request comment";
                var created = await api.Post<IssueComment>(commentsUri, new CommentBody(body), GitHubApi.Accept, GitHubApi.Json, cancellationToken).ConfigureAwait(false);
                notices.Add($"Posted the ImageGate comment on #{pr.Number}: {created.HtmlUrl}");
            }
            else if (mine.Body == body)
            {
                notices.Add($"The ImageGate comment on #{pr.Number} is already up to date: {mine.HtmlUrl}");
            }
            else
            {
                action = "updating the pull request comment";
                await api.Patch<IssueComment>(GitHubApi.RepoUri(owner, repo, $"issues/comments/{mine.Id}"), new CommentBody(body), GitHubApi.Accept)
                    .WaitAsync(cancellationToken).ConfigureAwait(false);
                notices.Add($"Updated the ImageGate comment on #{pr.Number}: {mine.HtmlUrl}");
            }
            return new PublishOutcome(true, notices.Select(n => GitHubApi.Scrub(n, _token)).ToArray());
        }
        catch (Exception e) when (GitHubApi.IsApiFailure(e, cancellationToken))
        {
            notices.Add(GitHubApi.Describe(e, action, Permission, _context.ApiUrl));
            return new PublishOutcome(false, notices.Select(n => GitHubApi.Scrub(n, _token)).ToArray());
        }
    }

    /// <summary>The comment body: marker, the report (cut to the size limit with a note) and the commit it describes.</summary>
    internal string BuildBody(string markdownReport, string headSha)
    {
        ArgumentNullException.ThrowIfNull(markdownReport);
        var footer = new StringBuilder("\n\n<sub>ImageGate results for commit ").Append(headSha);
        if (GitHubApi.RunUrl(_context) is { } run)
        {
            footer.Append(" · [workflow run](").Append(run.AbsoluteUri).Append(')');
        }
        footer.Append("</sub>\n");
        var head = Marker + "\n";
        var report = markdownReport.TrimEnd();
        var room = _options.MaxCommentChars - head.Length - footer.Length;
        if (report.Length > room)
        {
            var note = $"\n\n> [!NOTE]\n> This report was cut to fit GitHub's limit of {_options.MaxCommentChars} characters per comment; "
                + "the job summary and the SARIF file list every finding.";
            var kept = GitHubApi.Cut(report, Math.Max(0, room - note.Length - 4));
            var lastLine = kept.LastIndexOf('\n');
            if (lastLine > 0)
            {
                kept = kept[..lastLine]; // never end on half a table row
            }
            if (kept.Split('\n').Count(l => l.TrimStart().StartsWith("```", StringComparison.Ordinal)) % 2 == 1)
            {
                kept += "\n```"; // close a code block left open by the cut
            }
            report = kept + note;
        }
        return head + report + footer;
    }

    /// <summary>The earlier comment: the first that starts with the marker (a quotation starts with <c>&gt;</c>), by the
    /// expected author when one is; else by anyone, so a personal token's own comment is still found.</summary>
    private IssueComment? FindEarlier(IReadOnlyList<IssueComment> comments)
    {
        var marked = comments.Where(c => c.Body is { } text && text.StartsWith(Marker, StringComparison.Ordinal)).ToList();
        return marked.FirstOrDefault(c => string.IsNullOrEmpty(_options.CommentAuthor)
                   || string.Equals(c.User?.Login, _options.CommentAuthor, StringComparison.OrdinalIgnoreCase))
               ?? marked.FirstOrDefault();
    }

    /// <summary>The request body of create and update; Octokit's serializer writes <c>{"body": ...}</c>.</summary>
    private sealed record CommentBody(string Body);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex KeyPattern();
}
