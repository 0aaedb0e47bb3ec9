using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Paas.Router.Hosting;

namespace Paas.EndToEnd.Tests;

/// <summary>
/// The platform as separate processes, as the Helm chart runs it: controller (PostgreSQL), builder, registry and router,
/// each <c>paasd --role X</c> with its own data folder, talking only over their contracts (git forwarded by the controller
/// to the builder, registry sign-in asked of the controller, the route stream, log lines). A push deploys and serves;
/// none but the controller has a database; the router keeps serving while the controller is down and follows changes
/// made after it restarts.
/// </summary>
public sealed class SplitRolesTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private readonly List<PaasdProcess> _started = [];
    private string _tokenFile = "";
    private Dictionary<string, string> _common = [];
    private int[] _ports = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _started)
        {
            await process.DisposeAsync();
        }

        if (_tokenFile.Length > 0)
        {
            File.Delete(_tokenFile);
        }
    }

    [Fact]
    public async Task Controller_builder_registry_and_router_as_separate_processes_deploy_and_serve_a_push()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        _tokenFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(_tokenFile, Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), Cancel);
        _ports = LoopbackPort.FreeDistinct(7);
        var (api, @internal, builder, registry, http, https, health) = (_ports[0], _ports[1], _ports[2], _ports[3], _ports[4], _ports[5], _ports[6]);
        _common = new Dictionary<string, string>
        {
            ["PAAS_SERVICE_TOKEN_FILE"] = _tokenFile,
            ["PAAS_API_PORT"] = Port(api),
            ["PAAS_INTERNAL_PORT"] = Port(@internal),
            ["PAAS_BUILDER_PORT"] = Port(builder),
            ["PAAS_REGISTRY_PORT"] = Port(registry),
            ["PAAS_HTTP_PORT"] = Port(http),
            ["PAAS_HTTPS_PORT"] = Port(https),
            ["PAAS_CONTROLLER_URL"] = $"http://127.0.0.1:{api}",
            ["PAAS_CONTROLLER_INTERNAL_URL"] = $"http://127.0.0.1:{@internal}",
            ["PAAS_BUILDER_URL"] = $"http://127.0.0.1:{builder}",
            ["PAAS_REGISTRY_URL"] = $"http://127.0.0.1:{registry}",
        };

        var controller = await StartControllerAsync(database);
        var registryProcess = await StartAsync("registry", new Uri($"http://127.0.0.1:{registry}/readyz"));
        var builderProcess = await StartAsync("builder", new Uri($"http://127.0.0.1:{builder}/readyz"));
        // As the chart runs it (router.inlineSocketCompletions): every request on the thread that read it.
        var router = await StartAsync("router", new Uri($"http://127.0.0.1:{health}/readyz"), new()
        {
            ["PAAS_HEALTH_PORT"] = Port(health),
            [SocketCompletions.EnvironmentVariable] = "1",
        });

        await using var session = PlatformSession.Split(controller, [], http, https);
        await session.PaasOk(session.Home, "register", session.Url, "--username", "alice", "--password", "correct-horse-battery");
        var repo = await session.CheckOutExampleAsync("static-site");
        await session.PaasOk(repo, "create", "site");
        var push = await session.GitOk(repo, TimeSpan.FromMinutes(3), "push", "paas", "master");
        output.WriteLine(push.Error);
        Assert.True((push.Out + push.Error).Contains($"http://site.localhost:{http} deployed", StringComparison.Ordinal), $"git push through the controller to the builder:\n{push.Error}\n{Logs()}");
        await session.GetUntilAsync("site.localhost", b => b.Contains("Hello from a static site on paas", StringComparison.Ordinal), "index.html through the router process");

        // Router and builder lines reach the app's logs through the controller.
        var logs = "";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline && !(logs.Contains("paas[router]", StringComparison.Ordinal) && logs.Contains("paas[builder]", StringComparison.Ordinal)))
        {
            logs = await session.PaasOk(repo, "logs", "-n", "200");
            await Task.Delay(300, Cancel);
        }

        Assert.True(logs.Contains("paas[router]", StringComparison.Ordinal) && logs.Contains("paas[builder]", StringComparison.Ordinal), $"paas logs shows router and builder lines:\n{logs}");

        // Only the controller has a database: the others never opened one.
        foreach (var part in new[] { registryProcess, builderProcess, router })
        {
            Assert.False(File.Exists(Path.Combine(part.DataDirectory, "paas.db")), $"{part.DataDirectory} holds no database");
        }

        // The registry decides through the controller: a wrong token is refused.
        using (var client = new HttpClient())
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{registry}/v2/site/tags/list");
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:not-a-token")));
            using var refused = await client.SendAsync(request, Cancel);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // The controller goes down: the router keeps serving its last table; the registry says 503, not 401.
        await controller.KillAsync(entireProcessTree: false); // the app's processes (own sessions) live on, as pods would
        var (status, body) = await session.GetAsync("site.localhost");
        Assert.True(status == HttpStatusCode.OK, $"with the controller down the router still serves: {(int)status} {body}");
        using (var client = new HttpClient())
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{registry}/v2/site/tags/list");
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:whatever")));
            using var unavailable = await client.SendAsync(request, Cancel);
            var text = await unavailable.Content.ReadAsStringAsync(Cancel);
            Assert.True(unavailable.StatusCode == HttpStatusCode.ServiceUnavailable && text.Contains("UNAVAILABLE", StringComparison.Ordinal), $"registry without its controller: {(int)unavailable.StatusCode} {text}");
        }

        // A new controller process (another origin of versions): the router takes a fresh snapshot and follows changes.
        await StartControllerAsync(database); // same ports: the CLI's login still applies
        await session.PaasOk(repo, "maintenance:on", "-a", "site");
        var maintenanceDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        var last = HttpStatusCode.OK;
        while (DateTime.UtcNow < maintenanceDeadline && last != HttpStatusCode.ServiceUnavailable)
        {
            (last, _) = await session.GetAsync("site.localhost");
            await Task.Delay(200, Cancel);
        }

        Assert.True(last == HttpStatusCode.ServiceUnavailable, $"maintenance:on made after the controller restarted reaches the router: {(int)last}\n{Logs()}");
    }

    private async Task<PaasdProcess> StartControllerAsync(string database) =>
        await StartAsync("controller", new Uri($"http://127.0.0.1:{_ports[0]}/readyz"), new() { ["PAAS_DATABASE"] = database });

    private async Task<PaasdProcess> StartAsync(string role, Uri ready, Dictionary<string, string>? extra = null)
    {
        var environment = new Dictionary<string, string>(_common) { ["PAAS_ROLE"] = role };
        foreach (var (key, value) in extra ?? [])
        {
            environment[key] = value;
        }

        var process = await PaasdProcess.StartRoleAsync(environment, ready, Cancel);
        _started.Add(process);
        return process;
    }

    private string Logs() => string.Join("\n", _started.Select(p => $"--- {p.DataDirectory} ---\n{Tail(p.Log)}"));

    private static string Tail(string log) => log.Length > 3000 ? log[^3000..] : log;

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
