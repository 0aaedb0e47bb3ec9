using System.Diagnostics;
using System.Net;

namespace Paas.EndToEnd.Tests;

/// <summary>
/// Apps in containers on one machine, end to end: the real paasd with <c>PAAS_SCHEDULER=podman</c>, the real git and
/// <c>paas</c>, a Node.js app built on the stack into a runnable image in paasd's registry, pulled by podman with the app's
/// pull-only credential, run on the app's own network and served through the router from the port published on loopback.
/// </summary>
public sealed class PodmanTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> NoEnvironment = [];
    private readonly string _app = "pod" + Guid.NewGuid().ToString("N")[..6];
    private PlatformSession? _platform;

    private PlatformSession Platform => _platform!;

    private string Host => $"{_app}.localhost";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var stack = Environment.GetEnvironmentVariable("PAAS_TEST_STACK_IMAGE");
        if (string.IsNullOrEmpty(stack) || !File.Exists(Path.Combine(stack, "index.json")) || !File.Exists("/usr/bin/podman"))
        {
            var reason = "needs podman and the stack: export PAAS_TEST_STACK_IMAGE=$(stack/build.sh) (scripts/test.sh does)";
            Assert.True(Environment.GetEnvironmentVariable("CI") != "true", reason);
            Assert.Skip(reason);
        }

        _platform = await PlatformSession.StartAsync(new Dictionary<string, string>
        {
            ["PAAS_SCHEDULER"] = "podman",
            ["PAAS_STACK_IMAGE"] = stack,
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
        }
    }

    [Fact]
    public async Task Push_serve_scale_limits_run_and_destroy_in_containers()
    {
        var clock = Stopwatch.StartNew();
        void Step(string what) => output.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0} s] {what}");

        await Platform.PaasOk(Platform.Home, "register", Platform.Url, "--username", "alice", "--password", "correct-horse-battery");
        var repo = await Platform.CheckOutExampleAsync("node-hello");
        await Platform.PaasOk(repo, "create", _app);

        // A push builds an image on the stack; podman pulls it with the app's credential and the router serves the container.
        var push = await Platform.GitOk(repo, TimeSpan.FromMinutes(4), "push", "paas", "master");
        var pushed = push.Out + push.Error;
        output.WriteLine(pushed);
        Assert.True(pushed.Contains("deployed", StringComparison.Ordinal), pushed);
        var first = await Platform.GetUntilAsync(Host, b => b.StartsWith("Hello from web.1 ", StringComparison.Ordinal), "'Hello from web.1 ...'", TimeSpan.FromSeconds(30));
        Assert.Contains("(node v22.", first, StringComparison.Ordinal);
        Step("pushed and served through the router");

        // limits:set is enforced (a new release: new containers with the cgroup limit); scale web=2 spreads requests.
        var limits = await Platform.PaasOk(repo, "limits:set", "web=256M");
        Assert.DoesNotContain("does not enforce", limits, StringComparison.Ordinal);
        Assert.Contains("now running web at 2", await Platform.PaasOk(repo, "scale", "web=2"), StringComparison.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (seen.Count < 2 && DateTime.UtcNow < deadline)
        {
            var (status, body) = await Platform.GetAsync(Host);
            if (status == HttpStatusCode.OK && body.Split(' ') is [_, "from", var dyno, ..])
            {
                seen.Add(dyno);
            }

            await Task.Delay(100, Cancel);
        }

        Assert.Equal(["web.1", "web.2"], seen.Order(StringComparer.Ordinal));
        var memory = await ChildProcess.RunAsync("podman", ["ps", "--filter", $"label=io.paas.app={_app}", "--filter", "label=io.paas.process=web.2", "--format", "{{.ID}}"], repo, NoEnvironment, Cancel);
        var inspected = await ChildProcess.RunAsync("podman", ["container", "inspect", "--format", "{{.HostConfig.Memory}} {{json .NetworkSettings.Networks}}", memory.Out.Trim()], repo, NoEnvironment, Cancel);
        Assert.StartsWith($"{256L * 1024 * 1024} ", inspected.Out, StringComparison.Ordinal);
        Assert.Contains($"\"paas-{_app}\"", inspected.Out, StringComparison.Ordinal);
        Step("limits enforced, scaled to 2 on the app's network");

        // paas run: a container of its own, its output, its exit code.
        var (code, runOut, runErr) = await Platform.Paas(repo, "run", "echo hi from $PAAS_RELEASE; exit 3");
        Assert.True(code == 3, $"paas run exited {code}\n{runOut}\n{runErr}\n{PlatformSession.Tail(Platform.Paasd.Log)}");
        Assert.Contains("hi from v3", runOut, StringComparison.Ordinal);
        Step("paas run returned 3");

        // apps:destroy removes the containers and the network.
        await Platform.PaasOk(repo, "apps:destroy", "--confirm", _app);
        var left = await ChildProcess.RunAsync("podman", ["ps", "--all", "--quiet", "--filter", $"label=io.paas.app={_app}"], repo, NoEnvironment, Cancel);
        Assert.Equal("", left.Out.Trim());
        var network = await ChildProcess.RunAsync("podman", ["network", "exists", $"paas-{_app}"], repo, NoEnvironment, Cancel);
        Assert.NotEqual(0, network.ExitCode);
        Step("destroyed");
    }
}
