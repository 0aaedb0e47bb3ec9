using System.Diagnostics;
using Xunit;

namespace Paas.Builder.Tests.Stack;

/// <summary>
/// A build's image runs anywhere: pushed with the real git client to a platform with the stack, pulled by podman from the
/// platform's registry, run as <c>podman run -p 127.0.0.1:PORT:5000 IMAGE web</c>, it serves the app; <c>podman stop</c>
/// ends it through SIGTERM well before the stop timeout (the launcher execs under tini, no shell sits in between), even
/// for apps with no SIGTERM handler of their own (python's http.server, the static file server).
/// </summary>
public sealed class ImageRunTests(StackPlatform fixture) : IClassFixture<StackPlatform>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Theory]
    [InlineData("node-web", "master", "hello from node v22.")]
    [InlineData("node-app", "master", "hello from node v4.9.1 1m")]
    [InlineData("static-app", "main", "hello static")]
    [InlineData("dotnet-app", "master", "hello from .NET")]
    [InlineData("procfile-app", "master", "Directory listing for /")]
    public async Task Image_serves_the_app_under_podman(string fixtureApp, string branch, string expected)
    {
        Tools.RequireOrSkip("podman");
        var platform = fixture.Require();
        var app = await fixture.NewAppAsync("run");
        using var repo = await GitClient.FromFixtureAsync(fixtureApp, branch);
        var (code, output) = await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(app), branch);
        Assert.True(code == 0, output);
        var image = $"{new Uri(platform.RegistryUrl).Authority}/{app}:git-{(await repo.HeadAsync())[..7]}";
        var container = "paas-test-" + app + "-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            await Tools.CheckAsync("podman", Timeout, "pull", "-q", "--tls-verify=false", "--creds", "alice:" + fixture.AliceToken, image);
            var port = Tools.FreePort();
            await Tools.CheckAsync("podman", Timeout, [.. Tools.RunFlags, "-d", "--name", container, "-p", $"127.0.0.1:{port}:5000", image, "web"]);

            var body = await GetUntilAsync($"http://127.0.0.1:{port}/", expected, container);
            Assert.Contains(expected, body);

            // tini (PID 1) and the app: no shell left between them
            var processes = await Tools.CheckAsync("podman", Timeout, "exec", container, "ps", "-eo", "pid=,comm=");
            Assert.Matches(@"^\s*1 tini$", processes.Split('\n')[0]);
            Assert.DoesNotContain("bash", processes);

            var stopping = Stopwatch.StartNew();
            await Tools.CheckAsync("podman", Timeout, "stop", "-t", "20", container);
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"podman stop took {stopping.Elapsed}: SIGTERM did not reach the app");
        }
        finally
        {
            await Tools.RunAsync("podman", Timeout, "rm", "-f", container);
            await Tools.RunAsync("podman", Timeout, "rmi", "-f", image);
        }
    }

    private static async Task<string> GetUntilAsync(string url, string expected, string container)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await http.GetStringAsync(url);
                if (last.Contains(expected, StringComparison.Ordinal))
                {
                    return last;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }

            await Task.Delay(300);
        }

        var (_, logs, errors) = await Tools.RunAsync("podman", Timeout, "logs", container);
        Assert.Fail($"{url} did not answer '{expected}' within 90 s (last: {last}); container logs:\n{logs}\n{errors}");
        return last;
    }
}
