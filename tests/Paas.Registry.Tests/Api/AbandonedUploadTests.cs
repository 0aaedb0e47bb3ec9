using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Paas.Registry.Tests.Infrastructure;
using Paas.Registry.Uploads;

namespace Paas.Registry.Tests.Api;

/// <summary>
/// Upload sessions nobody finishes (issue 21, "Abandoned work"): they expire <c>Registry:UploadExpiry</c> after their start
/// and a repository holds at most <c>Registry:MaxOpenUploadsPerRepository</c> of them; over real HTTP, with a clock the test moves.
/// </summary>
public sealed class AbandonedUploadTests : IAsyncLifetime
{
    private static readonly TimeSpan Expiry = TimeSpan.FromMinutes(1);
    private readonly ManualTimeProvider _clock = new();
    private readonly RegistryFixture _registry;
    private HttpClient _client = null!;

    public AbandonedUploadTests() => _registry = new RegistryFixture(
        services => services.AddSingleton<TimeProvider>(_clock),
        new Dictionary<string, string?> { ["Registry:UploadExpiry"] = "00:01:00", ["Registry:MaxOpenUploadsPerRepository"] = "2" });

    public async ValueTask InitializeAsync()
    {
        await _registry.InitializeAsync();
        _client = _registry.Client();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _registry.DisposeAsync();
    }

    [Fact]
    public async Task An_upload_unfinished_past_its_expiry_answers_404_blob_upload_unknown_and_its_bytes_are_gone()
    {
        var location = await StartAsync("alice-app");
        using (var first = await PatchAsync(location, [1, 2, 3]))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        _clock.Advance(Expiry - TimeSpan.FromSeconds(1));
        using (var second = await PatchAsync(location, [4, 5, 6]))
        {
            Assert.Equal(HttpStatusCode.Accepted, second.StatusCode); // still within its expiry
        }

        _clock.Advance(TimeSpan.FromSeconds(1));
        using var status = await _client.GetAsync(location);
        var message = await ErrorMessageAsync(status, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        Assert.Contains("expired", message, StringComparison.Ordinal);
        Assert.Contains("POST /v2/alice-app/blobs/uploads/", message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(UploadFolder(location)));

        using var put = await _client.PutAsync(location + "?digest=sha256:" + new string('0', 64), null);
        await put.AssertErrorAsync(HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
    }

    [Fact]
    public async Task The_sweep_discards_expired_uploads_nobody_asks_about_and_keeps_younger_ones()
    {
        var old = await StartAsync("alice-app");
        _clock.Advance(Expiry / 2);
        var young = await StartAsync("alice-app");
        _clock.Advance(Expiry / 2);

        var discarded = await _registry.Services.GetRequiredService<UploadSessions>().SweepAsync(CancellationToken.None);

        Assert.Equal(1, discarded);
        Assert.False(Directory.Exists(UploadFolder(old)));
        Assert.True(Directory.Exists(UploadFolder(young)));
        using var status = await _client.GetAsync(young);
        Assert.Equal(HttpStatusCode.NoContent, status.StatusCode);
    }

    [Fact]
    public async Task A_repository_holds_at_most_the_configured_open_uploads_then_gets_429_toomanyrequests()
    {
        var first = await StartAsync("alice-app");
        await StartAsync("alice-app");

        using (var third = await _client.PostAsync("/v2/alice-app/blobs/uploads/", null))
        {
            var message = await ErrorMessageAsync(third, HttpStatusCode.TooManyRequests, "TOOMANYREQUESTS");
            Assert.Contains("2 unfinished uploads", message, StringComparison.Ordinal);
            Assert.Contains("DELETE", message, StringComparison.Ordinal);
        }

        await StartAsync("alice-other"); // another repository has its own count
        await _client.PushBlobAsync("alice-app", [7, 7, 7]); // a monolithic upload opens no session

        using (var cancel = await _client.DeleteAsync(first))
        {
            Assert.Equal(HttpStatusCode.NoContent, cancel.StatusCode);
        }

        await StartAsync("alice-app"); // a cancelled upload frees its place

        _clock.Advance(Expiry); // and so do expired ones
        await StartAsync("alice-app");
        await StartAsync("alice-app");
    }

    private async Task<string> StartAsync(string repository)
    {
        using var response = await _client.PostAsync($"/v2/{repository}/blobs/uploads/", null);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST uploads in {repository}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response.Headers.Location!.ToString();
    }

    private Task<HttpResponseMessage> PatchAsync(string location, byte[] chunk)
    {
        var content = new ByteArrayContent(chunk);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return _client.PatchAsync(location, content);
    }

    private string UploadFolder(string location) => Path.Combine(_registry.Root, "uploads", location.TrimEnd('/').Split('/')[^1]);

    private static async Task<string> ErrorMessageAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        using var body = JsonDocument.Parse(text);
        var error = body.RootElement.GetProperty("errors")[0];
        Assert.Equal(code, error.GetProperty("code").GetString());
        return error.GetProperty("message").GetString()!;
    }
}
