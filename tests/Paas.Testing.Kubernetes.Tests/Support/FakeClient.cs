using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Paas.Testing.Kubernetes.Tests.Support;

/// <summary>Raw HTTP against the fake, to replay recorded requests byte for byte.</summary>
public sealed class FakeClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>Creates a client for the server, with its token unless <paramref name="anonymous"/>.</summary>
    public FakeClient(FakeKubernetesApiServer server, bool anonymous = false)
    {
        _http = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(30) };
        if (!anonymous)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.Token);
        }

        _http.DefaultRequestHeaders.UserAgent.ParseAdd("paas-scheduler/0.1");
    }

    /// <summary>Sends a request; returns status, headers and parsed body.</summary>
    public async Task<(int Status, HttpResponseMessage Response, JsonNode? Body)> SendAsync(string method, string pathAndQuery, JsonNode? body = null, string? contentType = null, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), pathAndQuery);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType ?? "application/json");
        }

        foreach (var (k, v) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(k, v);
        }

        var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, response, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>Replays a recorded exchange's request.</summary>
    public Task<(int Status, HttpResponseMessage Response, JsonNode? Body)> ReplayAsync(JsonObject exchange)
    {
        var req = exchange["request"]!.AsObject();
        var query = req["query"] is JsonObject q && q.Count > 0
            ? "?" + string.Join("&", q.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value!.GetValue<string>())}"))
            : string.Empty;
        var headers = new Dictionary<string, string>();
        if (req["headers"]?["Impersonate-User"]?.GetValue<string>() is { } user)
        {
            headers["Impersonate-User"] = user;
        }

        return SendAsync(req["method"]!.GetValue<string>(), req["path"]!.GetValue<string>() + query, req["body"]?.DeepClone(), req["headers"]?["Content-Type"]?.GetValue<string>(), headers);
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();
}
