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
        ExternalTool.RequireOrSkip("podman");
        var stack = ExternalTool.StackOrSkip("the podman end-to-end tests");

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

            // Containers outlive paasd by design, so what a test did not destroy (a failed assertion, the Dockerfile test's
            // apps) is removed here: a container left behind keeps its port's DNAT rule in the kernel after its conmon is
            // gone, and that rule takes over any later listener on the port.
            foreach (var app in new[] { _app, "bob" + _app })
            {
                var left = await ExternalTool.RunRawAsync("podman", TimeSpan.FromMinutes(1), "ps", "--all", "--quiet", "--filter", $"label=io.paas.app={app}");
                var ids = left.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (ids.Length > 0)
                {
                    await ExternalTool.RunRawAsync("podman", TimeSpan.FromMinutes(1), ["rm", "--force", "--time", "0", .. ids]);
                }

                await ExternalTool.RunRawAsync("podman", TimeSpan.FromMinutes(1), "network", "rm", "--force", $"paas-{app}");
            }
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

        // limits:set is enforced (a new release: new containers with the cgroup limit), one-off processes' (run) too;
        // scale web=2 spreads requests.
        var limits = await Platform.PaasOk(repo, "limits:set", "web=256M", "run=128M");
        Assert.DoesNotContain("does not enforce", limits, StringComparison.Ordinal);
        Assert.Contains("now running web at 2", await Platform.PaasOk(repo, "scale", "web=2"), StringComparison.Ordinal);
        Assert.Equal(["web.1", "web.2"], await AnsweringProcessesAsync(2));
        var memory = await ChildProcess.RunAsync("podman", ["ps", "--filter", $"label=io.paas.app={_app}", "--filter", "label=io.paas.process=web.2", "--format", "{{.ID}}"], repo, NoEnvironment, Cancel);
        var inspected = await ChildProcess.RunAsync("podman", ["container", "inspect", "--format", "{{.HostConfig.Memory}} {{json .NetworkSettings.Networks}}", memory.Out.Trim()], repo, NoEnvironment, Cancel);
        Assert.StartsWith($"{256L * 1024 * 1024} ", inspected.Out, StringComparison.Ordinal);
        Assert.Contains($"\"paas-{_app}\"", inspected.Out, StringComparison.Ordinal);
        Step("limits enforced, scaled to 2 on the app's network");

        // paas run: a container of its own with the run limit (cgroup v2 or v1), its output, its exit code.
        var (code, runOut, runErr) = await Platform.Paas(repo, "run", "echo hi from $PAAS_RELEASE limit $(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes); exit 3");
        Assert.True(code == 3, $"paas run exited {code}\n{runOut}\n{runErr}\n{PlatformSession.Tail(Platform.Paasd.Log)}");
        Assert.Contains($"hi from v3 limit {128L * 1024 * 1024}", runOut, StringComparison.Ordinal);
        Step("paas run returned 3");

        // apps:destroy removes the containers and the network.
        await Platform.PaasOk(repo, "apps:destroy", "--confirm", _app);
        var left = await ChildProcess.RunAsync("podman", ["ps", "--all", "--quiet", "--filter", $"label=io.paas.app={_app}"], repo, NoEnvironment, Cancel);
        Assert.Equal("", left.Out.Trim());
        var network = await ChildProcess.RunAsync("podman", ["network", "exists", $"paas-{_app}"], repo, NoEnvironment, Cancel);
        Assert.NotEqual(0, network.ExitCode);
        Step("destroyed");
    }

    [Fact]
    public async Task A_Dockerfile_app_builds_with_buildah_serves_scales_and_rolls_back_in_containers()
    {
        var clock = Stopwatch.StartNew();
        void Step(string what) => output.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0} s] {what}");

        await Platform.PaasOk(Platform.Home, "register", Platform.Url, "--username", "alice", "--password", "correct-horse-battery");
        var repo = await Platform.CheckOutExampleAsync("dockerfile-hello");
        await Platform.PaasOk(repo, "create", _app);

        // A config var marked as a build argument reaches the Dockerfile's ARG; buildah's output streams to git as remote: lines.
        // A .slugignore naming the server does not keep it from the Dockerfile's COPY: it applies to buildpack builds only.
        await File.WriteAllTextAsync(Path.Combine(repo, ".slugignore"), "server.py\n", Cancel);
        await Platform.GitOk(repo, "add", ".slugignore");
        await Platform.GitOk(repo, "commit", "-qm", "slugignore");
        await Platform.PaasOk(repo, "config:set", "GREETING=Howdy", "PAAS_BUILD_ARGS=GREETING");
        var push = await Platform.GitOk(repo, TimeSpan.FromMinutes(4), "push", "paas", "master");
        var pushed = push.Out + push.Error;
        output.WriteLine(pushed);
        Assert.Contains($"remote: -----> Building {_app} from its Dockerfile (buildah)", pushed, StringComparison.Ordinal);
        Assert.Contains("remote:        STEP 1/", pushed, StringComparison.Ordinal);
        Assert.Contains("EXPOSE 8080/tcp: the web process listens on PORT 8080", pushed, StringComparison.Ordinal);
        Assert.Contains("Restored the 1 file(s) .slugignore removed", pushed, StringComparison.Ordinal);
        Assert.Contains("Default types for Dockerfile -> web", pushed, StringComparison.Ordinal);
        Assert.Contains("deployed", pushed, StringComparison.Ordinal);
        var first = await Platform.GetUntilAsync(Host, b => b.StartsWith("Howdy from web.1 ", StringComparison.Ordinal), "'Howdy from web.1 ...'", TimeSpan.FromSeconds(30));
        Assert.Contains("port 8080", first, StringComparison.Ordinal); // EXPOSE 8080 set PORT
        var released = System.Text.RegularExpressions.Regex.Match(pushed, @"Released (v[0-9]+)").Groups[1].Value;
        Step("pushed, built from the Dockerfile and served through the router: " + first.Trim());

        // Tenant boundary: a FROM is pulled with the pusher's own sign-in, so bob cannot start a build from alice's image.
        await Platform.PaasOk(repo, "register", Platform.Url, "--username", "bob", "--password", "bob-horse-battery");
        var bobHome = Directory.CreateTempSubdirectory("paas-bob-").FullName;
        var bob = Platform.Environment();
        bob["HOME"] = bobHome;
        var bobRepo = await Platform.CheckOutExampleAsync("dockerfile-hello");
        var tag = "git-" + (await Platform.GitOk(repo, "rev-parse", "HEAD")).Trim()[..7];
        await File.WriteAllTextAsync(Path.Combine(bobRepo, "Dockerfile"), $"FROM {_app}:{tag}\nCMD [\"python3\", \"/srv/hello/server.py\"]\n", Cancel);
        await Platform.GitOk(bobRepo, "commit", "-qam", "from alice's image");
        async Task<(int Code, string Out, string Error)> AsBob(string tool, params string[] args) =>
            await ChildProcess.RunAsync(tool == "git" ? "git" : "dotnet", tool == "git" ? args : [RepoPaths.PaasDll, .. args], bobRepo, bob, Cancel, limit: TimeSpan.FromMinutes(2));
        Assert.Equal(0, (await AsBob("paas", "login", Platform.Url, "--username", "bob", "--password", "bob-horse-battery")).Code);
        Assert.Equal(0, (await AsBob("paas", "create", "bob" + _app)).Code);
        var refused = await AsBob("git", "push", "paas", "master");
        Assert.True(refused.Code != 0, refused.Out + refused.Error);
        Assert.Contains("a FROM names an image you may not pull", refused.Error, StringComparison.Ordinal);
        Step("bob's build FROM alice's image was refused");

        // Scale: both processes answer.
        Assert.Contains("now running web at 2", await Platform.PaasOk(repo, "scale", "web=2"), StringComparison.Ordinal);
        Assert.Equal(["web.1", "web.2"], await AnsweringProcessesAsync(2));
        Step("scaled to 2");

        // A second push with a changed greeting: the unchanged steps come from the app's layer cache.
        await Platform.PaasOk(repo, "config:set", "GREETING=Bonjour");
        await File.AppendAllTextAsync(Path.Combine(repo, "server.py"), "# changed\n", Cancel);
        await Platform.GitOk(repo, "commit", "-qam", "change");
        var second = await Platform.GitOk(repo, TimeSpan.FromMinutes(4), "push", "paas", "master");
        output.WriteLine(second.Out + second.Error);
        await Platform.GetUntilAsync(Host, b => b.StartsWith("Bonjour from web.", StringComparison.Ordinal), "'Bonjour from web...'", TimeSpan.FromSeconds(30));
        Step("pushed again");

        // Rollback to the first build's release: its image serves again.
        await Platform.PaasOk(repo, "rollback", released);
        await Platform.GetUntilAsync(Host, b => b.StartsWith("Howdy from web.", StringComparison.Ordinal), "'Howdy from web...' after the rollback", TimeSpan.FromSeconds(30));
        Step($"rolled back to {released}");

        // Both apps destroyed: their containers, networks and build users (when paasd is root) go with them.
        var destroyed = await AsBob("paas", "apps:destroy", "-a", "bob" + _app, "--confirm", "bob" + _app);
        Assert.True(destroyed.Code == 0, destroyed.Out + destroyed.Error);
        await Platform.PaasOk(repo, "apps:destroy", "-a", _app, "--confirm", _app);
        Assert.Equal("", (await ChildProcess.RunAsync("podman", ["ps", "--all", "--quiet", "--filter", $"label=io.paas.app={_app}"], repo, NoEnvironment, Cancel)).Out.Trim());
        Assert.DoesNotContain(File.ReadAllLines("/etc/passwd"), l => l.StartsWith($"paas-build-{_app}:", StringComparison.Ordinal) || l.StartsWith($"paas-build-bob{_app}:", StringComparison.Ordinal));
        Step("destroyed");
    }

    /// <summary>The processes (<c>web.1</c>...) seen answering "GREETING from web.N ..." through the router, until <paramref name="count"/> have or 60 s pass, sorted.</summary>
    private async Task<IReadOnlyList<string>> AnsweringProcessesAsync(int count)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (seen.Count < count && DateTime.UtcNow < deadline)
        {
            var (status, body) = await Platform.GetAsync(Host);
            if (status == HttpStatusCode.OK && body.Split(' ') is [_, "from", var dyno, ..])
            {
                seen.Add(dyno);
            }

            await Task.Delay(100, Cancel);
        }

        return [.. seen.Order(StringComparer.Ordinal)];
    }
}
