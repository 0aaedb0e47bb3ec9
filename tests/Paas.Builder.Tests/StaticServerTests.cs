using System.Diagnostics;
using System.Net;
using Paas.Testing;
using Xunit;

namespace Paas.Builder.Tests;

/// <summary>
/// The static buildpack's file server (<c>buildpacks/static/lib/paas-static-server.js</c>) run by the real node, on files
/// dated 1970 as a reproducible slug unpacks them (issue "The first hour", item 3): an edit that keeps a file's size is
/// not answered 304, and HTML is always revalidated.
/// </summary>
public sealed class StaticServerTests
{
    [Fact]
    public async Task An_edit_that_keeps_the_size_is_served_fresh_and_html_is_always_revalidated()
    {
        ExternalTool.RequireOrSkip("node", "nodejs");
        var app = Directory.CreateTempSubdirectory("paas-static-").FullName;
        var port = LoopbackPort.Free();
        Process? server = null;
        try
        {
            Directory.CreateDirectory(Path.Combine(app, "bin"));
            File.Copy(Path.Combine(RepoPaths.Root, "buildpacks", "static", "lib", "paas-static-server.js"), Path.Combine(app, "bin", "paas-static-server.js"));
            WriteAsSlug(Path.Combine(app, "index.html"), "<h1>one</h1>\n");
            WriteAsSlug(Path.Combine(app, "site.css"), "h1 { color: red }\n");
            var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(app, "bin", "paas-static-server.js"));
            start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            server = Process.Start(start)!;
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var first = await GetUntilUpAsync(http);

            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal("no-cache", first.Headers.CacheControl?.ToString());
            Assert.Null(first.Content.Headers.LastModified); // no 1970 dates
            var etag = first.Headers.ETag!;
            Assert.Equal(HttpStatusCode.NotModified, (await GetAsync(http, "/", etag.Tag)).StatusCode);

            WriteAsSlug(Path.Combine(app, "index.html"), "<h1>two</h1>\n"); // same size, same (1970) time
            var edited = await GetAsync(http, "/", etag.Tag);
            Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
            Assert.Equal("<h1>two</h1>\n", await edited.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            Assert.NotEqual(etag, edited.Headers.ETag);

            var css = await GetAsync(http, "/site.css", null);
            Assert.Equal("public, must-revalidate, max-age=0", css.Headers.CacheControl?.ToString());
            Assert.Equal(HttpStatusCode.NotModified, (await GetAsync(http, "/site.css", $"W/{css.Headers.ETag!.Tag}, \"other\"")).StatusCode);
        }
        finally
        {
            if (server is { HasExited: false })
            {
                server.Kill();
                await server.WaitForExitAsync();
            }

            server?.Dispose();
            Directory.Delete(app, recursive: true);
        }
    }

    private static void WriteAsSlug(string path, string content)
    {
        File.WriteAllText(path, content);
        File.SetLastWriteTimeUtc(path, DateTime.UnixEpoch);
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, string path, string? ifNoneMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task<HttpResponseMessage> GetUntilUpAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                return await GetAsync(http, "/", null);
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }
    }
}
