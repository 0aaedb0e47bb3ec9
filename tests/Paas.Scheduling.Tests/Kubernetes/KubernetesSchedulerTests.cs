using System.Diagnostics;
using Paas.Testing.Kubernetes.Kubelet;

namespace Paas.Scheduling.Tests.Kubernetes;

/// <summary>What the Kubernetes scheduler does beyond the conformance suite, against the fake API server and a scripted node.</summary>
public sealed class KubernetesSchedulerTests : IAsyncLifetime
{
    private const string Image = "127.0.0.1:5000/hello@sha256:1111111111111111111111111111111111111111111111111111111111111111";
    private readonly ScriptedFakeKubelet _kubelet = new();
    private readonly string _app = "k" + Guid.NewGuid().ToString("N")[..8];
    private FakeCluster? _cluster;

    private FakeCluster Cluster => _cluster!;

    private string Ns => "paas-" + _app;

    public async ValueTask InitializeAsync()
    {
        _kubelet.ScriptCommand("node server.js", new ContainerScript { LogLines = ["listening on 5000"], RunFor = TimeSpan.FromHours(1) });
        _kubelet.ScriptCommand("exit 3", new ContainerScript { LogLines = ["hi"], ExitCode = 3 });
        _kubelet.ScriptCommand("sleep 30", new ContainerScript { RunFor = TimeSpan.FromSeconds(30) });
        _kubelet.ScriptCommand("quick", new ContainerScript { LogLines = ["early"], ExitCode = 7, RunFor = TimeSpan.Zero });
        _kubelet.ScriptCommand("console", new ContainerScript
        {
            RunFor = TimeSpan.FromSeconds(30),
            Terminal = async (terminal, ct) =>
            {
                // What `stty size; read x; echo got $x; stty size` does on a terminal, after the gate saw a size.
                var size = await terminal.SizeOtherThanAsync(default, ct);
                await terminal.Output.WriteAsync($"size {size.Height} {size.Width}\n$ ");
                var line = await terminal.Input.ReadLineAsync(ct);
                await terminal.Output.WriteAsync($"got {line}\n");
                size = await terminal.SizeOtherThanAsync(size, ct);
                await terminal.Output.WriteAsync($"size {size.Height} {size.Width}\n");
                return 3;
            },
        });
        _kubelet.ScriptCommand("read name", new ContainerScript
        {
            RunFor = TimeSpan.FromSeconds(30),
            Attach = async (input, output, ct) =>
            {
                var line = await input.ReadLineAsync(ct);
                await output.WriteLineAsync("got: " + line);
                return 5;
            },
        });
        _cluster = await FakeCluster.StartAsync(_kubelet);
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task Pod_output_reaches_the_app_log_under_the_process_name()
    {
        Assert.True((await Cluster.Scheduler.DeployAsync(Spec(1, web: 2), CancellationToken.None)).Succeeded);

        await WaitUntilAsync(() => Logs().Count(l => l.Contains("listening on 5000", StringComparison.Ordinal)) == 2, () => string.Join('\n', Logs()));
        Assert.Contains(Logs(), l => l.Contains("app[web.1]: listening on 5000", StringComparison.Ordinal));
        Assert.Contains(Logs(), l => l.Contains("app[web.2]: listening on 5000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_returns_the_exit_code_and_output_and_deletes_its_pod()
    {
        var lines = new List<string>();

        var result = await Cluster.Scheduler.RunAsync(new RunRequest(Spec(1), "echo hi; exit 3"), (line, _) => { lines.Add(line); return ValueTask.CompletedTask; }, CancellationToken.None);

        Assert.Null(result.FailureReason);
        Assert.Equal(3, result.ExitCode);
        Assert.StartsWith("run.", result.Name, StringComparison.Ordinal);
        Assert.Equal(["hi"], lines);
        var pod = Cluster.Server.Requests.Single(r => r.Method == "POST" && r.Path.EndsWith("/pods", StringComparison.Ordinal));
        Assert.Contains("\"restartPolicy\":\"Never\"", pod.Body, StringComparison.Ordinal);
        Assert.Contains("\"activeDeadlineSeconds\":3600", pod.Body, StringComparison.Ordinal);
        await WaitUntilAsync(() => !Cluster.Server.List("v1", "Pod", Ns).Any(p => p["metadata"]!["name"]!.GetValue<string>().Contains("-run-", StringComparison.Ordinal)), () => "the run's pod is still there");
    }

    [Fact]
    public async Task Run_forwards_standard_input_through_attach()
    {
        var lines = new List<string>();
        using var input = new MemoryStream("alice\n"u8.ToArray());

        var result = await Cluster.Scheduler.RunAsync(new RunRequest(Spec(1), "read name; echo got: $name; exit 5", Input: input), (line, _) => { lines.Add(line); return ValueTask.CompletedTask; }, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(result.FailureReason is null, result.FailureReason + "\n" + string.Join('\n', Logs()));
        Assert.Equal(5, result.ExitCode);
        Assert.Equal(["got: alice"], lines);
        var pod = Cluster.Server.Requests.Single(r => r.Method == "POST" && r.Path.EndsWith("/pods", StringComparison.Ordinal));
        Assert.Contains("\"stdinOnce\":true", pod.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_with_a_tty_attaches_to_a_tty_pod_sends_sizes_and_keys_and_returns_the_terminal_and_the_exit_code()
    {
        var output = new System.Text.StringBuilder();
        var seen = new SemaphoreSlim(0);
        var keys = new System.IO.Pipelines.Pipe();
        var terminal = new RunTerminal(new WindowSize(80, 24), "xterm-256color");
        var request = new RunRequest(Spec(1), "console", Input: keys.Reader.AsStream(), Terminal: terminal, RawOutput: (chunk, _) =>
        {
            Assert.Equal(RunOutputStream.StandardOutput, chunk.Stream);
            lock (output)
            {
                output.Append(System.Text.Encoding.UTF8.GetString(chunk.Bytes.Span));
            }

            seen.Release();
            return ValueTask.CompletedTask;
        });

        Assert.True(Cluster.Scheduler.SupportsTty);
        var run = Cluster.Scheduler.RunAsync(request, (_, _) => ValueTask.CompletedTask, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        await WaitForOutputAsync("$ ");
        await keys.Writer.WriteAsync("hi\n"u8.ToArray());
        await WaitForOutputAsync("got hi");
        terminal.Resize(new WindowSize(100, 30));
        var result = await run;

        Assert.True(result.FailureReason is null, result.FailureReason + "\n" + string.Join('\n', Logs()));
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("size 24 80\r\n$ got hi\r\nsize 30 100\r\n", output.ToString());
        var pod = Cluster.Server.Requests.Single(r => r.Method == "POST" && r.Path.EndsWith("/pods", StringComparison.Ordinal));
        Assert.Contains("\"stdin\":true,\"stdinOnce\":true", pod.Body, StringComparison.Ordinal);
        Assert.Contains("\"tty\":true", pod.Body, StringComparison.Ordinal);
        Assert.Contains("{\"name\":\"TERM\",\"value\":\"xterm-256color\"}", pod.Body, StringComparison.Ordinal);
        Assert.Contains("stty size", pod.Body, StringComparison.Ordinal); // the gate before the command
        Assert.Contains("\"paas.io/command\":\"console\"", pod.Body, StringComparison.Ordinal); // the annotation keeps the command as given
        var attach = Assert.Single(Cluster.Server.Requests, r => r.Path.EndsWith("/attach", StringComparison.Ordinal));
        Assert.Equal(("1", "1", "1", "0"), (attach.QueryValue("tty"), attach.QueryValue("stdin"), attach.QueryValue("stdout"), attach.QueryValue("stderr"))); // KubernetesClient's booleans
        Assert.DoesNotContain(Cluster.Server.Requests, r => r.Path.EndsWith("/log", StringComparison.Ordinal)); // output from the attach

        async Task WaitForOutputAsync(string text)
        {
            while (true)
            {
                lock (output)
                {
                    if (output.ToString().Contains(text, StringComparison.Ordinal))
                    {
                        return;
                    }
                }

                Assert.True(await seen.WaitAsync(TimeSpan.FromSeconds(20)), "no " + text + " in " + output);
            }
        }
    }

    [Fact]
    public async Task A_tty_run_whose_container_ended_before_the_attach_gets_its_output_from_the_log()
    {
        var output = new System.Text.StringBuilder();
        var request = new RunRequest(Spec(1), "quick", Input: new MemoryStream(), Terminal: new RunTerminal(new WindowSize(80, 24)), RawOutput: (chunk, _) =>
        {
            output.Append(System.Text.Encoding.UTF8.GetString(chunk.Bytes.Span));
            return ValueTask.CompletedTask;
        });

        var result = await Cluster.Scheduler.RunAsync(request, (_, _) => ValueTask.CompletedTask, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal((7, "early\n"), (result.ExitCode, output.ToString()));
        Assert.Contains(Logs(), l => l.Contains("The terminal could not be attached", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_quota_refusal_names_the_quota()
    {
        Cluster.Server.RefuseCreates("apps", "deployments", "exceeded quota: compute, requested: pods=1, used: pods=10, limited: pods=10");

        var result = await Cluster.Scheduler.DeployAsync(Spec(1), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("a Kubernetes resource quota refused it", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ends_at_its_time_limit()
    {
        var watch = Stopwatch.StartNew();

        var result = await Cluster.Scheduler.RunAsync(new RunRequest(Spec(1), "sleep 30", TimeSpan.FromSeconds(1)), (_, _) => ValueTask.CompletedTask, CancellationToken.None);

        Assert.True(result.TimedOut, result.ToString());
        Assert.Equal(137, result.ExitCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task A_missing_permission_fails_the_deploy_with_the_verb_and_resource()
    {
        Cluster.Server.Deny("patch", "apps", "deployments");

        var result = await Cluster.Scheduler.DeployAsync(Spec(1), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("lacks a permission", result.FailureReason, StringComparison.Ordinal);
        Assert.Contains("\"deployments\"", result.FailureReason, StringComparison.Ordinal);
        Assert.Contains("rbac.yaml", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_api_server_is_a_sentence_not_a_stack_trace()
    {
        var port = Paas.Testing.LoopbackPort.Free(); // nothing listens there
        var client = new k8s.Kubernetes(new k8s.KubernetesClientConfiguration { Host = $"http://127.0.0.1:{port}", AccessToken = "t" });
        await using var scheduler = new Paas.Kubernetes.KubernetesScheduler(client, Microsoft.Extensions.Options.Options.Create(Cluster.Options), Cluster.Logs, new AnyImages(), null, Microsoft.Extensions.Logging.Abstractions.NullLogger<Paas.Kubernetes.KubernetesScheduler>.Instance);

        var result = await scheduler.DeployAsync(Spec(1), CancellationToken.None);
        var list = await Assert.ThrowsAsync<SchedulerUnavailableException>(() => scheduler.ListAsync(_app, CancellationToken.None));

        Assert.False(result.Succeeded);
        Assert.Contains("cannot be reached", result.FailureReason, StringComparison.Ordinal);
        Assert.True(list.IsTransient);
    }

    [Fact]
    public async Task Nodes_pull_from_the_registry_host_they_can_reach_with_the_apps_pull_credential()
    {
        Cluster.Options.RegistryHostForNodes = "127.0.0.1:5555";
        try
        {
            Assert.True((await Cluster.Scheduler.DeployAsync(Spec(1), CancellationToken.None)).Succeeded);
        }
        finally
        {
            Cluster.Options.RegistryHostForNodes = null;
        }

        var web = Cluster.Server.Get("apps/v1", "Deployment", Ns, _app + "-web")!;
        Assert.Equal("127.0.0.1:5555/hello@sha256:1111111111111111111111111111111111111111111111111111111111111111", web["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        var secret = Cluster.Server.Get("v1", "Secret", Ns, _app + "-registry")!;
        var config = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(secret["data"]![".dockerconfigjson"]!.GetValue<string>()));
        Assert.Contains("\"127.0.0.1:5555\"", config, StringComparison.Ordinal);
        Assert.Contains("paas-pull+" + _app, config, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_in_another_registry_is_pulled_as_named_with_the_apps_login_there_never_the_platforms_credential()
    {
        const string External = "registry.example.com/team/shop:1";
        Cluster.Options.RegistryHostForNodes = "127.0.0.1:5555";
        try
        {
            Assert.True((await Cluster.Scheduler.DeployAsync(Spec(1) with { Image = External }, CancellationToken.None)).Succeeded);
            Assert.Null(Cluster.Server.Get("v1", "Secret", Ns, _app + "-registry")); // no login: pulled anonymously, no platform credential

            Cluster.Logins.Set(_app, "Registry.Example.com", "robot", "pa55word");
            Assert.True((await Cluster.Scheduler.DeployAsync(Spec(2) with { Image = External }, CancellationToken.None)).Succeeded);
        }
        finally
        {
            Cluster.Options.RegistryHostForNodes = null;
        }

        var web = Cluster.Server.Get("apps/v1", "Deployment", Ns, _app + "-web")!;
        Assert.Equal(External, web["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        var secret = Cluster.Server.Get("v1", "Secret", Ns, _app + "-registry")!;
        var config = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(secret["data"]![".dockerconfigjson"]!.GetValue<string>()));
        Assert.Contains("\"registry.example.com\"", config, StringComparison.Ordinal);
        Assert.Contains("\"robot\"", config, StringComparison.Ordinal);
        Assert.DoesNotContain("paas-pull", config, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Destroy_deletes_the_namespace()
    {
        Assert.True((await Cluster.Scheduler.DeployAsync(Spec(1), CancellationToken.None)).Succeeded);

        await Cluster.Scheduler.DestroyAsync(_app, CancellationToken.None);

        Assert.Null(Cluster.Server.Get("v1", "Namespace", "", Ns));
    }

    [Fact]
    public async Task A_second_deploy_of_the_same_release_writes_nothing_new()
    {
        Assert.True((await Cluster.Scheduler.DeployAsync(Spec(1, web: 2), CancellationToken.None)).Succeeded);
        var version = Cluster.Server.Get("apps/v1", "Deployment", Ns, _app + "-web")!["metadata"]!["resourceVersion"]!.GetValue<string>();

        await Cluster.Scheduler.ReconcileAsync([Spec(1, web: 2)], CancellationToken.None);

        Assert.Equal(version, Cluster.Server.Get("apps/v1", "Deployment", Ns, _app + "-web")!["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_object_written_is_valid_by_the_recorded_openapi_documents()
    {
        Assert.True((await Cluster.Scheduler.DeployAsync(Spec(1, web: 2) with { Autoscale = new Dictionary<string, Domain.AutoscalePolicy> { ["worker"] = new(1, 3, 60) } }, CancellationToken.None)).Succeeded);

        var writes = Cluster.Server.Requests.Where(r => r.Method is "PATCH" or "POST" or "PUT").ToList();
        Assert.NotEmpty(writes);
        Assert.All(writes, w => Assert.True(w.Status < 400, $"{w.Method} {w.Path}: {w.Status}"));
    }

    private sealed class AnyImages : Paas.Kubernetes.Images.IImageInspector
    {
        public Task<Paas.Kubernetes.Images.ImageStart> InspectAsync(string image, CancellationToken cancellationToken) => Task.FromResult(Paas.Kubernetes.Images.ImageStart.Unknown);
    }

    private DeploymentSpec Spec(int release, int web = 1) =>
        new(_app, release, Image, new Dictionary<string, string> { ["GREETING"] = "hi" },
            new Dictionary<string, string> { ["web"] = "node server.js", ["worker"] = "node worker.js" },
            new Dictionary<string, int> { ["web"] = web, ["worker"] = 0 },
            "abc1234");

    private List<string> Logs() => [.. Cluster.Logs.Tail(_app, 1500).Select(l => l.ToString())];

    private static async Task WaitUntilAsync(Func<bool> condition, Func<string> context)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "timed out: " + context());
            await Task.Delay(50);
        }
    }
}
