using System.Text;
using System.Text.Json;
using Paas.Domain;
using Paas.Scheduling.Logs;
using Paas.Scheduling.Podman;

namespace Paas.Scheduling.Tests.Podman;

/// <summary>What the podman scheduler does beyond the conformance suite: limits, networks, health checks, pulls, runs with input.</summary>
public sealed class PodmanSchedulerTests : IAsyncLifetime
{
    private string _dataDir = "";
    private readonly string _app = "pod" + Guid.NewGuid().ToString("N")[..8];
    private FileLogStore? _logs;
    private PodmanScheduler? _scheduler;

    public async ValueTask InitializeAsync()
    {
        await PodmanFixture.RequireAsync();
        _dataDir = Directory.CreateTempSubdirectory("paas-podman-").FullName; // after the skip: a skipped test leaves nothing behind
        _logs = new FileLogStore(Path.Combine(_dataDir, "logs"));
        _scheduler = PodmanFixture.Create(_dataDir, _logs);
    }

    public async ValueTask DisposeAsync()
    {
        if (_scheduler is not null)
        {
            await _scheduler.DestroyAsync(_app, CancellationToken.None);
            await _scheduler.DisposeAsync();
            _logs!.Dispose();
        }

        if (_dataDir.Length > 0)
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Limits_become_cgroup_limits_and_each_app_has_its_own_network_reachable_only_on_loopback()
    {
        var spec = Spec() with { Limits = new Dictionary<string, ProcessLimits> { ["web"] = new(256L * 1024 * 1024, 500) } };

        var result = await _scheduler!.DeployAsync(spec, CancellationToken.None);

        Assert.True(result.Succeeded, result.FailureReason);
        using var container = await InspectAsync("web.1");
        var host = container.RootElement.GetProperty("HostConfig");
        Assert.Equal(256L * 1024 * 1024, host.GetProperty("Memory").GetInt64());
        Assert.Equal(256L * 1024 * 1024, host.GetProperty("MemorySwap").GetInt64());
        Assert.Equal(500_000_000L, host.GetProperty("NanoCpus").GetInt64());
        var networks = container.RootElement.GetProperty("NetworkSettings").GetProperty("Networks");
        Assert.Equal([$"paas-{_app}"], networks.EnumerateObject().Select(n => n.Name));
        var published = container.RootElement.GetProperty("NetworkSettings").GetProperty("Ports").GetProperty("5000/tcp")[0];
        Assert.Equal("127.0.0.1", published.GetProperty("HostIp").GetString());
        var endpoint = Assert.Single(_scheduler.GetEndpoints(_app));
        Assert.Equal(("127.0.0.1", int.Parse(published.GetProperty("HostPort").GetString()!, System.Globalization.CultureInfo.InvariantCulture)), (endpoint.Host, endpoint.Port));
        using var network = JsonDocument.Parse(await PodmanFixture.PodmanAsync("network", "inspect", $"paas-{_app}"));
        Assert.Equal("true", network.RootElement[0].GetProperty("options").GetProperty("isolate").GetString());

        await _scheduler.DestroyAsync(_app, CancellationToken.None);

        Assert.Equal("", (await PodmanFixture.PodmanAsync("network", "ls", "--quiet", "--filter", $"name=^paas-{_app}$")).Trim());
        Assert.Equal("", (await PodmanFixture.PodmanAsync("ps", "--all", "--quiet", "--filter", $"label=io.paas.app={_app}")).Trim());
    }

    [Fact]
    public async Task A_type_without_limits_gets_the_default_memory_limit_and_no_cpu_limit()
    {
        var result = await _scheduler!.DeployAsync(Spec(), CancellationToken.None);

        Assert.True(result.Succeeded, result.FailureReason);
        using var container = await InspectAsync("web.1");
        var host = container.RootElement.GetProperty("HostConfig");
        Assert.Equal(512L * 1024 * 1024, host.GetProperty("Memory").GetInt64()); // PAAS_PODMAN_DEFAULT_MEMORY, 512M
        Assert.Equal(512L * 1024 * 1024, host.GetProperty("MemorySwap").GetInt64());
        Assert.Equal(0L, host.GetProperty("NanoCpus").GetInt64());
        Assert.Null(new PodmanOptions { DefaultMemory = "" }.DefaultMemoryBytes());
        Assert.Contains("PAAS_PODMAN_DEFAULT_MEMORY: 'lots' is not a memory limit", Assert.Throws<InvalidOperationException>(() => new PodmanOptions { DefaultMemory = "lots" }.DefaultMemoryBytes()).Message, StringComparison.Ordinal);
        await _scheduler.DestroyAsync(_app, CancellationToken.None);
    }

    [Fact]
    public async Task Another_apps_containers_cannot_reach_this_apps_containers()
    {
        var other = "pod" + Guid.NewGuid().ToString("N")[..8];
        Assert.True((await _scheduler!.DeployAsync(Spec(), CancellationToken.None)).Succeeded);
        try
        {
            using var container = await InspectAsync("web.1");
            var address = container.RootElement.GetProperty("NetworkSettings").GetProperty("Networks").GetProperty($"paas-{_app}").GetProperty("IPAddress").GetString();
            var probe = $"curl -s -m 2 -o /dev/null http://{address}:5000/";

            var fromOther = await _scheduler.RunAsync(new RunRequest(Spec() with { App = other }, probe), (_, _) => ValueTask.CompletedTask, CancellationToken.None);
            var fromSelf = await _scheduler.RunAsync(new RunRequest(Spec(), probe), (_, _) => ValueTask.CompletedTask, CancellationToken.None);

            Assert.Equal(28, fromOther.ExitCode); // curl: timed out (the isolated networks drop the packets)
            Assert.Equal(0, fromSelf.ExitCode);
        }
        finally
        {
            await _scheduler.DestroyAsync(other, CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_health_check_the_process_fails_fails_the_deploy_and_one_it_passes_lets_it_through()
    {
        var failing = Spec() with
        {
            Config = new Dictionary<string, string> { ["PAAS_BOOT_TIMEOUT"] = "2" },
            HealthChecks = new Dictionary<string, HealthCheck> { ["web"] = new("/missing", 1, 1) },
        };

        var refused = await _scheduler!.DeployAsync(failing, CancellationToken.None);

        Assert.False(refused.Succeeded);
        Assert.Equal("web.1 did not answer its health check /missing on PORT 5000 within 2 s", refused.FailureReason);
        Assert.Empty(await _scheduler.ListAsync(_app, CancellationToken.None));

        var passing = Spec(release: 2) with { HealthChecks = new Dictionary<string, HealthCheck> { ["web"] = new("/health", 1, 1) } };
        var accepted = await _scheduler.DeployAsync(passing, CancellationToken.None);

        Assert.True(accepted.Succeeded, accepted.FailureReason);
        Assert.Equal(ProcessState.Up, Assert.Single(await _scheduler.ListAsync(_app, CancellationToken.None)).State);
    }

    [Fact]
    public async Task A_deploy_answers_once_traffic_is_switched_and_the_old_container_drains_and_stops_in_the_background()
    {
        var dataDir = Directory.CreateDirectory(Path.Combine(_dataDir, "draining")).FullName; // a platform of its own
        await using var draining = PodmanFixture.Create(dataDir, _logs!, configure: o => o.EndpointDrainDelay = TimeSpan.FromSeconds(5));
        try
        {
            Assert.True((await draining.DeployAsync(Spec(), CancellationToken.None)).Succeeded);

            var result = await draining.DeployAsync(Spec(release: 2), CancellationToken.None);

            Assert.True(result.Succeeded, result.FailureReason);
            Assert.Equal(2, Assert.Single(draining.GetEndpoints(_app)).Release);
            Assert.Equal([1, 2], (await draining.ListAsync(_app, CancellationToken.None)).Select(p => p.Release)); // v1 still drains
            await draining.ScaleAsync(Spec(release: 2), CancellationToken.None); // the app's next operation waits for it
            Assert.Equal([2], (await draining.ListAsync(_app, CancellationToken.None)).Select(p => p.Release));
            Assert.Equal("", (await PodmanFixture.PodmanAsync("ps", "--all", "--quiet", "--filter", $"label=io.paas.app={_app}", "--filter", "label=io.paas.release=1")).Trim());
        }
        finally
        {
            await draining.DestroyAsync(_app, CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_refused_pull_fails_the_deploy_and_says_why_and_TLS_is_skipped_only_for_the_platforms_registry()
    {
        await using (var wrong = PodmanFixture.Create(_dataDir, _logs!, new Pulls("not-the-secret")))
        {
            var refused = await wrong.DeployAsync(Spec(), CancellationToken.None);

            Assert.False(refused.Succeeded);
            Assert.StartsWith($"the image of v1 is not available: pulling {PodmanFixture.Image} failed: ", refused.FailureReason, StringComparison.Ordinal);
            Assert.True(refused.FailureReason!.Contains("unauthorized", StringComparison.OrdinalIgnoreCase), refused.FailureReason);
            await wrong.DestroyAsync(_app, CancellationToken.None);
        }

        // A registry that is not the platform's (no pull credential for it) is pulled over verified TLS, even on loopback.
        await using var elsewhere = PodmanFixture.Create(_dataDir, _logs!, new Pulls(null));
        var result = await elsewhere.DeployAsync(Spec(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.True(result.FailureReason!.Contains("https://", StringComparison.Ordinal), result.FailureReason);
        await elsewhere.DestroyAsync(_app, CancellationToken.None);
    }

    [Fact]
    public async Task A_run_reads_its_input_and_gets_the_release_environment()
    {
        var lines = new List<string>();
        var spec = Spec() with { Config = new Dictionary<string, string> { ["MULTI"] = "first\nsecond", ["PATH_NOTE"] = "x" } };

        var result = await _scheduler!.RunAsync(
            new RunRequest(spec, "read name; echo \"got $name\"; echo \"$MULTI\"; echo \"$PATH\"; echo \"$HOME $DYNO $PORT\"", Input: new MemoryStream(Encoding.UTF8.GetBytes("paas\n"))),
            (line, _) => { lock (lines) { lines.Add(line); } return ValueTask.CompletedTask; },
            CancellationToken.None);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("got paas", lines);
        Assert.Contains("first", lines);
        Assert.Contains("second", lines);
        Assert.Contains(lines, l => l.StartsWith("/app/bin:/app/.heroku/node/bin:/app/.heroku/python/bin:", StringComparison.Ordinal) && l.Contains("/usr/bin", StringComparison.Ordinal));
        Assert.Contains($"/app {result.Name} 5000", lines); // the stack's PORT: a one-off process has a PORT it could listen on, as on the local runtime
        Assert.Equal("", (await PodmanFixture.PodmanAsync("ps", "--all", "--quiet", "--filter", $"label=io.paas.app={_app}", "--filter", "label=io.paas.type=run")).Trim());
    }

    [Fact]
    public async Task A_restarted_scheduler_adopts_running_processes_removes_one_off_runs_and_a_reconcile_without_the_app_stops_them()
    {
        Assert.True((await _scheduler!.DeployAsync(Spec(), CancellationToken.None)).Succeeded);
        var run = _scheduler.RunAsync(new RunRequest(Spec(), "sleep 600"), (_, _) => ValueTask.CompletedTask, CancellationToken.None);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await RunContainersAsync()).Length == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the run's container did not start");
            await Task.Delay(100);
        }

        _scheduler.Abandon(); // a crash: the containers keep running, the run's caller is gone
        _scheduler = PodmanFixture.Create(_dataDir, _logs!);

        var adopted = await _scheduler.ListAsync(_app, CancellationToken.None);
        Assert.Equal(["web.1"], adopted.Select(p => p.Name));
        Assert.Empty(await RunContainersAsync());
        Assert.Equal(137, (await run.WaitAsync(TimeSpan.FromSeconds(30))).ExitCode);

        await _scheduler.ReconcileAsync([], CancellationToken.None);

        Assert.Empty(await _scheduler.ListAsync(_app, CancellationToken.None));
        Assert.Equal("", (await PodmanFixture.PodmanAsync("ps", "--all", "--quiet", "--filter", $"label=io.paas.app={_app}")).Trim());
        Assert.NotEmpty(_logs!.Tail(_app, 10)); // the app may still exist: its logs stay
    }

    private async Task<string[]> RunContainersAsync() =>
        (await PodmanFixture.PodmanAsync("ps", "--all", "--quiet", "--filter", $"label=io.paas.app={_app}", "--filter", "label=io.paas.type=run"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private DeploymentSpec Spec(int release = 1) =>
        new(_app, release, PodmanFixture.Image, new Dictionary<string, string>(), new Dictionary<string, string> { ["web"] = PodmanFixture.WebCommand },
            new Dictionary<string, int> { ["web"] = 1 }, "cafe42");

    private async Task<JsonDocument> InspectAsync(string process)
    {
        var id = (await PodmanFixture.PodmanAsync("ps", "--quiet", "--filter", $"label=io.paas.app={_app}", "--filter", $"label=io.paas.process={process}")).Trim();
        using var all = JsonDocument.Parse(await PodmanFixture.PodmanAsync("container", "inspect", id));
        return JsonDocument.Parse(all.RootElement[0].GetRawText());
    }

    /// <summary>A pull credential with <paramref name="password"/> for the fixture's registry; null: the registry is not the platform's.</summary>
    private sealed class Pulls(string? password) : IAppPullCredentials
    {
        public RegistryPullCredential? For(string app, string registry) =>
            password is null ? null : new RegistryPullCredential(registry, Fixtures.TestRegistry.Username, password);
    }
}
