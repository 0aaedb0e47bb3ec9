using System.Net;
using Paas.Client;
using Paas.Testing;
using Xunit;

namespace Paas.Controller.Tests;

/// <summary>A scheduler without terminals (the recording one here): <c>paas run</c> asking for a TTY is told, and runs without one.</summary>
public sealed class RunTtyRefusalTests
{
    [Fact]
    public async Task A_tty_asked_of_a_scheduler_without_one_is_refused_in_the_start_message()
    {
        await using var platform = await TestPlatform.StartAsync(Backend.Sqlite);
        var (alice, token) = await platform.UserAsync("alice");
        await (await alice.Post("/v2/apps", new AppCreateRequest("hello"))).Read<AppInfo>(HttpStatusCode.Created);
        await (await alice.Post("/v2/apps/hello/builds", new BuildCreateRequest("hello:1", new Dictionary<string, string> { ["web"] = "npm start" }))).Read<BuildInfo>(HttpStatusCode.Created);
        using var http = new HttpClient();
        var client = new PaasClient(http, new Uri(platform.ApiUrl), token);
        RunEvent? start = null;

        var final = await client.RunAttachedAsync("hello", new RunCreateRequest("bash", Tty: true), null, (_, _) => ValueTask.CompletedTask,
            new RunAttachOptions(s => { start = s; return ValueTask.CompletedTask; }), TestContext.Current.CancellationToken);

        Assert.Equal(new RunEvent(Tty: false, Notice: "the local scheduler gives one-off processes no terminal; running without one"), start);
        Assert.Equal("the recording scheduler runs no processes", final.FailureReason);
    }
}
