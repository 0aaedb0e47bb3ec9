using System.Net;
using System.Net.Http.Json;
using Paas.Client;
using Xunit;

namespace Paas.Controller.Tests;

/// <summary>Small helpers over HttpClient with the API's JSON conventions.</summary>
internal static class Http
{
    public static Task<HttpResponseMessage> Post<T>(this HttpClient client, string path, T body) =>
        client.PostAsJsonAsync(path, body, PaasJson.Options);

    public static async Task<T> Read<T>(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return System.Text.Json.JsonSerializer.Deserialize<T>(text, PaasJson.Options)!;
    }

    public static async Task<T> Get<T>(this HttpClient client, string path) =>
        await (await client.GetAsync(path)).Read<T>();

    /// <summary>Asserts a problem details answer with <paramref name="status"/> whose detail contains <paramref name="fragment"/>.</summary>
    public static async Task<ApiProblem> Problem(this HttpResponseMessage response, HttpStatusCode status, string fragment = "")
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = System.Text.Json.JsonSerializer.Deserialize<ApiProblem>(text, PaasJson.Options)!;
        Assert.Contains(fragment, problem.Detail ?? "", StringComparison.Ordinal);
        return problem;
    }
}
