using System.Diagnostics;
using System.Net;
using System.Text;
using Paas.Testing.Kubernetes;
using Paas.Testing.Kubernetes.Kubelet.Podman;

namespace Paas.EndToEnd.Tests;

/// <summary>
/// Apps on Kubernetes, end to end: the real paasd with <c>PAAS_SCHEDULER=kubernetes</c> against the fake API server (no
/// cluster can run here; the fake answers as the recordings of real API servers show), whose node runs every pod as a
/// podman container on a loopback address of its own. The real git and <c>paas</c>, a Node.js app built on the stack into a
/// runnable image in paasd's registry, pulled by the node with the app's pull Secret, served through the router from the
/// EndpointSlices.
/// </summary>
public sealed class KubernetesTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Host = "hello.localhost";
    private readonly string _kubeconfig = Path.Combine(Path.GetTempPath(), $"paas-kubeconfig-{Guid.NewGuid():N}.yaml");
    private FakeKubernetesApiServer? _cluster;
    private PlatformSession? _platform;

    private PlatformSession Platform => _platform!;

    private FakeKubernetesApiServer Cluster => _cluster!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        ExternalTool.RequireOrSkip("podman");
        var stack = ExternalTool.StackOrSkip("the Kubernetes end-to-end tests");

        _cluster = await FakeKubernetesApiServer.StartAsync(new FakeKubernetesOptions
        {
            Kubelet = new PodmanFakeKubelet(new PodmanFakeKubeletOptions { CrashBackOffBase = TimeSpan.FromSeconds(1), ImagePullBackOffBase = TimeSpan.FromSeconds(1) }),
        });
        await File.WriteAllTextAsync(_kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {_cluster.Url.ToString().TrimEnd('/')}
            users:
            - name: paas
              user:
                token: {_cluster.Token}
            contexts:
            - name: fake
              context:
                cluster: fake
                user: paas
            current-context: fake
            """, Cancel);
        _platform = await PlatformSession.StartAsync(new Dictionary<string, string>
        {
            ["PAAS_SCHEDULER"] = "kubernetes",
            ["PAAS_KUBECONFIG"] = _kubeconfig,
            ["PAAS_STACK_IMAGE"] = stack,
            ["PAAS_DEPLOY_TIMEOUT"] = "120",
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        File.Delete(_kubeconfig);
    }

    [Fact]
    public async Task Push_serve_scale_config_rollback_run_logs_failed_release_and_destroy_on_kubernetes()
    {
        var clock = Stopwatch.StartNew();
        void Step(string what) => output.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0} s] {what}");

        await Platform.PaasOk(Platform.Home, "register", Platform.Url, "--username", "alice", "--password", "correct-horse-battery");
        var repo = await Platform.CheckOutExampleAsync("node-hello");
        await Platform.PaasOk(repo, "create", "hello");

        // A push deploys Deployments in the app's namespace; the router serves the pods from the EndpointSlices.
        var push = await Platform.GitOk(repo, TimeSpan.FromMinutes(4), "push", "paas", "master");
        var pushed = push.Out + push.Error;
        output.WriteLine(pushed);
        Assert.True(pushed.Contains("deployed", StringComparison.Ordinal), pushed);
        Step("pushed");
        var web = Cluster.Get("apps/v1", "Deployment", "paas-hello", "hello-web");
        Assert.NotNull(web);
        Assert.Equal(0, web["spec"]!["strategy"]!["rollingUpdate"]!["maxUnavailable"]!.GetValue<int>());
        Assert.Equal("hello-registry", web["spec"]!["template"]!["spec"]!["imagePullSecrets"]![0]!["name"]!.GetValue<string>());
        var first = await Platform.GetUntilAsync(Host, b => b.StartsWith("Hello from hello-web-", StringComparison.Ordinal), "'Hello from hello-web-...'", TimeSpan.FromSeconds(30));
        Assert.Contains("(node v22.", first, StringComparison.Ordinal);
        Step("served through the router");

        // scale web=3: three pods up, the router spreads requests over them.
        Assert.Contains("now running web at 3", await Platform.PaasOk(repo, "scale", "web=3"), StringComparison.Ordinal);
        var dynos = await DistinctDynosAsync(3, TimeSpan.FromSeconds(60));
        Assert.Equal(3, dynos.Count);
        var ps = await Platform.PaasOk(repo, "ps");
        Assert.Equal(3, ps.Split('\n').Count(l => l.StartsWith("web.", StringComparison.Ordinal) && l.Contains(" up ", StringComparison.Ordinal)));
        Step("scaled to 3");

        // logs -t follows the pods, new ones included.
        await using var tail = FollowLogs(repo);
        await Task.Delay(TimeSpan.FromSeconds(2), Cancel);
        static int Started(string output) => System.Text.RegularExpressions.Regex.Count(output, @"app\[web\.\d\]: node-hello listening on 5000");
        var startedBefore = Started(tail.Output); // the tail's history: the pods running now

        // config:set rolls the pods (maxUnavailable 0: the old ones serve until the new ones are ready).
        await Platform.PaasOk(repo, "config:set", "GREETING=Howdy");
        await Platform.GetUntilAsync(Host, b => b.StartsWith("Howdy from hello-web-", StringComparison.Ordinal), "'Howdy from ...'", TimeSpan.FromSeconds(30));
        await WaitForAsync(() => Started(tail.Output) >= startedBefore + 3, "logs -t shows the first line of each of the 3 new pods", TimeSpan.FromSeconds(30), () => tail.Output);
        Step("config:set rolled, logs -t followed the new pods");

        // rollback to v2 (the push's release): the old greeting again.
        Assert.Contains("done, v4", await Platform.PaasOk(repo, "rollback", "v2"), StringComparison.Ordinal);
        await Platform.GetUntilAsync(Host, b => b.StartsWith("Hello from hello-web-", StringComparison.Ordinal), "'Hello from ...' after the rollback", TimeSpan.FromSeconds(30));
        Step("rolled back");

        // paas run: a pod of its own, its output, its exit code.
        var (code, runOut, runErr) = await Platform.Paas(repo, "run", "echo hi from $PAAS_RELEASE; exit 3");
        Assert.True(code == 3, $"paas run exited {code}\n{runOut}\n{runErr}\n{PlatformSession.Tail(Platform.Paasd.Log)}");
        Assert.Contains("hi from v4", runOut, StringComparison.Ordinal);
        Assert.DoesNotContain(Cluster.List("v1", "Pod", "paas-hello"), p => p["metadata"]!["name"]!.GetValue<string>().StartsWith("hello-run-", StringComparison.Ordinal) && p["metadata"]!["deletionTimestamp"] is null);
        Step("paas run returned 3");

        // Piped standard input (no TTY: stdin is not a terminal) reaches the pod through an input-only attach.
        var piped = await ChildProcess.RunAsync("dotnet", [RepoPaths.PaasDll, "run", "read n; echo got $n"], repo, Platform.Environment(), Cancel, "x\n");
        Assert.True(piped.ExitCode == 0 && piped.Out == "got x\n", $"piped paas run: {piped.ExitCode}\n{piped.Out}\n{piped.Error}");
        Step("piped input reached the pod");

        // From a terminal: the pod gets a TTY of the caller's size, a resize reaches it, keys go in, the exit code comes back.
        await using (var terminal = await TerminalSession.StartAsync(
            $"dotnet '{RepoPaths.PaasDll}' run 'tty; stty size; while [ \"$(stty size)\" = \"30 100\" ]; do sleep 0.1; done; stty size; read x; echo \"got $x\"; exit 4'", 100, 30, repo, Platform.Environment(), Cancel))
        {
            await terminal.WaitForAsync("30 100\r\n", TimeSpan.FromSeconds(90), Cancel);
            await terminal.ResizeAsync(120, 40, Cancel);
            await terminal.WaitForAsync("40 120\r\n", TimeSpan.FromSeconds(30), Cancel); // the command waits for it
            await terminal.TypeAsync("hi\r");
            Assert.Equal(4, await terminal.ExitCodeAsync(TimeSpan.FromSeconds(60), Cancel));
            Assert.Matches(@"/dev/pts/\d+\r\n30 100\r\n40 120\r\nhi\r\ngot hi\r\n", terminal.Output);
        }

        Step("paas run from a terminal got a TTY");

        // A release that crashes is recorded as failed with the reason; the previous one keeps serving.
        await File.WriteAllTextAsync(Path.Combine(repo, "server.js"), "console.log('about to crash'); process.exit(3);\n", Cancel);
        await Platform.GitOk(repo, "commit", "-qam", "crash");
        var (pushCode, crashOut, crashErr) = await ChildProcess.RunAsync("git", ["push", "paas", "master"], repo, Platform.Environment(), Cancel, limit: TimeSpan.FromMinutes(4));
        output.WriteLine(crashOut + crashErr);
        Assert.NotEqual(0, pushCode);
        Assert.Contains("CrashLoopBackOff", crashErr, StringComparison.Ordinal);
        Assert.Contains("about to crash", crashErr, StringComparison.Ordinal);
        var (status, body) = await Platform.GetAsync(Host);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("Hello from hello-web-", body, StringComparison.Ordinal);
        Assert.Contains("failed", await Platform.PaasOk(repo, "releases"), StringComparison.Ordinal);
        Step("crashing release failed, the previous one serves");

        // apps:destroy deletes the namespace.
        await Platform.PaasOk(repo, "apps:destroy", "--confirm", "hello");
        Assert.Null(Cluster.Get("v1", "Namespace", "", "paas-hello"));
        Step("destroyed");
        Assert.Empty(Cluster.ControllerErrors);
    }

    private async Task<HashSet<string>> DistinctDynosAsync(int expected, TimeSpan within)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + within;
        while (seen.Count < expected && DateTime.UtcNow < deadline)
        {
            try
            {
                var (status, body) = await Platform.GetAsync(Host);
                if (status == HttpStatusCode.OK && body.Split(' ') is [_, "from", var dyno, ..])
                {
                    seen.Add(dyno);
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100, Cancel);
        }

        return seen;
    }

    private static async Task WaitForAsync(Func<bool> condition, string what, TimeSpan within, Func<string> context)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out: {what}\n{context()}");
            await Task.Delay(200, Cancel);
        }
    }

    private LogTail FollowLogs(string repo)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = repo };
        start.ArgumentList.Add(RepoPaths.PaasDll);
        start.ArgumentList.Add("logs");
        start.ArgumentList.Add("-t");
        foreach (var (name, value) in Platform.Environment())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return new LogTail(Process.Start(start)!);
    }

    /// <summary>A running <c>paas logs -t</c>, its output gathered as it comes.</summary>
    private sealed class LogTail : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        public LogTail(Process process)
        {
            _process = process;
            _process.OutputDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
            _process.ErrorDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
    }
}
