using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Paas.Client;
using Paas.Testing;
using Xunit;

namespace Paas.Controller.Tests;

/// <summary>Limits and health checks (part of a release) and autoscaling (per app, applied through the scheduler).</summary>
public sealed class LimitsApiTests
{
    private static readonly Dictionary<string, string> Types = new() { ["web"] = "npm start", ["worker"] = "node w.js" };

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task Limits_make_releases_reach_the_scheduler_and_come_back_with_a_rollback(string backend)
    {
        await using var platform = await TestPlatform.StartAsync(backend);
        var (alice, _) = await platform.UserAsync("alice");
        await (await alice.Post("/v2/apps", new AppCreateRequest("hello"))).Read<AppInfo>(HttpStatusCode.Created);
        await (await alice.Post("/v2/apps/hello/limits", new LimitsUpdateRequest(new Dictionary<string, string?> { ["web"] = "512M" }))).Problem(HttpStatusCode.BadRequest, "has no build yet");
        await (await alice.Post("/v2/apps/hello/builds", new BuildCreateRequest("hello:1", Types))).Read<BuildInfo>(HttpStatusCode.Created); // v2

        var empty = await alice.Get<LimitsInfo>("/v2/apps/hello/limits");
        Assert.Empty(empty.Limits);
        Assert.False(empty.Enforced);
        Assert.Contains("the local scheduler records these limits but does not enforce them", empty.Note, StringComparison.Ordinal);

        var set = await (await alice.Post("/v2/apps/hello/limits", new LimitsUpdateRequest(
            new Dictionary<string, string?> { ["web"] = "512M", ["worker"] = "1g", ["run"] = "2G" },
            new Dictionary<string, string?> { ["web"] = "500m" }))).Read<LimitsInfo>(HttpStatusCode.Created);
        Assert.Equal(3, set.Release);
        Assert.Equal(new ProcessLimitsInfo("512M", "500m"), set.Limits["web"]);
        Assert.Equal(new ProcessLimitsInfo("1G", null), set.Limits["worker"]);
        Assert.Equal(new ProcessLimitsInfo("2G", null), set.Limits["run"]); // one-off processes (paas run), as heroku run --size
        var running = platform.Scheduler.Running("hello")!;
        Assert.Equal(3, running.Release);
        Assert.Equal(512L << 20, running.Limits["web"].MemoryBytes);
        Assert.Equal(500, running.Limits["web"].CpuMillicores);
        Assert.Equal(2L << 30, running.Limits["run"].MemoryBytes);
        var releases = await alice.Get<PagedList<ReleaseInfo>>("/v2/apps/hello/releases");
        Assert.Equal("alice changed limits run=2G, web=512M, worker=1G, cpu web=500m", releases.Results[0].Summary);

        // Problems say what was wrong and give an example; a type the build does not declare names the types it has.
        var bad = await (await alice.Post("/v2/apps/hello/limits", new LimitsUpdateRequest(new Dictionary<string, string?> { ["web"] = "lots", ["clock"] = "1G" }))).Problem(HttpStatusCode.BadRequest, "'lots' is not a memory limit");
        Assert.Contains("like 512M", bad.Detail, StringComparison.Ordinal);
        Assert.Contains("no process type 'clock' (its types are web, worker; 'run' sizes one-off processes)", bad.Detail, StringComparison.Ordinal);
        await (await alice.Post("/v2/apps/hello/limits", new LimitsUpdateRequest(Cpu: new Dictionary<string, string?> { ["web"] = "65" }))).Problem(HttpStatusCode.BadRequest, "out of range");
        await (await alice.Post("/v2/apps/hello/limits", new LimitsUpdateRequest(new Dictionary<string, string?> { ["web"] = "512M" }))).Problem(HttpStatusCode.Conflict, "nothing changed");
        await (await alice.Post("/v2/apps/hello/limits", new LimitsUpdateRequest())).Problem(HttpStatusCode.BadRequest, "no limits given");

        // Config changes and deploys keep the limits; a rollback restores those of its target.
        await (await alice.Post("/v2/apps/hello/config", new ConfigUpdateRequest(new Dictionary<string, string?> { ["A"] = "1" }))).Read<ConfigInfo>(HttpStatusCode.Created); // v4
        await (await alice.Post("/v2/apps/hello/builds", new BuildCreateRequest("hello:2", Types))).Read<BuildInfo>(HttpStatusCode.Created); // v5
        Assert.Equal("512M", (await alice.Get<LimitsInfo>("/v2/apps/hello/limits")).Limits["web"].Memory);
        var unset = await (await alice.Post("/v2/apps/hello/limits", new LimitsUpdateRequest(new Dictionary<string, string?> { ["web"] = null, ["worker"] = null, ["run"] = null }, new Dictionary<string, string?> { ["web"] = null }))).Read<LimitsInfo>(HttpStatusCode.Created); // v6
        Assert.Empty(unset.Limits);
        Assert.Empty(platform.Scheduler.Running("hello")!.Limits);
        Assert.Equal("alice removed limits run, web, worker, cpu web", (await alice.Get<ReleaseInfo>("/v2/apps/hello/releases/v6")).Summary);

        await (await alice.Post("/v2/apps/hello/releases/rollback", new RollbackRequest(5))).Read<ReleaseInfo>(HttpStatusCode.Created); // v7
        Assert.Equal("512M", (await alice.Get<LimitsInfo>("/v2/apps/hello/limits")).Limits["web"].Memory);
        Assert.Equal(512L << 20, platform.Scheduler.Running("hello")!.Limits["web"].MemoryBytes);
        var v7 = await alice.Get<ReleaseInfo>("/v2/apps/hello/releases/v7");
        Assert.Equal("500m", v7.Limits!["web"].Cpu);
        Assert.Equal("1", v7.Config!["A"]);
        Assert.Equal("1G", (await alice.Get<AppInfo>("/v2/apps/hello")).Limits!["worker"].Memory);
    }

    [Fact]
    public async Task Health_checks_make_releases_are_validated_and_come_back_with_a_rollback()
    {
        await using var platform = await TestPlatform.StartAsync();
        var (alice, _) = await platform.UserAsync("alice");
        await (await alice.Post("/v2/apps", new AppCreateRequest("hello"))).Read<AppInfo>(HttpStatusCode.Created);
        await (await alice.Post("/v2/apps/hello/builds", new BuildCreateRequest("hello:1", Types))).Read<BuildInfo>(HttpStatusCode.Created); // v2

        var set = await (await alice.Post("/v2/apps/hello/healthchecks", new HealthCheckSetRequest("web", "/health", IntervalSeconds: 10))).Read<HealthChecksInfo>(HttpStatusCode.Created); // v3
        Assert.Equal(new HealthCheckInfo("/health", 2, 10, 3), set.Healthchecks["web"]);
        Assert.Equal(new Paas.Domain.HealthCheck("/health", 2, 10, 3), platform.Scheduler.Running("hello")!.HealthChecks["web"]);
        Assert.Equal("alice set a health check on web", (await alice.Get<ReleaseInfo>("/v2/apps/hello/releases/v3")).Summary);
        Assert.Equal("/health", (await alice.Get<HealthChecksInfo>("/v2/apps/hello/healthchecks")).Healthchecks["web"].Path);
        Assert.Equal("/health", (await alice.Get<AppInfo>("/v2/apps/hello")).Healthchecks!["web"].Path);

        var bad = await (await alice.Post("/v2/apps/hello/healthchecks", new HealthCheckSetRequest("web", "health check", 0))).Problem(HttpStatusCode.BadRequest, "does not start with '/'");
        Assert.Contains("timeout 0 is out of range", bad.Detail, StringComparison.Ordinal);
        await (await alice.Post("/v2/apps/hello/healthchecks", new HealthCheckSetRequest("clock", "/"))).Problem(HttpStatusCode.BadRequest, "its types are web, worker");
        await (await alice.Post("/v2/apps/hello/healthchecks", new HealthCheckSetRequest("web", "/health", IntervalSeconds: 10))).Problem(HttpStatusCode.Conflict, "nothing changed");

        var removed = await (await alice.DeleteAsync("/v2/apps/hello/healthchecks/web")).Read<HealthChecksInfo>(); // v4
        Assert.Equal(4, removed.Release);
        Assert.Empty(platform.Scheduler.Running("hello")!.HealthChecks);
        Assert.Equal("alice removed the health check of web", (await alice.Get<ReleaseInfo>("/v2/apps/hello/releases/v4")).Summary);
        await (await alice.DeleteAsync("/v2/apps/hello/healthchecks/web")).Problem(HttpStatusCode.NotFound, "has no health check");

        await (await alice.Post("/v2/apps/hello/releases/rollback", new RollbackRequest(3))).Read<ReleaseInfo>(HttpStatusCode.Created); // v5
        Assert.Equal("/health", platform.Scheduler.Running("hello")!.HealthChecks["web"].Path);
        Assert.Equal("/health", (await alice.Get<ReleaseInfo>("/v2/apps/hello/releases/v5")).Healthchecks!["web"].Path);
    }

    [Fact]
    public async Task Autoscale_is_refused_on_a_scheduler_that_cannot_autoscale()
    {
        await using var platform = await TestPlatform.StartAsync();
        var (alice, _) = await platform.UserAsync("alice");
        await (await alice.Post("/v2/apps", new AppCreateRequest("hello"))).Read<AppInfo>(HttpStatusCode.Created);
        await (await alice.Post("/v2/apps/hello/builds", new BuildCreateRequest("hello:1", Types))).Read<BuildInfo>(HttpStatusCode.Created);

        using var put = await alice.PutAsJsonAsync("/v2/apps/hello/autoscale/web", new AutoscalePolicyInfo(2, 10, 70), PaasJson.Options);
        var refused = await put.Problem(HttpStatusCode.UnprocessableEntity, "autoscaling needs the Kubernetes scheduler (PAAS_SCHEDULER=kubernetes); this platform runs apps with the local scheduler");
        Assert.Equal("Unprocessable Content", refused.Title);
        var info = await alice.Get<AutoscaleInfo>("/v2/apps/hello/autoscale");
        Assert.False(info.Supported);
        Assert.Empty(info.Policies);
        Assert.Contains("needs the Kubernetes scheduler", info.Note, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await alice.Post("/v2/apps/hello/scale", new Dictionary<string, int> { ["web"] = 3 })).StatusCode);
    }

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task Autoscale_applies_at_once_and_scale_of_an_autoscaled_type_is_refused(string backend)
    {
        await using var platform = await TestPlatform.StartAsync(backend);
        platform.Scheduler.SupportsAutoscaling = true;
        var (alice, _) = await platform.UserAsync("alice");
        await (await alice.Post("/v2/apps", new AppCreateRequest("hello"))).Read<AppInfo>(HttpStatusCode.Created);
        await (await alice.Post("/v2/apps/hello/builds", new BuildCreateRequest("hello:1", Types))).Read<BuildInfo>(HttpStatusCode.Created);

        using (var put = await alice.PutAsJsonAsync("/v2/apps/hello/autoscale/web", new AutoscalePolicyInfo(2, 10, 70), PaasJson.Options))
        {
            var info = await put.Read<AutoscaleInfo>();
            Assert.True(info.Supported);
            Assert.Equal(new AutoscalePolicyInfo(2, 10, 70), info.Policies["web"]);
        }

        var running = platform.Scheduler.Running("hello")!;
        Assert.Equal(new Paas.Domain.AutoscalePolicy(2, 10, 70), running.Autoscale["web"]);
        Assert.Equal(2, running.Formation["web"]); // 1 kept inside the range
        Assert.StartsWith("scale hello", platform.Scheduler.Calls[^1], StringComparison.Ordinal);
        Assert.Equal(new AutoscalePolicyInfo(2, 10, 70), (await alice.Get<AppInfo>("/v2/apps/hello")).Autoscale!["web"]);

        await (await alice.Post("/v2/apps/hello/scale", new Dictionary<string, int> { ["web"] = 4, ["worker"] = 1 })).Problem(HttpStatusCode.Conflict, "web is autoscaled between 2 and 10 processes; run `paas autoscale:off web -a hello` first");
        Assert.Equal(HttpStatusCode.NoContent, (await alice.Post("/v2/apps/hello/scale", new Dictionary<string, int> { ["worker"] = 1 })).StatusCode);
        Assert.Equal(new Paas.Domain.AutoscalePolicy(2, 10, 70), platform.Scheduler.Running("hello")!.Autoscale["web"]);

        // Deploys keep the policies: they are not part of a release.
        await (await alice.Post("/v2/apps/hello/builds", new BuildCreateRequest("hello:2", Types))).Read<BuildInfo>(HttpStatusCode.Created);
        Assert.Equal(10, platform.Scheduler.Running("hello")!.Autoscale["web"].Max);

        using (var bad = await alice.PutAsJsonAsync("/v2/apps/hello/autoscale/web", new AutoscalePolicyInfo(5, 3, 101), PaasJson.Options))
        {
            var problem = await bad.Problem(HttpStatusCode.BadRequest, "min 5 and max 3 are out of range");
            Assert.Contains("cpu 101 is out of range", problem.Detail, StringComparison.Ordinal);
        }

        using (var unknown = await alice.PutAsJsonAsync("/v2/apps/hello/autoscale/clock", new AutoscalePolicyInfo(1, 3, 50), PaasJson.Options))
        {
            await unknown.Problem(HttpStatusCode.BadRequest, "no process type 'clock' (its types are web, worker)");
        }

        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync("/v2/apps/hello/autoscale/web")).StatusCode);
        Assert.Empty(platform.Scheduler.Running("hello")!.Autoscale);
        Assert.Equal(1, platform.Scheduler.Running("hello")!.Formation["web"]);
        await (await alice.DeleteAsync("/v2/apps/hello/autoscale/web")).Problem(HttpStatusCode.NotFound, "is not autoscaled");
        Assert.Equal(HttpStatusCode.NoContent, (await alice.Post("/v2/apps/hello/scale", new Dictionary<string, int> { ["web"] = 4 })).StatusCode);
    }

    [Fact]
    public async Task The_start_up_reconciliation_hands_over_limits_health_checks_and_policies()
    {
        await using var platform = await TestPlatform.StartAsync();
        platform.Scheduler.SupportsAutoscaling = true;
        var (alice, _) = await platform.UserAsync("alice");
        await (await alice.Post("/v2/apps", new AppCreateRequest("hello"))).Read<AppInfo>(HttpStatusCode.Created);
        await (await alice.Post("/v2/apps/hello/builds", new BuildCreateRequest("hello:1", Types))).Read<BuildInfo>(HttpStatusCode.Created);
        await (await alice.Post("/v2/apps/hello/limits", new LimitsUpdateRequest(new Dictionary<string, string?> { ["worker"] = "256M" }))).Read<LimitsInfo>(HttpStatusCode.Created);
        await (await alice.Post("/v2/apps/hello/healthchecks", new HealthCheckSetRequest("web", "/up"))).Read<HealthChecksInfo>(HttpStatusCode.Created);
        using (var put = await alice.PutAsJsonAsync("/v2/apps/hello/autoscale/worker", new AutoscalePolicyInfo(1, 3, 80), PaasJson.Options))
        {
            await put.Read<AutoscaleInfo>();
        }

        var reconciliation = platform.Services.GetServices<IHostedService>().Single(s => s.GetType().Name == "ReconciliationService");
        await reconciliation.StartAsync(CancellationToken.None);

        Assert.Equal("reconcile hello@v4", platform.Scheduler.Calls[^1]);
        var spec = platform.Scheduler.Running("hello")!;
        Assert.Equal(256L << 20, spec.Limits["worker"].MemoryBytes);
        Assert.Equal("/up", spec.HealthChecks["web"].Path);
        Assert.Equal(new Paas.Domain.AutoscalePolicy(1, 3, 80), spec.Autoscale["worker"]);
        Assert.Equal(1, spec.Formation["worker"]); // 0 kept inside the policy's range
    }
}
