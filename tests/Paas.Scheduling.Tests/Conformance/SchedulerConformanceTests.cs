using System.Diagnostics;

namespace Paas.Scheduling.Tests.Conformance;

/// <summary>
/// The scheduler conformance suite: every <see cref="IScheduler"/> runs it. Runtimes that run no processes (the recording
/// double) answer <see cref="RunsProcesses"/> false; the tests that need real processes then skip with that reason, and the
/// rest check the bookkeeping every runtime shares (names, releases, formation, failed deploys, recovery).
/// </summary>
public abstract class SchedulerConformanceTests : IAsyncLifetime
{
    protected const string Image = "127.0.0.1:5000/fixture@sha256:1111111111111111111111111111111111111111111111111111111111111111";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string _app = "app" + Guid.NewGuid().ToString("N")[..8];

    protected abstract bool RunsProcesses { get; }

    protected abstract IScheduler Scheduler { get; }

    /// <summary>The state a started process reaches: up where processes run or a node reports them ready, down for the recording double.</summary>
    protected virtual ProcessState Running => RunsProcesses ? ProcessState.Up : ProcessState.Down;

    /// <summary>Whether processes keep running while the platform is down (a cluster's do; the local runtime's stop with it).</summary>
    protected virtual bool ProcessesOutlivePlatform => false;

    /// <summary>
    /// Whether a restarted process keeps its name (the local runtime restarts <c>web.1</c> in place; on Kubernetes a
    /// restart is a new pod, which takes the lowest number free when it starts).
    /// </summary>
    protected virtual bool RestartKeepsNames => true;

    protected string App => _app;

    /// <summary>The web process type's command: a server that answers <c>RELEASE DYNO GREETING FROM_PROFILE</c> on <c>PORT</c> (the fixture slug's Node.js server by default).</summary>
    protected virtual string WebCommand => "node server.js";

    /// <summary>The image every release of the suite runs (<see cref="Image"/>, which the local runtime's fixture slug source maps to its slug).</summary>
    protected virtual string ReleaseImage => Image;

    /// <summary>Makes the next deploy of <paramref name="spec"/> fail to boot and returns the spec to deploy.</summary>
    protected abstract DeploymentSpec ArrangeFailingDeploy(DeploymentSpec spec);

    /// <summary>Simulates a platform crash and restart: the current scheduler is abandoned, a new one made over the same data.</summary>
    protected abstract Task RestartPlatformAsync();

    protected virtual IReadOnlyList<AppEndpoint> Endpoints() => [];

    protected virtual IReadOnlyList<string> Logs(string? process = null) => [];

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public virtual async ValueTask DisposeAsync()
    {
        await Scheduler.DestroyAsync(App, CancellationToken.None);
        GC.SuppressFinalize(this);
    }

    protected DeploymentSpec Spec(int release, int web = 1, int worker = 0, int crash = 0, IReadOnlyDictionary<string, string>? config = null) =>
        new(App, release, ReleaseImage, config ?? new Dictionary<string, string> { ["GREETING"] = "hi" },
            new Dictionary<string, string>
            {
                ["web"] = WebCommand,
                ["worker"] = "echo worker up; exec sleep 600",
                ["crash"] = "echo crashing; sleep 0.2; exit 3",
            },
            new Dictionary<string, int> { ["web"] = web, ["worker"] = worker, ["crash"] = crash },
            "abc123");

    [Fact]
    public async Task Deploy_runs_the_formation()
    {
        var result = await Scheduler.DeployAsync(Spec(1, web: 2, worker: 1), CancellationToken.None);

        Assert.True(result.Succeeded, result.FailureReason);
        var list = await Scheduler.ListAsync(App, CancellationToken.None);
        Assert.Equal(["web.1", "web.2", "worker.1"], list.Select(p => p.Name));
        Assert.All(list, p => Assert.Equal(1, p.Release));
        Assert.Equal(WebCommand, list[0].Command);
        Assert.All(list, p => Assert.Equal(Running, p.State));
        if (RunsProcesses)
        {
            var bodies = await GetAllAsync();
            Assert.Equal(["v1 web.1 hi profiled", "v1 web.2 hi profiled"], bodies.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task A_new_release_replaces_the_old_one()
    {
        Assert.True((await Scheduler.DeployAsync(Spec(1, web: 2), CancellationToken.None)).Succeeded);
        var result = await Scheduler.DeployAsync(Spec(2, web: 2), CancellationToken.None);

        Assert.True(result.Succeeded, result.FailureReason);
        if (RunsProcesses)
        {
            Assert.All(await GetAllAsync(), body => Assert.StartsWith("v2 ", body, StringComparison.Ordinal)); // traffic is switched when the deploy answers
        }

        // The old processes may still drain and stop after the deploy answered (listed as stopping); then they are gone.
        var list = await WaitForAsync(l => l.All(p => p.Release == 2));
        Assert.Equal(["web.1", "web.2"], list.Select(p => p.Name));
    }

    [Fact]
    public async Task A_failed_boot_keeps_the_old_release()
    {
        Assert.True((await Scheduler.DeployAsync(Spec(1, web: 1), CancellationToken.None)).Succeeded);
        var failing = ArrangeFailingDeploy(Spec(2, web: 1));

        var result = await Scheduler.DeployAsync(failing, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.False(string.IsNullOrWhiteSpace(result.FailureReason));
        var list = await Scheduler.ListAsync(App, CancellationToken.None);
        Assert.Equal(["web.1"], list.Select(p => p.Name));
        Assert.Equal(1, list[0].Release);
        Assert.Equal(Running, list[0].State);
        if (RunsProcesses)
        {
            Assert.Equal(["v1 web.1 hi profiled"], await GetAllAsync());
            Assert.Contains(Logs(), l => l.Contains("failed to boot", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Scale_up_and_down()
    {
        Assert.True((await Scheduler.DeployAsync(Spec(1, web: 1), CancellationToken.None)).Succeeded);

        await Scheduler.ScaleAsync(Spec(1, web: 3, worker: 1), CancellationToken.None);
        var up = await WaitForAsync(l => l.Count == 4 && l.All(p => p.State == Running));
        Assert.Equal(["web.1", "web.2", "web.3", "worker.1"], up.Select(p => p.Name));

        await Scheduler.ScaleAsync(Spec(1, web: 1, worker: 0), CancellationToken.None);
        var down = await Scheduler.ListAsync(App, CancellationToken.None);
        Assert.Equal(["web.1"], down.Select(p => p.Name));
        if (RunsProcesses)
        {
            Assert.Single(Endpoints());
            Assert.Contains(Logs(), l => l.Contains("paas[scheduler]: Scaled web to 3", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_crashed_process_is_restarted_with_back_off()
    {
        SkipUnlessProcesses();
        Assert.True((await Scheduler.DeployAsync(Spec(1, web: 0, crash: 1), CancellationToken.None)).Succeeded);

        await WaitForAsync(l => l.Any(p => p.State == ProcessState.Crashed));
        await WaitUntilAsync(() => Logs("crash").Count(l => l.Contains("app[crash.1]: crashing", StringComparison.Ordinal)) >= 3);
        var events = Logs("crash").Where(l => l.Contains("restarting in", StringComparison.Ordinal)).ToList();
        Assert.Contains(events, l => l.Contains("Process exited with status 3", StringComparison.Ordinal));
        Assert.True(events.Count >= 2);
        Assert.Contains("restarting in 0.2 s", events[0], StringComparison.Ordinal);
        Assert.Contains("restarting in 0.4 s", events[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rolling_restart_replaces_each_process_and_keeps_serving()
    {
        Assert.True((await Scheduler.DeployAsync(Spec(1, web: 2, worker: 1), CancellationToken.None)).Succeeded);
        var before = await Scheduler.ListAsync(App, CancellationToken.None);
        var ports = Endpoints().Select(e => e.Port).ToList();

        await Scheduler.RestartAsync(App, "web", CancellationToken.None);

        var after = await WaitForAsync(l => l.Count == 3 && l.All(p => p.State == Running));
        if (RestartKeepsNames)
        {
            Assert.Equal(before.Select(p => p.Name), after.Select(p => p.Name));
        }
        else
        {
            Assert.Equal(before.Select(p => p.Type), after.Select(p => p.Type));
            Assert.Equal(before[2], after[2]); // worker untouched
        }

        if (RunsProcesses)
        {
            Assert.True(after[0].StartedAt > before[0].StartedAt);
            Assert.True(after[1].StartedAt > before[1].StartedAt);
            Assert.Equal(before[2].StartedAt, after[2].StartedAt); // worker untouched
            Assert.Empty(Endpoints().Select(e => e.Port).Intersect(ports));
            Assert.Equal(2, (await GetAllAsync()).Count);
        }
    }

    [Fact]
    public async Task Logs_capture_process_output_and_platform_events()
    {
        SkipUnlessProcesses();
        Assert.True((await Scheduler.DeployAsync(Spec(1, web: 1, worker: 1), CancellationToken.None)).Succeeded);

        await WaitUntilAsync(() => Logs().Any(l => l.Contains("app[worker.1]: worker up", StringComparison.Ordinal)));
        await WaitUntilAsync(() => Logs().Any(l => l.Contains("app[web.1]: listening on", StringComparison.Ordinal)));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00 app\[web\.1\]: listening on \d+$", Logs().First(l => l.Contains("app[web.1]: listening", StringComparison.Ordinal)));
        Assert.Contains(Logs(), l => l.Contains("paas[scheduler]: Deploying v1", StringComparison.Ordinal));
        Assert.All(Logs("web"), l => Assert.Contains("[web.1]", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_streams_output_and_returns_the_exit_code()
    {
        SkipUnlessProcesses();
        var lines = new List<string>();

        var result = await Scheduler.RunAsync(
            new RunRequest(Spec(1), "echo hello $PAAS_APP $PAAS_RELEASE $FROM_PROFILE; hello-tool; echo oops >&2; exit 7"),
            (line, _) => { lock (lines) { lines.Add(line); } return ValueTask.CompletedTask; },
            CancellationToken.None);

        Assert.Null(result.FailureReason);
        Assert.Equal(7, result.ExitCode);
        Assert.False(result.TimedOut);
        Assert.StartsWith("run.", result.Name, StringComparison.Ordinal);
        Assert.Contains($"hello {App} v1 profiled", lines);
        Assert.Contains("tool-ran", lines);
        Assert.Contains("oops", lines);
    }

    [Fact]
    public async Task Processes_get_the_release_metadata_and_a_config_var_of_a_metadata_name_wins()
    {
        SkipUnlessProcesses();
        var lines = new List<string>();
        var spec = Spec(12, config: new Dictionary<string, string> { ["HEROKU_APP_NAME"] = "custom-name" }) with
        {
            AppId = "4f9c2b1e-8d3a-4c5b-9e7f-0a1b2c3d4e5f",
            ReleaseCreatedAt = new DateTimeOffset(2026, 12, 6, 18, 0, 42, TimeSpan.FromHours(1)),
            ReleaseSummary = "alice deployed abc123",
        };

        var result = await Scheduler.RunAsync(
            new RunRequest(spec, "echo \"meta $HEROKU_APP_ID|$HEROKU_APP_NAME|$HEROKU_RELEASE_VERSION|$HEROKU_RELEASE_CREATED_AT|$HEROKU_SLUG_COMMIT|$HEROKU_SLUG_DESCRIPTION\"; " +
                "echo \"workflow $WORKFLOW_RELEASE|$WORKFLOW_RELEASE_SUMMARY|$WORKFLOW_RELEASE_CREATED_AT\"; echo \"dyno $HEROKU_DYNO_ID\""),
            (line, _) => { lock (lines) { lines.Add(line); } return ValueTask.CompletedTask; },
            CancellationToken.None);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("meta 4f9c2b1e-8d3a-4c5b-9e7f-0a1b2c3d4e5f|custom-name|v12|2026-12-06T17:00:42Z|abc123|Deploy abc123", lines);
        Assert.Contains("workflow v12|alice deployed abc123|2026-12-06T17:00:42UTC", lines);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, "^dyno [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"));
    }

    [Fact]
    public async Task A_run_with_a_terminal_has_it_as_its_standard_streams_sized_and_resized()
    {
        SkipUnlessProcesses();
        Assert.SkipUnless(Scheduler.SupportsTty, $"{Scheduler.GetType().Name} gives no terminal");
        var output = new System.Text.StringBuilder();
        var keys = new System.IO.Pipelines.Pipe();
        var terminal = new RunTerminal(new WindowSize(100, 30), "vt100");
        var request = new RunRequest(Spec(1), "tty; stty size; echo $TERM; while [ \"$(stty size)\" = \"30 100\" ]; do sleep 0.1; done; stty size; read x; echo \"got $x\" >&2; exit 5", Input: keys.Reader.AsStream(), Terminal: terminal, RawOutput: (chunk, _) =>
        {
            Assert.Equal(RunOutputStream.StandardOutput, chunk.Stream); // one stream: the terminal
            lock (output)
            {
                output.Append(System.Text.Encoding.UTF8.GetString(chunk.Bytes.Span));
            }

            return ValueTask.CompletedTask;
        });

        var run = Scheduler.RunAsync(request, (_, _) => ValueTask.CompletedTask, CancellationToken.None);
        await WaitUntilAsync(() => { lock (output) { return output.ToString().Contains("vt100", StringComparison.Ordinal); } });
        terminal.Resize(new WindowSize(120, 40));
        await WaitUntilAsync(() => { lock (output) { return output.ToString().Contains("40 120", StringComparison.Ordinal); } });
        await keys.Writer.WriteAsync("hi\r"u8.ToArray());
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(5, result.ExitCode);
        // The whole output, escaped, in the message: xunit's Matches cuts the value short (one failure in CI, 2026-12-07).
        var text = output.ToString();
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(text, @"^/dev/pts/\d+\r\n30 100\r\nvt100\r\n40 120\r\nhi\r\ngot hi\r\n$"), $"terminal output: {System.Text.Json.JsonSerializer.Serialize(text)}");
    }

    [Fact]
    public async Task Run_ends_at_its_time_limit()
    {
        SkipUnlessProcesses();
        var watch = Stopwatch.StartNew();

        var result = await Scheduler.RunAsync(new RunRequest(Spec(1), "sleep 120", TimeSpan.FromSeconds(1)), (_, _) => ValueTask.CompletedTask, CancellationToken.None);

        Assert.True(result.TimedOut);
        Assert.Equal(137, result.ExitCode);
        // Far below the command's 120 s; the margin is for a container's start and removal on a loaded CI machine (16 s seen).
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(40), $"the run took {watch.Elapsed.TotalSeconds:0.#} s");
    }

    [Fact]
    public async Task The_platform_brings_back_what_should_run_after_a_restart()
    {
        var spec = Spec(3, web: 2, worker: 1);
        Assert.True((await Scheduler.DeployAsync(spec, CancellationToken.None)).Succeeded);
        var oldPorts = Endpoints().Select(e => e.Port).ToList();

        var before = await Scheduler.ListAsync(App, CancellationToken.None);
        await RestartPlatformAsync();
        if (ProcessesOutlivePlatform)
        {
            Assert.Equal(before.Select(p => (p.Name, p.StartedAt)), (await Scheduler.ListAsync(App, CancellationToken.None)).Select(p => (p.Name, p.StartedAt)));
        }
        else
        {
            Assert.Empty(await Scheduler.ListAsync(App, CancellationToken.None));
        }

        await Scheduler.ReconcileAsync([spec], CancellationToken.None);

        var list = await WaitForAsync(l => l.Count == 3 && l.All(p => p.State == Running));
        Assert.Equal(["web.1", "web.2", "worker.1"], list.Select(p => p.Name));
        Assert.All(list, p => Assert.Equal(3, p.Release));
        if (RunsProcesses)
        {
            Assert.Equal(2, (await GetAllAsync()).Count);
            foreach (var port in oldPorts.Except(Endpoints().Select(e => e.Port)))
            {
                Assert.False(await AnswersAsync(port), $"the previous platform's process on port {port} still runs");
            }
        }

        if (ProcessesOutlivePlatform)
        {
            Assert.Equal(before.Select(p => (p.Name, p.StartedAt)), list.Select(p => (p.Name, p.StartedAt))); // reconciling restarted nothing
        }

        await Scheduler.ReconcileAsync([], CancellationToken.None);
        Assert.Empty(await Scheduler.ListAsync(App, CancellationToken.None));
    }

    [Fact]
    public async Task Destroy_stops_everything()
    {
        Assert.True((await Scheduler.DeployAsync(Spec(1, web: 1, worker: 1), CancellationToken.None)).Succeeded);
        var ports = Endpoints().Select(e => e.Port).ToList();

        await Scheduler.DestroyAsync(App, CancellationToken.None);

        Assert.Empty(await Scheduler.ListAsync(App, CancellationToken.None));
        await WaitUntilAsync(() => Endpoints().Count == 0);
        if (RunsProcesses)
        {
            foreach (var port in ports)
            {
                Assert.False(await AnswersAsync(port));
            }
        }
    }

    protected void SkipUnlessProcesses()
    {
        if (!RunsProcesses)
        {
            Assert.Skip($"{Scheduler.GetType().Name} runs no processes");
        }
    }

    protected async Task<IReadOnlyList<ProcessStatus>> WaitForAsync(Func<IReadOnlyList<ProcessStatus>, bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var list = await Scheduler.ListAsync(App, CancellationToken.None);
            if (condition(list))
            {
                return list;
            }

            if (watch.Elapsed > Patience)
            {
                Assert.Fail("timed out; processes: " + string.Join(", ", list.Select(p => $"{p.Name}={p.State}@v{p.Release}")) + "\n" + string.Join('\n', Logs()));
            }

            await Task.Delay(50);
        }
    }

    protected static async Task WaitUntilAsync(Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < Patience, "timed out");
            await Task.Delay(50);
        }
    }

    private async Task<List<string>> GetAllAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var bodies = new List<string>();
        foreach (var endpoint in Endpoints())
        {
            bodies.Add(await http.GetStringAsync($"http://{endpoint.Host}:{endpoint.Port}/"));
        }

        return bodies;
    }

    private static async Task<bool> AnswersAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            await http.GetStringAsync($"http://127.0.0.1:{port}/");
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
