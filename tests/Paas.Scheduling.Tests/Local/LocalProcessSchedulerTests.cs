using System.Diagnostics;
using Paas.Scheduling.Local;
using Paas.Scheduling.Tests.Fixtures;

namespace Paas.Scheduling.Tests.Local;

public sealed class LocalProcessSchedulerTests
{
    private static readonly Dictionary<string, int> OneWorker = new() { ["worker"] = 1 };

    [Fact]
    public async Task A_process_gets_the_heroku_environment_and_nothing_of_the_platform()
    {
        await using var h = new LocalHarness(o => o.RunAsAppUsers = false);
        Environment.SetEnvironmentVariable("PAAS_TEST_PLATFORM_SECRET", "leak");
        var spec = h.Spec("envapp", 7, new Dictionary<string, string> { ["worker"] = "echo \"env $DYNO $PS $PAAS_APP $PAAS_RELEASE $SOURCE_VERSION $HOME $FOO $FROM_PROFILE [$PAAS_TEST_PLATFORM_SECRET] $(pwd)\"; echo \"path $PATH\"; grep SigIgn /proc/self/status; exec sleep 600" },
            OneWorker, new Dictionary<string, string> { ["FOO"] = "bar baz" });

        Assert.True((await h.Scheduler.DeployAsync(spec, CancellationToken.None)).Succeeded);

        await h.WaitForLogAsync("envapp", "app[worker.1]: path");
        var app = (await h.Slugs.PrepareAsync("fixture", LocalHarness.Image, CancellationToken.None)).AppDirectory;
        Assert.Contains(h.Lines("envapp"), l => l.EndsWith($"app[worker.1]: env worker.1 worker.1 envapp v7 cafe42 {app} bar baz profiled [] {app}", StringComparison.Ordinal));
        Assert.Contains(h.Lines("envapp"), l => l.Contains($"app[worker.1]: path {app}/bin:", StringComparison.Ordinal));

        // every signal handled as by default, whatever paasd inherited (started from a script's background job, SIGINT and
        // SIGQUIT arrive ignored, and Ctrl+C in `paas run` would do nothing): bits 1 and 2 of the mask are SIGINT and SIGQUIT
        await h.WaitForLogAsync("envapp", "app[worker.1]: SigIgn:");
        var ignored = Convert.ToUInt64(h.Lines("envapp").Last(l => l.Contains("SigIgn:", StringComparison.Ordinal)).Split('\t', ' ')[^1], 16);
        Assert.Equal(0UL, ignored & 0b110);
    }

    [Fact]
    public async Task Stop_escalates_to_sigkill_after_the_grace_period_and_reaches_children()
    {
        await using var h = new LocalHarness(o => o.StopGracePeriod = TimeSpan.FromSeconds(1));
        var spec = h.Spec("stubborn", 1, new Dictionary<string, string> { ["worker"] = "trap 'echo ignoring TERM' TERM; (sleep 600 & echo child $!; wait) ; while true; do sleep 0.1; done" }, OneWorker);
        Assert.True((await h.Scheduler.DeployAsync(spec, CancellationToken.None)).Succeeded);
        await h.WaitForLogAsync("stubborn", "app[worker.1]: child ");
        var child = int.Parse(h.Lines("stubborn").First(l => l.Contains("app[worker.1]: child ", StringComparison.Ordinal)).Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture);

        var watch = Stopwatch.StartNew();
        await h.Scheduler.DestroyAsync("stubborn", CancellationToken.None);

        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        await Task.Delay(200);
        Assert.False(File.Exists($"/proc/{child}/stat") && !File.ReadAllText($"/proc/{child}/stat").Contains(") Z ", StringComparison.Ordinal), "the child survived");
    }

    [Fact]
    public async Task A_web_process_that_exits_during_boot_fails_the_deploy_with_its_status()
    {
        await using var h = new LocalHarness();
        var spec = h.Spec("exits", 1, new Dictionary<string, string> { ["web"] = "echo no; exit 4" }, new Dictionary<string, int> { ["web"] = 1 });

        var result = await h.Scheduler.DeployAsync(spec, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Matches(@"^web\.1 exited with status 4 before it listened on PORT \d+$", result.FailureReason);
        Assert.Empty(await h.Scheduler.ListAsync("exits", CancellationToken.None));
    }

    [Fact]
    public async Task A_missing_slug_fails_the_deploy_with_the_reason()
    {
        await using var h = new LocalHarness();
        var spec = h.Spec("noslug", 1, new Dictionary<string, string> { ["web"] = "x" }, new Dictionary<string, int> { ["web"] = 1 }, image: "127.0.0.1:5000/none@sha256:00");

        var result = await h.Scheduler.DeployAsync(spec, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("no such image", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_endpoint_feed_announces_changes()
    {
        await using var h = new LocalHarness();
        var changes = new List<string>();
        h.Scheduler.Changed += (_, app) => { lock (changes) { changes.Add(app); } };
        var before = h.Scheduler.Version;
        var spec = h.Spec("feed", 1, new Dictionary<string, string> { ["web"] = "node server.js" }, new Dictionary<string, int> { ["web"] = 2 });

        Assert.True((await h.Scheduler.DeployAsync(spec, CancellationToken.None)).Succeeded);

        var endpoints = h.Scheduler.GetEndpoints("feed");
        Assert.Equal(["web.1", "web.2"], endpoints.Select(e => e.Process));
        Assert.All(endpoints, e => Assert.Equal("127.0.0.1", e.Host));
        Assert.NotEqual(endpoints[0].Port, endpoints[1].Port);
        Assert.True(h.Scheduler.Version > before);
        lock (changes)
        {
            Assert.Contains("feed", changes);
        }
    }

    [Fact]
    public async Task Slugs_no_running_release_needs_are_pruned_after_a_deploy()
    {
        await using var h = new LocalHarness();
        var spec = h.Spec("prune", 1, new Dictionary<string, string> { ["worker"] = "exec sleep 600" }, OneWorker);

        Assert.True((await h.Scheduler.DeployAsync(spec, CancellationToken.None)).Succeeded);

        lock (h.Slugs.Prunes)
        {
            Assert.Equal([LocalHarness.Image], h.Slugs.Prunes[^1]);
        }
    }

    [Fact]
    public async Task Run_forwards_input_and_a_detached_run_writes_to_the_logs()
    {
        await using var h = new LocalHarness();
        var spec = h.Spec("runner", 2, new Dictionary<string, string>(), new Dictionary<string, int>());
        var lines = new List<string>();

        var attached = await h.Scheduler.RunAsync(
            new RunRequest(spec, "read a; read b; echo \"got $a+$b\"", Input: new MemoryStream("one\ntwo\n"u8.ToArray())),
            (l, _) => { lines.Add(l); return ValueTask.CompletedTask; },
            CancellationToken.None);
        var detached = await h.Scheduler.RunAsync(new RunRequest(spec, "echo in the background", Detached: true), (l, _) => { lines.Add(l); return ValueTask.CompletedTask; }, CancellationToken.None);

        Assert.Equal(0, attached.ExitCode);
        Assert.Equal(["got one+two"], lines);
        Assert.Equal(0, detached.ExitCode);
        Assert.Contains(h.Lines("runner"), l => l.EndsWith($"app[{detached.Name}]: in the background", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Raw_output_shows_a_prompt_without_a_newline_at_once_with_the_streams_apart()
    {
        await using var h = new LocalHarness();
        var spec = h.Spec("prompt", 1, new Dictionary<string, string>(), new Dictionary<string, int>());
        var stdin = new System.IO.Pipelines.Pipe();
        var output = new System.Text.StringBuilder();
        var errors = new System.Text.StringBuilder();
        var prompted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var run = h.Scheduler.RunAsync(
            new RunRequest(spec, "printf 'name: '; read n; echo \"hi $n\"; echo oops >&2", Input: stdin.Reader.AsStream(), RawOutput: (chunk, _) =>
            {
                lock (output)
                {
                    (chunk.Stream == RunOutputStream.StandardOutput ? output : errors).Append(System.Text.Encoding.UTF8.GetString(chunk.Bytes.Span));
                    if (output.ToString() == "name: ")
                    {
                        prompted.TrySetResult();
                    }
                }

                return ValueTask.CompletedTask;
            }),
            (_, _) => throw new InvalidOperationException("raw output does not go line by line"),
            CancellationToken.None);

        // The prompt shows before any input is given (bash's own read -p prints one only when its input is a terminal).
        await prompted.Task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        await stdin.Writer.WriteAsync("ann\n"u8.ToArray(), TestContext.Current.CancellationToken);
        var result = await run.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("name: hi ann\n", output.ToString());
        Assert.Equal("oops\n", errors.ToString());
    }

    [Fact]
    public async Task A_run_that_never_reads_its_input_ends_without_waiting_for_the_input_to_close()
    {
        await using var h = new LocalHarness();
        var spec = h.Spec("noinput", 1, new Dictionary<string, string>(), new Dictionary<string, int>());
        var stdin = new System.IO.Pipelines.Pipe();
        var watch = Stopwatch.StartNew();

        var result = await h.Scheduler.RunAsync(new RunRequest(spec, "exit 3", Input: stdin.Reader.AsStream()), (_, _) => ValueTask.CompletedTask, CancellationToken.None);

        Assert.Equal(3, result.ExitCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1.5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task The_boot_timeout_comes_from_the_app_config_var()
    {
        await using var h = new LocalHarness(o => o.BootTimeout = TimeSpan.FromMinutes(5));
        var spec = h.Spec("slow", 1, new Dictionary<string, string> { ["web"] = "exec sleep 600" }, new Dictionary<string, int> { ["web"] = 1 },
            new Dictionary<string, string> { [LocalRuntimeOptions.BootTimeoutConfigVar] = "0.5" });
        var watch = Stopwatch.StartNew();

        var result = await h.Scheduler.DeployAsync(spec, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Matches(@"^web\.1 did not listen on PORT \d+ within 0\.5 s$", result.FailureReason);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Contains(h.Lines("slow"), l => l.Contains("paas[web.1]: Error R10 (Boot failure)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_web_process_with_a_health_check_path_is_up_only_once_it_answers_it()
    {
        await using var h = new LocalHarness();
        var healthy = """
            const http = require('http'); const start = Date.now();
            http.createServer((req, res) => { res.statusCode = req.url === '/health' && !process.env.NEVER && Date.now() - start > 700 ? 200 : 503; res.end('x'); })
              .listen(process.env.PORT, '127.0.0.1');
            """;
        File.WriteAllText(Path.Combine((await h.Slugs.PrepareAsync("fixture", LocalHarness.Image, CancellationToken.None)).AppDirectory!, "health.js"), healthy);
        var config = new Dictionary<string, string> { [LocalRuntimeOptions.HealthCheckPathConfigVar] = "/health", [LocalRuntimeOptions.BootTimeoutConfigVar] = "1.5" };
        var web = new Dictionary<string, int> { ["web"] = 1 };
        var watch = Stopwatch.StartNew();

        var ok = await h.Scheduler.DeployAsync(h.Spec("health", 1, new Dictionary<string, string> { ["web"] = "node health.js" }, web, config), CancellationToken.None);

        Assert.True(ok.Succeeded, ok.FailureReason);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(600), "up before its health check passed");
        var bad = await h.Scheduler.DeployAsync(h.Spec("health", 2, new Dictionary<string, string> { ["web"] = "NEVER=1 node health.js" }, web, config), CancellationToken.None);
        Assert.False(bad.Succeeded);
        Assert.Matches(@"^web\.1 did not answer its health check /health on PORT \d+ within 1\.5 s$", bad.FailureReason);
        Assert.Equal(1, Assert.Single(await h.Scheduler.ListAsync("health", CancellationToken.None)).Release);
    }

    [Fact]
    public async Task A_release_health_check_takes_its_path_and_interval_before_the_config_var()
    {
        await using var h = new LocalHarness();
        var healthy = """
            const http = require('http'); const start = Date.now();
            http.createServer((req, res) => { res.statusCode = req.url === '/ready' && !process.env.NEVER && Date.now() - start > 700 ? 200 : 503; res.end('x'); })
              .listen(process.env.PORT, '127.0.0.1');
            """;
        File.WriteAllText(Path.Combine((await h.Slugs.PrepareAsync("fixture", LocalHarness.Image, CancellationToken.None)).AppDirectory!, "ready.js"), healthy);
        // The config var names a path that never answers 200: the release's check of web must win over it.
        var config = new Dictionary<string, string> { [LocalRuntimeOptions.HealthCheckPathConfigVar] = "/health", [LocalRuntimeOptions.BootTimeoutConfigVar] = "2.5" };
        var web = new Dictionary<string, int> { ["web"] = 1 };
        var checks = new Dictionary<string, Paas.Domain.HealthCheck> { ["web"] = new("/ready", TimeoutSeconds: 1, IntervalSeconds: 1) };
        var watch = Stopwatch.StartNew();

        var ok = await h.Scheduler.DeployAsync(h.Spec("ready", 1, new Dictionary<string, string> { ["web"] = "node ready.js" }, web, config) with { HealthChecks = checks }, CancellationToken.None);

        Assert.True(ok.Succeeded, ok.FailureReason);
        // Checked when it first listens (503), then once a second: up at the second check, not at 700 ms.
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(950), $"checked before its interval passed ({watch.Elapsed})");
        var bad = await h.Scheduler.DeployAsync(h.Spec("ready", 2, new Dictionary<string, string> { ["web"] = "NEVER=1 node ready.js" }, web, config) with { HealthChecks = checks }, CancellationToken.None);
        Assert.False(bad.Succeeded);
        Assert.Matches(@"^web\.1 did not answer its health check /ready on PORT \d+ within 2\.5 s$", bad.FailureReason);
    }

    [Fact]
    public async Task A_redeploy_never_leaves_the_app_without_an_answering_endpoint()
    {
        await using var h = new LocalHarness(o => (o.StopGracePeriod, o.EndpointDrainDelay) = (TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(300)));
        var types = new Dictionary<string, string> { ["web"] = "node server.js" };
        var web = new Dictionary<string, int> { ["web"] = 2 };
        Assert.True((await h.Scheduler.DeployAsync(h.Spec("zero", 1, types, web), CancellationToken.None)).Succeeded);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        using var stop = new CancellationTokenSource();
        var empty = 0;
        var answered = new List<string>();
        var failures = 0;
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var endpoints = h.Scheduler.GetEndpoints("zero");
                if (endpoints.Count == 0)
                {
                    empty++;
                }
                else
                {
                    try
                    {
                        answered.Add(await http.GetStringAsync($"http://127.0.0.1:{endpoints[0].Port}/"));
                    }
                    catch (HttpRequestException)
                    {
                        failures++;
                    }
                }

                await Task.Delay(5);
            }
        });

        var result = await h.Scheduler.DeployAsync(h.Spec("zero", 2, types, web), CancellationToken.None);
        await Task.Delay(200);
        await stop.CancelAsync();
        await sampler;

        Assert.True(result.Succeeded, result.FailureReason);
        Assert.Equal(0, empty);
        Assert.Equal(0, failures); // old processes keep serving for the drain delay after they left the feed
        Assert.Contains(answered, a => a.StartsWith("v1 ", StringComparison.Ordinal));
        Assert.StartsWith("v2 ", answered[^1], StringComparison.Ordinal);
        Assert.Equal(["v1", "v2"], answered.Select(a => a[..2]).Distinct());
    }

    [Fact]
    public async Task The_crash_back_off_doubles_up_to_its_cap()
    {
        await using var h = new LocalHarness(o => (o.CrashBackoffInitial, o.CrashBackoffMax) = (TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400)));
        Assert.True((await h.Scheduler.DeployAsync(h.Spec("backoff", 1, new Dictionary<string, string> { ["worker"] = "exit 1" }, OneWorker), CancellationToken.None)).Succeeded);

        await h.WaitForLogAsync("backoff", "restarting in 0.4 s");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (h.Lines("backoff").Count(l => l.Contains("restarting in", StringComparison.Ordinal)) < 5)
        {
            Assert.True(DateTime.UtcNow < deadline);
            await Task.Delay(50);
        }

        var delays = h.Lines("backoff").Where(l => l.Contains("restarting in", StringComparison.Ordinal)).Select(l => l[(l.LastIndexOf("in ", StringComparison.Ordinal) + 3)..]).Take(5);
        Assert.Equal(["0.1 s", "0.2 s", "0.4 s", "0.4 s", "0.4 s"], delays);
    }
}
