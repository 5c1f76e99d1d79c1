using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ImageGate.Ci.AzureDevOps;

/// <summary>One answer of the Azure DevOps REST API: the status code and the body, read within a size limit.</summary>
internal sealed record ApiResponse(HttpStatusCode Status, string Body)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;

    public bool IsAuthFailure => Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;

    /// <summary>The service's error message (<c>{"message": "TF401027: …"}</c>), on one line and shortened.</summary>
    public string ErrorMessage()
    {
        try
        {
            using var doc = JsonDocument.Parse(Body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("message", out var m)
                && m.ValueKind == JsonValueKind.String)
            {
                return Shorten(m.GetString()!);
            }
        }
        catch (JsonException)
        {
        }
        return "";
    }

    private static string Shorten(string text)
    {
        var line = string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return line.Length <= 300 ? line : line[..300] + "…";
    }
}

/// <summary>Calls the REST API 7.1 under one pull request, with the job's token as a Bearer credential.</summary>
internal sealed class AzureDevOpsApi(HttpClient http, Uri pullRequestUri, string token, int maxResponseBytes)
{
    public const string ApiVersion = "7.1";

    /// <summary>Sends <paramref name="body"/> (when not null) as JSON to <c>{pull request}/{path}?api-version=7.1</c>.</summary>
    /// <exception cref="HttpRequestException">The service could not be reached or the answer was too large.</exception>
    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken)
    {
        var uri = new Uri(pullRequestUri.AbsoluteUri.TrimEnd('/') + "/" + path + "?api-version=" + ApiVersion);
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("ImageGate", "1.0"));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        return new ApiResponse(response.StatusCode, await ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false));
    }

    private async Task<string> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > maxResponseBytes)
        {
            throw new HttpRequestException($"the answer is larger than {maxResponseBytes} bytes");
        }
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxResponseBytes)
            {
                throw new HttpRequestException($"the answer is larger than {maxResponseBytes} bytes");
            }
            buffer.Write(chunk, 0, read);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
