using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Paas.Client;
using Paas.Testing;
using Xunit;

namespace Paas.Builder.Tests;

/// <summary>
/// In paasd's default process (controller and builder together) the builder calls the controller's API in memory: a push's
/// calls (permission checks, config vars, the build record) go through the controller's pipeline with no loopback
/// connection, and the pipeline's checks still apply.
/// </summary>
public sealed class InProcessControllerTests
{
    [Fact]
    public async Task A_push_calls_the_controller_in_memory_and_its_checks_still_apply()
    {
        var seen = new ConcurrentQueue<(string Path, int LocalPort)>();
        var recording = false;
        await using var platform = await TestPlatform.StartAsync(
            settings: new Dictionary<string, string?> { ["Paas:RegistrationMode"] = "enabled", ["Builder:LocalBuildpacks"] = "true" },
            configureServices: services => services.AddSingleton<IStartupFilter>(new RecordRequests((path, port) =>
            {
                if (Volatile.Read(ref recording))
                {
                    seen.Enqueue((path, port));
                }
            })));
        var (_, alice) = await platform.UserAsync("alice");
        var (_, victor) = await platform.UserAsync("victor");
        using var http = new HttpClient();
        await new PaasClient(http, new Uri(platform.ApiUrl), alice).CreateAppAsync(new AppCreateRequest("inproc"));
        Assert.True(platform.Services.GetRequiredService<ControllerApi>().InProcess);
        using var repo = await GitClient.FromFixtureAsync("procfile-app");

        Volatile.Write(ref recording, true);
        var (code, output) = await repo.RunAsync("alice", alice, "push", $"{platform.ApiUrl}/inproc.git", "master");
        var refused = await repo.RunAsync("victor", victor, "push", $"{platform.ApiUrl}/inproc.git", "master");
        Volatile.Write(ref recording, false);

        Assert.True(code == 0, output);
        Assert.True(refused.Code != 0, refused.Output); // victor is not a collaborator: the in-memory permission check said no
        var api = seen.Where(r => r.Path.StartsWith("/v2/", StringComparison.Ordinal) && !r.Path.StartsWith("/v2/builder/", StringComparison.Ordinal)).ToList();
        Assert.Contains(api, r => r.Path.StartsWith("/v2/apps/inproc", StringComparison.Ordinal)); // the builder's calls were seen...
        Assert.All(api, r => Assert.Equal(0, r.LocalPort)); // ...and none came over a socket (Kestrel's requests have their port)
        Assert.Contains(seen, r => r.Path.EndsWith("/git-receive-pack", StringComparison.Ordinal) && r.LocalPort > 0); // git's own requests did
    }

    /// <summary>Records each request's path and local port (0 in memory) ahead of the platform's pipeline.</summary>
    private sealed class RecordRequests(Action<string, int> record) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, then) =>
            {
                record(context.Request.Path.Value ?? "", context.Features.Get<IHttpConnectionFeature>()?.LocalPort ?? 0);
                return then(context);
            });
            next(app);
        };
    }
}
