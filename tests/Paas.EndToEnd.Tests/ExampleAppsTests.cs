using System.Diagnostics;

namespace Paas.EndToEnd.Tests;

/// <summary>
/// The static and .NET examples through the same steps, shorter: push, serve, config:set, rollback.
/// </summary>
public sealed class ExampleAppsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private PlatformSession? _platform;

    private PlatformSession Platform => _platform!;

    public async ValueTask InitializeAsync()
    {
        _platform = await PlatformSession.StartAsync();
        await Platform.PaasOk(Platform.Home, "register", Platform.Url, "--username", "alice", "--password", "correct-horse-battery");
    }

    public async ValueTask DisposeAsync()
    {
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
        }
    }

    [Fact]
    public async Task Static_site_push_serve_config_set_and_rollback()
    {
        var repo = await PushAsync("static-site", "site", "Static HTML app detected", TimeSpan.FromMinutes(2));
        await Platform.GetUntilAsync("site.localhost", b => b.Contains("Hello from a static site on paas", StringComparison.Ordinal), "index.html");
        var (status, css) = await Platform.GetAsync("site.localhost", "/style.css");
        Assert.True(status == System.Net.HttpStatusCode.OK && css.Contains("font-family", StringComparison.Ordinal), $"GET /style.css: {(int)status} {css}");

        var configSet = await Platform.PaasOk(repo, "config:set", "GREETING=hi");
        Assert.True(configSet.Contains("done, v3", StringComparison.Ordinal), $"paas config:set GREETING=hi: {configSet}");
        await Platform.GetUntilAsync("site.localhost", b => b.Contains("Hello from a static site", StringComparison.Ordinal), "index.html after config:set");
        var rollback = await Platform.PaasOk(repo, "rollback", "v2");
        Assert.True(rollback.Contains("Rolling back site to v2... done, v4", StringComparison.Ordinal), $"paas rollback v2: {rollback}");
        await Platform.GetUntilAsync("site.localhost", b => b.Contains("Hello from a static site", StringComparison.Ordinal), "index.html after rollback");
        Assert.Contains("GREETING", await Platform.PaasOk(repo, "releases"));
        Assert.Equal("=== site Config Vars\n", await Platform.PaasOk(repo, "config"));
    }

    [Fact]
    public async Task Dotnet_app_push_serve_config_set_and_rollback()
    {
        // dotnet publish (restore included) takes a while on the first push.
        var repo = await PushAsync("dotnet-hello", "dotnethello", ".NET app detected", TimeSpan.FromMinutes(5));
        await Platform.GetUntilAsync("dotnethello.localhost", b => b.StartsWith("Hello from web.1 (.NET 10.", StringComparison.Ordinal), "'Hello from web.1 (.NET 10...)'", TimeSpan.FromSeconds(30));

        var configSet = await Platform.PaasOk(repo, "config:set", "GREETING=hi");
        Assert.True(configSet.Contains("done, v3", StringComparison.Ordinal), $"paas config:set GREETING=hi: {configSet}");
        await Platform.GetUntilAsync("dotnethello.localhost", b => b.StartsWith("hi from web.1", StringComparison.Ordinal), "'hi from web.1'", TimeSpan.FromSeconds(30));
        var rollback = await Platform.PaasOk(repo, "rollback", "v2");
        Assert.True(rollback.Contains("Rolling back dotnethello to v2... done, v4", StringComparison.Ordinal), $"paas rollback v2: {rollback}");
        await Platform.GetUntilAsync("dotnethello.localhost", b => b.StartsWith("Hello from web.1", StringComparison.Ordinal), "'Hello from web.1' after the rollback", TimeSpan.FromSeconds(30));
    }

    private async Task<string> PushAsync(string example, string app, string detected, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        var repo = await Platform.CheckOutExampleAsync(example);
        var create = await Platform.PaasOk(repo, "create", app);
        Assert.True(create.Contains("Git remote paas added", StringComparison.Ordinal), $"paas create {app}: {create}");
        var push = await Platform.GitOk(repo, limit, "push", "paas", "master");
        var pushed = push.Out + push.Error;
        output.WriteLine($"--- git push paas master ({example}, {clock.Elapsed.TotalSeconds:0.0} s) ---\n{pushed}---");
        Assert.True(pushed.Contains(detected, StringComparison.Ordinal), $"git push of {example} detects '{detected}':\n{pushed}");
        Assert.True(pushed.Contains($"http://{app}.localhost:{Platform.Paasd.HttpPort} deployed", StringComparison.Ordinal), $"git push of {example} ends with the app's URL:\n{pushed}");
        return repo;
    }
}
