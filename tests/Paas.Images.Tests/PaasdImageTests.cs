using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Paas.Images.Tests;

/// <summary>
/// paas/paasd under podman: its config is the deployment contract's (roles-contract.md), and paasd all-in-one (the embedded
/// default: SQLite, local runtime) started from it with nothing but published ports serves the API, takes a git push, builds
/// it with the image's buildpacks and git, and serves the app through its router.
/// </summary>
public sealed partial class PaasdImageTests(PaasdImage image)
{
    [Fact]
    public async Task The_image_config_runs_paasd_as_1000_with_the_stack_buildpacks_data_folder_and_labels()
    {
        var layout = image.Layout;
        ExternalTool.RequireOrSkip("skopeo");
        using var config = JsonDocument.Parse(await ExternalTool.RunAsync("skopeo", TimeSpan.FromMinutes(1), "inspect", "--config", $"oci:{layout}"));
        var settings = config.RootElement.GetProperty("config");

        Assert.Equal("1000:1000", settings.GetProperty("User").GetString());
        Assert.Equal(["/usr/bin/tini", "--", "/opt/paas/bin/paasd"], settings.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
        Assert.False(settings.TryGetProperty("Cmd", out var cmd) && cmd.ValueKind == JsonValueKind.Array && cmd.GetArrayLength() > 0, "no Cmd: arguments go to paasd");
        Assert.False(settings.TryGetProperty("Healthcheck", out _), "no HEALTHCHECK: Kubernetes probes /healthz");
        var env = settings.GetProperty("Env").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("PAAS_LISTEN_ADDRESS=0.0.0.0", env);
        Assert.Contains("PAAS_DATA_DIR=/var/lib/paas", env);
        Assert.Contains("PAAS_STACK_IMAGE=/opt/paas/stack", env);
        Assert.Contains("PAAS_BUILDPACKS_DIR=/opt/paas/buildpacks", env);
        Assert.DoesNotContain(env, e => e!.StartsWith("PORT=", StringComparison.Ordinal));
        var labels = settings.GetProperty("Labels");
        Assert.Matches(Commit(), labels.GetProperty("org.opencontainers.image.revision").GetString());
        Assert.Matches(Tag(), labels.GetProperty("org.opencontainers.image.version").GetString());
    }

    [Fact]
    public async Task Paasd_all_in_one_serves_the_api_then_builds_and_serves_a_pushed_app()
    {
        var reference = await image.RequireAsync();
        ExternalTool.RequireOrSkip("git");
        var ports = LoopbackPort.FreeDistinct(2);
        var (api, router) = (ports[0], ports[1]);
        await using var container = await Container.StartAsync(reference, ["-p", $"127.0.0.1:{api}:7000", "-p", $"127.0.0.1:{router}:8080"]);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{api}"), Timeout = TimeSpan.FromSeconds(30) };
        await WaitForHealthAsync(container, http);
        Assert.Equal("1000", (await container.ExecAsync("id", "-u")).Trim());

        using (var register = await http.PostAsJsonAsync("/v2/auth/register", new { username = "alice", password = "correct-horse-battery" }))
        {
            Assert.True(register.StatusCode == HttpStatusCode.Created, $"register: {(int)register.StatusCode} {await register.Content.ReadAsStringAsync()}");
        }

        using var login = await http.PostAsJsonAsync("/v2/auth/login", new { username = "alice", password = "correct-horse-battery" });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("token", token);
        using (var create = await http.PostAsJsonAsync("/v2/apps", new { name = "hello" }))
        {
            Assert.True(create.StatusCode == HttpStatusCode.Created, $"create app: {(int)create.StatusCode} {await create.Content.ReadAsStringAsync()}");
        }

        var repo = Directory.CreateTempSubdirectory("paas-images-app-");
        try
        {
            // Procfile only: the procfile buildpack, no download; python3 is in the stack the image is built on.
            await File.WriteAllTextAsync(Path.Combine(repo.FullName, "Procfile"), "web: python3 -m http.server $PORT\n");
            await File.WriteAllTextAsync(Path.Combine(repo.FullName, "hello.txt"), "hello from paas/paasd\n");
            await GitAsync(container, repo.FullName, "init", "-q", "-b", "master");
            await GitAsync(container, repo.FullName, "add", "-A");
            await GitAsync(container, repo.FullName, "commit", "-q", "-m", "hello");
            var push = await GitAsync(container, repo.FullName, "push", $"http://alice:{Uri.EscapeDataString(token)}@127.0.0.1:{api}/hello.git", "master");
            Assert.Contains("Procfile", push, StringComparison.Ordinal);
        }
        finally
        {
            repo.Delete(recursive: true);
        }

        var body = await GetUntilOkAsync(container, router, "hello.localhost", "/hello.txt");
        Assert.Equal("hello from paas/paasd\n", body);

        // A process orphaned in the container (here by a shell that exits first) is reaped once it ends: PID 1 is tini, not
        // paasd, which left such processes as zombies.
        await container.ExecAsync("sh", "-c", "(sleep 1 &); exit 0");
        await Task.Delay(TimeSpan.FromSeconds(3));
        var processes = await container.ExecAsync("ps", "-eo", "pid=,stat=,comm=");
        Assert.DoesNotContain(processes.Split('\n'), line => line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var stat, ..] && stat.StartsWith('Z'));
        Assert.Contains(processes.Split('\n'), line => line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["1", _, "tini"]);
    }

    /// <summary>Waits for GET /healthz to answer 200, failing with paasd's log if its container stops or 90 s pass.</summary>
    internal static async Task WaitForHealthAsync(Container container, HttpClient http)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync("/healthz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }

            await container.AssertRunningAsync("waiting for GET /healthz");
            await Task.Delay(250);
        }

        Assert.Fail($"GET /healthz did not answer 200 within 90 s (last: {last}); paasd's log:\n{Container.Tail(await container.LogsAsync())}");
    }

    /// <summary>Runs git with a throwaway identity and no system or global configuration; its standard error (git push streams the build there).</summary>
    private static async Task<string> GitAsync(Container container, string repo, params string[] args)
    {
        var environment = new Dictionary<string, string?>
        {
            ["HOME"] = repo,
            ["GIT_CONFIG_NOSYSTEM"] = "1",
            ["GIT_AUTHOR_NAME"] = "alice",
            ["GIT_AUTHOR_EMAIL"] = "alice@example.test",
            ["GIT_COMMITTER_NAME"] = "alice",
            ["GIT_COMMITTER_EMAIL"] = "alice@example.test",
            ["GIT_TERMINAL_PROMPT"] = "0",
        };
        var (code, output, error) = await ChildProcess.RunAsync("git", args, repo, environment, CancellationToken.None, limit: TimeSpan.FromMinutes(3));
        Assert.True(code == 0, $"git {args[0]} exited {code}\n{output}\n{error}\npaasd's log:\n{Container.Tail(await container.LogsAsync())}");
        return error;
    }

    /// <summary>GETs http://HOST:PORT/PATH through paasd's router until it answers 200 (the deploy may take a moment).</summary>
    private static async Task<string> GetUntilOkAsync(Container container, int port, string host, string path)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}{path}");
                request.Headers.Host = $"{host}:{port}";
                using var response = await http.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return body;
                }

                last = $"{(int)response.StatusCode}: {body}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }

            await container.AssertRunningAsync($"waiting for {host}{path}");
            await Task.Delay(250);
        }

        Assert.Fail($"GET http://{host}:{port}{path} did not answer 200 within 60 s (last: {last}); paasd's log:\n{Container.Tail(await container.LogsAsync())}");
        return "";
    }

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex Commit();

    [GeneratedRegex("^[0-9a-f]{7,}(-dirty)?$")]
    private static partial Regex Tag();
}
