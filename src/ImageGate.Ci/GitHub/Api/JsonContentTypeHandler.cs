using System.Net.Http.Headers;

namespace ImageGate.Ci.GitHub.Api;

/// <summary>Octokit labels the JSON bodies of PATCH requests (and of posts without an explicit type) as
/// <c>application/x-www-form-urlencoded</c>; GitHub documents <c>application/json</c>. Nothing here sends form data,
/// so every such label is corrected.</summary>
internal sealed class JsonContentTypeHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content?.Headers.ContentType?.MediaType == "application/x-www-form-urlencoded")
        {
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }
        return base.SendAsync(request, cancellationToken);
    }
}
