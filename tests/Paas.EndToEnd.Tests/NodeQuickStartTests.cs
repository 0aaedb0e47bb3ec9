using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Paas.EndToEnd.Tests;

/// <summary>
/// The README quick start with examples/node-hello (issue 7, steps 1 to 10) against the real <c>paasd</c>, with the
/// real git and <c>paas</c> binaries and HTTP through the router; then the zero-downtime check.
/// </summary>
public sealed partial class NodeQuickStartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Host = "hello.localhost";
    private PlatformSession? _platform;

    private PlatformSession Platform => _platform!;

    public async ValueTask InitializeAsync() => _platform = await PlatformSession.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
        }
    }

    [Fact]
    public async Task Quick_start_push_serve_scale_config_rollback_logs_run_domains_tls_destroy_and_zero_downtime()
    {
        var clock = Stopwatch.StartNew();
        void Step(string what) => output.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0} s] {what}");

        // 1. register: the first user becomes the platform admin.
        var register = await Platform.PaasOk(Platform.Home, "register", Platform.Url, "--username", "alice", "--password", "correct-horse-battery");
        Assert.True(register.Contains("(platform admin)", StringComparison.Ordinal) && register.Contains("Logged in as alice", StringComparison.Ordinal), $"paas register: {register}");

        // 2. a git repository of examples/node-hello, `paas create hello`, `git push paas master`.
        var repo = await Platform.CheckOutExampleAsync("node-hello");
        var create = await Platform.PaasOk(repo, "create", "hello");
        Assert.True(create.Contains("Creating hello... done", StringComparison.Ordinal) && create.Contains("Git remote paas added", StringComparison.Ordinal), $"paas create hello: {create}");
        Step("registered and created hello");

        var push = await Platform.GitOk(repo, TimeSpan.FromMinutes(3), "push", "paas", "master");
        var pushed = push.Out + push.Error;
        output.WriteLine("--- git push paas master ---\n" + pushed + "---");
        Assert.True(pushed.Contains("Node.js app detected", StringComparison.Ordinal), $"the build is streamed by git push:\n{pushed}");
        Assert.True(pushed.Contains("Build succeeded", StringComparison.Ordinal), $"git push paas master: the build succeeds:\n{pushed}");
        Assert.True(pushed.Contains($"http://{Host}:{Platform.Paasd.HttpPort} deployed", StringComparison.Ordinal), $"git push paas master ends with the app's URL:\n{pushed}");
        Step("pushed");

        // 3. the app answers through the router.
        var first = await Platform.GetUntilAsync(Host, b => b.StartsWith("Hello from web.1", StringComparison.Ordinal), "'Hello from web.1'");
        Assert.Contains("node v22.", first);

        // 4. scale web=4: four up processes; requests spread over them.
        var scale = await Platform.PaasOk(repo, "scale", "web=4");
        Assert.True(scale.Contains("now running web at 4", StringComparison.Ordinal), $"paas scale web=4: {scale}");
        await AssertPsAsync(repo, 4);
        // `paas ps` may show the new processes up a moment before the router's endpoint feed has them: allow 10 s.
        var dynos = new HashSet<string>();
        var spread = Stopwatch.StartNew();
        var requests = 0;
        while (dynos.Count < 2 && spread.Elapsed < TimeSpan.FromSeconds(10))
        {
            var (status, body) = await Platform.GetAsync(Host);
            Assert.True(status == HttpStatusCode.OK, $"GET / after scale: {(int)status} {body}");
            dynos.Add(Dyno(body));
            requests++;
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.True(dynos.Count >= 2, $"{requests} requests in the 10 s after scale web=4 (and ps showing 4 up) all reached {string.Join(", ", dynos)}\npaasd log (tail):\n{PlatformSession.Tail(Platform.Paasd.Log)}");
        Step($"scaled to 4; {requests} requests in {spread.Elapsed.TotalMilliseconds:0} ms reached {string.Join(", ", dynos)}");

        // 7. (first half) logs -n 50: build, release, scale and router lines and the app's own output.
        var logs = await Platform.PaasOk(repo, "logs", "-n", "50");
        foreach (var expected in new[] { "paas[builder]: Build started by alice (commit ", "paas[builder]: Build succeeded: v2 in ", "paas[api]: Release v2 created by alice: alice deployed ", "paas[scheduler]: Deploying v2 (web=1)", "paas[api]: Scaled to web=4", "paas[scheduler]: Scaled web to 4", "paas[router]: at=info method=GET path=\"/\" host=hello.localhost", "app[web.1]: node-hello listening on ", "GET / answered by web." })
        {
            Assert.True(logs.Contains(expected, StringComparison.Ordinal), $"paas logs -n 50 lacks '{expected}':\n{logs}");
        }

        // 5. config:set makes a new release; the answer shows the new value.
        var configSet = await Platform.PaasOk(repo, "config:set", "GREETING=hi");
        Assert.True(configSet.Contains("done, v3", StringComparison.Ordinal), $"paas config:set GREETING=hi makes v3: {configSet}");
        await Platform.GetUntilAsync(Host, b => b.StartsWith("hi from web.", StringComparison.Ordinal), "'hi from web.N'");

        // 6. releases v1..v3; rollback v2 (the release before the config change) makes v4 and answers as before.
        var releases = await Platform.PaasOk(repo, "releases");
        Assert.True(ReleaseVersions(releases).SequenceEqual(["v3", "v2", "v1"]), $"paas releases lists v3..v1:\n{releases}");
        Assert.True(releases.Contains("added GREETING", StringComparison.Ordinal) && releases.Contains("deployed ", StringComparison.Ordinal) && releases.Contains("created initial release", StringComparison.Ordinal), $"paas releases has Heroku-like summaries:\n{releases}");
        var rollback = await Platform.PaasOk(repo, "rollback", "v2");
        Assert.True(rollback.Contains("Rolling back hello to v2... done, v4", StringComparison.Ordinal), $"paas rollback v2: {rollback}");
        await Platform.GetUntilAsync(Host, b => b.StartsWith("Hello from web.", StringComparison.Ordinal), "'Hello from web.N' (as before GREETING=hi)");
        releases = await Platform.PaasOk(repo, "releases");
        Assert.True(ReleaseVersions(releases).SequenceEqual(["v4", "v3", "v2", "v1"]) && releases.Contains("rolled back to v2", StringComparison.Ordinal), $"paas releases after the rollback:\n{releases}");
        Step("config:set, releases, rollback");

        // 7. logs -t follows live (logs -n 50 was checked right after the scale, before the deploys filled it).
        var recent = await Platform.PaasOk(repo, "logs", "-n", "50");
        Assert.True(recent.Contains("paas[api]: Release v4 created by alice: alice rolled back to v2", StringComparison.Ordinal), $"paas logs -n 50 lacks the rollback's release line:\n{recent}");
        await AssertLogsFollowAsync(repo);
        Step("logs");

        // 8. one-off process with the app's Node.js.
        var version = await Platform.PaasOk(repo, "run", "node", "--version");
        Assert.True(Regex.IsMatch(version.Trim(), @"^v22\.\d+\.\d+$"), $"paas run node --version prints the engines.node (22.x) version: '{version}'");

        // 9. a custom domain and HTTPS by SNI with the platform's self-signed certificate.
        var domain = await Platform.PaasOk(repo, "domains:add", "www.example.test");
        Assert.True(domain.Contains("Adding www.example.test to hello... done", StringComparison.Ordinal), $"paas domains:add www.example.test: {domain}");
        await Platform.GetUntilAsync("www.example.test", b => b.StartsWith("Hello from web.", StringComparison.Ordinal), "the app for Host: www.example.test");
        var (tlsStatus, tlsBody) = await Platform.GetAsync(Host, https: true);
        Assert.True(tlsStatus == HttpStatusCode.OK && tlsBody.StartsWith("Hello from web.", StringComparison.Ordinal), $"GET https://{Host}:{Platform.Paasd.HttpsPort}/: {(int)tlsStatus} {tlsBody}");
        Step($"run {version.Trim()}, domain, https");

        // Zero downtime: a new push, scale, config:set and rollback under load.
        await ZeroDowntimeAsync(repo, Step);

        // 10. destroy: the processes stop and the URL answers 404.
        var ports = Regex.Matches(await Platform.PaasOk(repo, "logs", "-n", "1000"), @"on PORT (\d+)").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Distinct().ToList();
        var destroy = await Platform.PaasOk(repo, "apps:destroy", "hello", "--confirm", "hello");
        Assert.True(destroy.Contains("Destroying hello", StringComparison.Ordinal), $"paas apps:destroy hello --confirm hello: {destroy}");
        // The router's table follows the destroy within moments (right after it the app may answer 503 "not running").
        var gone = Stopwatch.StartNew();
        var (goneStatus, goneBody) = await Platform.GetAsync(Host);
        while (goneStatus != HttpStatusCode.NotFound && gone.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
            (goneStatus, goneBody) = await Platform.GetAsync(Host);
        }

        Assert.True(goneStatus == HttpStatusCode.NotFound, $"GET / with Host: {Host} 10 s after destroy: {(int)goneStatus} {goneBody}");
        Step($"404 {gone.Elapsed.TotalMilliseconds:0} ms after destroy");
        await AssertPortsClosedAsync(ports);
        Step("destroyed");
    }

    private async Task ZeroDowntimeAsync(string repo, Action<string> step)
    {
        var load = LoadRun.Start(Platform, Host);
        var done = new StringBuilder();
        try
        {
            await Task.Delay(1000, TestContext.Current.CancellationToken);
            var server = Path.Combine(repo, "server.js");
            await File.WriteAllTextAsync(server, (await File.ReadAllTextAsync(server, TestContext.Current.CancellationToken)).Replace("(node ${process.version})", "(node ${process.version}, build 2)", StringComparison.Ordinal), TestContext.Current.CancellationToken);
            await Platform.GitOk(repo, "commit", "-q", "-am", "build 2");
            var push = await Platform.GitOk(repo, TimeSpan.FromMinutes(2), "push", "paas", "master");
            Assert.True((push.Out + push.Error).Contains("Released v5", StringComparison.Ordinal), $"the second git push makes v5:\n{push.Error}");
            done.Append("push v5; ");
            await Platform.GetUntilAsync(Host, b => b.Contains("build 2", StringComparison.Ordinal), "the second build");
            Assert.Contains("now running web at 2", await Platform.PaasOk(repo, "scale", "web=2"));
            done.Append("scale web=2; ");
            Assert.Contains("done, v6", await Platform.PaasOk(repo, "config:set", "GREETING=howdy"));
            done.Append("config:set v6; ");
            await Platform.GetUntilAsync(Host, b => b.StartsWith("howdy", StringComparison.Ordinal), "'howdy'");
            Assert.Contains("done, v7", await Platform.PaasOk(repo, "rollback", "v5"));
            done.Append("rollback v5 -> v7");
            await Platform.GetUntilAsync(Host, b => b.StartsWith("Hello", StringComparison.Ordinal) && b.Contains("build 2", StringComparison.Ordinal), "'Hello ... build 2' after the rollback");
            await Task.Delay(2000, TestContext.Current.CancellationToken);
        }
        finally
        {
            await load.StopAsync();
        }

        var summary = load.Summary();
        step($"zero downtime ({done}): {summary}");
        Assert.True(load.Failures.Count == 0, $"requests failed during {done}: {summary}\npaasd log (tail):\n{PlatformSession.Tail(Platform.Paasd.Log)}");
        Assert.True(load.Slowest < TimeSpan.FromSeconds(30), $"a request took longer than the 30 s grace period: {summary}");
        Assert.True(load.Requests > 100, $"the load ran: {summary}");
    }

    private async Task AssertPsAsync(string repo, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var ps = await Platform.PaasOk(repo, "ps");
            var up = ps.Split('\n').Count(l => Regex.IsMatch(l, @"^web\.\d+:\s+up\s"));
            if (up == count && ps.Contains($"=== web ({count})", StringComparison.Ordinal))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"paas ps does not show {count} up web processes:\n{ps}");
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
    }

    private async Task AssertLogsFollowAsync(string repo)
    {
        var start = ChildProcess.StartInfo("dotnet", [RepoPaths.PaasDll, "logs", "-t"], repo, Platform.Environment());
        using var tail = Process.Start(start)!;
        var seen = new StringBuilder();
        var marker = $"/?follow={Guid.NewGuid():N}";
        var found = new TaskCompletionSource();
        tail.OutputDataReceived += (_, e) =>
        {
            lock (seen)
            {
                seen.AppendLine(e.Data);
            }

            if (e.Data?.Contains(marker, StringComparison.Ordinal) == true && e.Data.Contains("paas[router]", StringComparison.Ordinal))
            {
                found.TrySetResult();
            }
        };
        tail.BeginOutputReadLine();
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!found.Task.IsCompleted && DateTime.UtcNow < deadline && !tail.HasExited)
            {
                await Platform.GetAsync(Host, marker);
                await Task.WhenAny(found.Task, Task.Delay(1000, TestContext.Current.CancellationToken));
            }

            lock (seen)
            {
                Assert.True(found.Task.IsCompleted, $"paas logs -t did not show the router line of GET {marker} (exited: {tail.HasExited}):\n{seen}");
            }
        }
        finally
        {
            if (!tail.HasExited)
            {
                tail.Kill(entireProcessTree: true);
            }

            await tail.WaitForExitAsync();
        }
    }

    private static async Task AssertPortsClosedAsync(List<int> ports)
    {
        var deadline = DateTime.UtcNow.AddSeconds(40);
        while (true)
        {
            var open = new List<int>();
            foreach (var port in ports)
            {
                using var client = new System.Net.Sockets.TcpClient();
                try
                {
                    await client.ConnectAsync(IPAddress.Loopback, port, TestContext.Current.CancellationToken);
                    open.Add(port);
                }
                catch (System.Net.Sockets.SocketException)
                {
                    // Closed: the process is gone.
                }
            }

            if (open.Count == 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"after apps:destroy, app processes still listen on {string.Join(", ", open)} (of {string.Join(", ", ports)})");
            await Task.Delay(500, TestContext.Current.CancellationToken);
        }
    }

    private static string Dyno(string body) => DynoPattern().Match(body) is { Success: true } m ? m.Value : body;

    private static IEnumerable<string> ReleaseVersions(string releases) =>
        releases.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(' ')[0]);

    [GeneratedRegex(@"web\.\d+")]
    private static partial Regex DynoPattern();
}
