using System.Net;
using Paas.Client;

namespace Paas.Cli.Tests.Client;

public sealed class PaasClientTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sends_the_token_and_snake_case_json_to_the_route_under_the_base_url()
    {
        var handler = new RecordingHandler(HttpStatusCode.Created, """{"app":"hello","values":{"A":"1"},"release":4,"updated_at":"2026-11-21T08:40:12+00:00"}""");
        var client = new PaasClient(new HttpClient(handler), new Uri("http://paas.test:7000/prefix"), "paas_secret");

        var config = await client.UpdateConfigAsync("hello", new ConfigUpdateRequest(new Dictionary<string, string?> { ["A"] = "1", ["OLD"] = null }), Cancel);

        var (request, body) = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("http://paas.test:7000/prefix/v2/apps/hello/config", request.RequestUri!.AbsoluteUri);
        Assert.Equal("token paas_secret", request.Headers.Authorization!.ToString());
        Assert.Equal("""{"values":{"A":"1","OLD":null}}""", body);
        Assert.Equal(4, config.Release);
        Assert.Equal("1", config.Values["A"]);
    }

    [Fact]
    public async Task Sends_paging_and_release_versions_in_the_url_and_no_header_without_a_token()
    {
        var handler = new RecordingHandler(HttpStatusCode.OK, """{"count":0,"results":[]}""");
        var client = new PaasClient(new HttpClient(handler), new Uri("http://paas.test:7000/"));

        var page = await client.ListReleasesAsync("hello", limit: 5, offset: 10, Cancel);

        Assert.Equal("http://paas.test:7000/v2/apps/hello/releases?limit=5&offset=10", handler.Requests[0].Request.RequestUri!.AbsoluteUri);
        Assert.Null(handler.Requests[0].Request.Headers.Authorization);
        Assert.Empty(page.Results);
    }

    [Fact]
    public async Task Turns_a_problem_document_into_an_exception_whose_message_is_the_detail()
    {
        var handler = new RecordingHandler(
            HttpStatusCode.NotFound,
            """{"type":"about:blank","title":"Not Found","status":404,"detail":"There is no app named nope; `paas apps` lists yours."}""",
            "application/problem+json");
        var client = new PaasClient(new HttpClient(handler), new Uri("http://paas.test:7000"), "t");

        var error = await Assert.ThrowsAsync<PaasApiException>(() => client.GetAppAsync("nope", Cancel));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("There is no app named nope; `paas apps` lists yours.", error.Message);
        Assert.Equal(404, error.Problem!.Status);
    }

    [Fact]
    public async Task Names_the_request_and_status_when_the_error_body_is_not_a_problem()
    {
        var handler = new RecordingHandler(HttpStatusCode.BadGateway, "<html>\n<b>bad gateway</b>\n</html>", "text/html");
        var client = new PaasClient(new HttpClient(handler), new Uri("http://paas.test:7000"), "t");

        var error = await Assert.ThrowsAsync<PaasApiException>(() => client.DeleteAppAsync("hello", Cancel));

        Assert.Null(error.Problem);
        Assert.Equal("DELETE /v2/apps/hello answered 502 Bad Gateway: <html> <b>bad gateway</b> </html>", error.Message);
    }

    [Fact]
    public async Task Says_the_platform_cannot_be_reached_when_nothing_listens()
    {
        var port = LoopbackPort.Free();
        var client = new PaasClient(new HttpClient(), new Uri($"http://127.0.0.1:{port}"), "t");

        var error = await Assert.ThrowsAsync<PaasConnectionException>(() => client.WhoAmIAsync(Cancel));

        Assert.StartsWith($"cannot reach the platform at http://127.0.0.1:{port}: ", error.Message);
        Assert.EndsWith("Is paasd running?", error.Message);
    }

    [Fact]
    public async Task Escapes_user_names_in_the_path()
    {
        var handler = new RecordingHandler(HttpStatusCode.NoContent, "");
        var client = new PaasClient(new HttpClient(handler), new Uri("http://paas.test"), "t");

        await client.DeletePermissionAsync("hello", "a b/c", Cancel);

        Assert.Equal("/v2/apps/hello/perms/a%20b%2Fc", handler.Requests[0].Request.RequestUri!.AbsolutePath);
    }
}
