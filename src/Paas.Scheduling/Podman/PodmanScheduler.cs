using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paas.Scheduling.Local;
using Paas.Scheduling.Logs;
using PodmanApp = Paas.Scheduling.Local.AppRuntime<Paas.Scheduling.Podman.ContainerRelease, Paas.Scheduling.Podman.Container>;

namespace Paas.Scheduling.Podman;

/// <summary>
/// The podman scheduler (<c>PAAS_SCHEDULER=podman</c>): each process of a release is a container of the release's image on
/// this machine, run by podman with the runtime of <see cref="PodmanOptions.Runtime"/> (see <see cref="Container"/> for one
/// container's life, <see cref="ContainerCommand"/> for what it gets). It keeps the local runtime's rules (environment,
/// boot and health checks, crash back-off, drain, the log store) and adds what containers give:
/// <list type="bullet">
/// <item>each app's containers on a network of their own, <c>paas-APP</c> (<c>podman network create -o isolate=true</c>: no
/// traffic between apps' networks); a web container's <c>PORT</c> (5000) is published on 127.0.0.1 only, at a port podman
/// picks, which is the endpoint the router gets: the app is reachable from outside only through the router;</item>
/// <item>limits: <c>paas limits:set</c> memory and CPU as <c>--memory</c>/<c>--cpus</c> (cgroups);</item>
/// <item>containers outlive paasd: each carries labels (<see cref="ContainerLabels"/>: platform, app, release, process), and a
/// paasd that starts adopts the running ones (follows their logs and exit) and removes the rest (exited containers, one-off
/// runs whose caller is gone); <see cref="ReconcileAsync"/> then keeps, replaces or removes them.</item>
/// </list>
/// </summary>
public sealed partial class PodmanScheduler : IScheduler, IEndpointFeed, IAsyncDisposable
{
    private const string Scheduler = "paas[scheduler]";
    private readonly LocalRuntimeOptions _options;
    private readonly PodmanOptions _podman;
    private readonly PodmanCli _cli;
    private readonly PodmanImages _images;
    private readonly IAppLogStore _logs;
    private readonly ILogger<PodmanScheduler> _logger;
    private readonly string _platform;
    private readonly ConcurrentDictionary<string, PodmanApp> _apps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _imagesInFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _pulled = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposing = new();
    private readonly Task _adopted;
    private readonly ConcurrentDictionary<Task, byte> _background = new();
    private long _version;

    /// <summary>Creates the scheduler and, in the background, adopts the containers a previous paasd of this platform left running.</summary>
    /// <param name="options">The settings shared with the local runtime (data folder, boot timeout, grace, back-off).</param>
    /// <param name="podman">The podman settings.</param>
    /// <param name="logs">Where log lines go.</param>
    /// <param name="logger">The platform's own log.</param>
    /// <param name="pulls">The per-app pull credentials for the platform's registry, or null to pull it anonymously.</param>
    /// <param name="logins">Apps' logins to other registries, or null.</param>
    public PodmanScheduler(IOptions<LocalRuntimeOptions> options, IOptions<PodmanOptions> podman, IAppLogStore logs, ILogger<PodmanScheduler> logger,
        IAppPullCredentials? pulls = null, IAppRegistryLogins? logins = null)
    {
        _options = options.Value;
        _podman = podman.Value;
        _logs = logs;
        _logger = logger;
        _cli = new PodmanCli(_podman);
        _images = new PodmanImages(_cli, _podman, pulls, logins);
        _platform = _podman.PlatformId is { Length: > 0 } id ? id : ContainerLabels.DefaultPlatformId(_options.DataDirectory);
        _adopted = Task.Run(AdoptAsync);
    }

    /// <summary>
    /// True: a one-off run with a TTY runs <c>podman run --tty</c> on a pseudo-terminal of this machine (the local runtime's
    /// <see cref="PseudoTerminal"/>), which podman copies to and from the container's terminal and resizes it with; should
    /// none be left, the run goes on with pipes.
    /// </summary>
    public bool SupportsTty => true;

    /// <inheritdoc />
    public long Version => Interlocked.Read(ref _version);

    /// <inheritdoc />
    public event EventHandler<string>? Changed;

    /// <inheritdoc />
    public IReadOnlyList<AppEndpoint> GetEndpoints(string app) =>
        _apps.TryGetValue(app, out var runtime)
            ? [.. runtime.Dynos
                .Where(c => c.IsWeb && c.State == ProcessState.Up && c.Port is > 0)
                .OrderBy(c => c.Index)
                .Select(c => new AppEndpoint(app, c.Name, c.Release, "127.0.0.1", c.Port!.Value))]
            : [];

    /// <inheritdoc />
    public async Task<DeployResult> DeployAsync(DeploymentSpec spec, CancellationToken cancellationToken)
    {
        await _adopted.ConfigureAwait(false);
        var app = _apps.GetOrAdd(spec.App, name => new PodmanApp(name));
        await app.Operations.WaitAsync(cancellationToken).ConfigureAwait(false);
        using var inFlight = TrackImage(spec.Image);
        Task? retiring = null;
        try
        {
            Event(spec.App, $"Deploying v{spec.Release} ({Formation(spec)})");
            var (release, unavailable) = await PrepareAsync(spec, cancellationToken).ConfigureAwait(false);
            if (release is null)
            {
                var reason = $"the image of v{spec.Release} is not available: {unavailable}";
                Event(spec.App, $"Release v{spec.Release} failed: {reason}");
                return DeployResult.Failure(reason);
            }

            var fresh = Wanted(release).ToList();
            string? failure;
            try
            {
                failure = await BootAllAsync(fresh, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await StopAllAsync(fresh).ConfigureAwait(false);
                Event(spec.App, $"Deploy of v{spec.Release} cancelled; the new processes were stopped");
                throw;
            }

            if (failure is not null)
            {
                await StopAllAsync(fresh).ConfigureAwait(false);
                var keeps = app.Current is null ? "nothing was running" : $"v{app.Current.Spec.Release} keeps running";
                Event(spec.App, $"Release v{spec.Release} failed to boot: {failure}; {keeps}");
                LogDeployFailed(_logger, spec.App, spec.Release, failure);
                return DeployResult.Failure(failure);
            }

            var old = app.Replace(fresh, app.Dynos);
            app.Current = release;
            app.Pending = null;
            OnEndpointsChanged(spec.App);
            Event(spec.App, $"Release v{spec.Release} is up ({Formation(spec)}); stopping {old.Count} old process(es)");
            LogDeployed(_logger, spec.App, spec.Release);
            retiring = Background(RetireAsync(app, old));
        }
        finally
        {
            if (retiring is null)
            {
                app.Operations.Release();
            }
        }

        return DeployResult.Success;
    }

    /// <summary>
    /// After a deploy has switched traffic: lets the old containers finish what they serve, stops and removes them, removes
    /// images no release needs any more, then releases the app's operations lock, which it holds from the deploy (the local
    /// runtime's rule: the deploy has already answered; the app's next operation waits).
    /// </summary>
    private async Task RetireAsync(PodmanApp app, IReadOnlyList<Container> old)
    {
        try
        {
            await DrainAsync(old).ConfigureAwait(false);
            await StopAllAsync(old).ConfigureAwait(false);
            app.Forget(old);
        }
        finally
        {
            app.Operations.Release();
        }

        await PruneAsync().ConfigureAwait(false);
    }

    /// <summary>Keeps <paramref name="work"/> until it ends, so <see cref="DisposeAsync"/> waits for it.</summary>
    private Task Background(Task work)
    {
        _background[work] = 0;
        _ = work.ContinueWith(t => _background.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return work;
    }

    /// <inheritdoc />
    public async Task ScaleAsync(DeploymentSpec spec, CancellationToken cancellationToken)
    {
        await _adopted.ConfigureAwait(false);
        var app = _apps.GetOrAdd(spec.App, name => new PodmanApp(name));
        await app.Operations.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ApplyAsync(app, spec, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            app.Operations.Release();
        }
    }

    /// <inheritdoc />
    public async Task RestartAsync(string app, string? target, CancellationToken cancellationToken)
    {
        await _adopted.ConfigureAwait(false);
        if (!_apps.TryGetValue(app, out var runtime))
        {
            return;
        }

        await runtime.Operations.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (runtime.Pending is { } pending)
            {
                Event(app, $"Restarting: trying v{pending.Spec.Release} again now");
                await ApplyAsync(runtime, pending.Spec, cancellationToken).ConfigureAwait(false);
                OnEndpointsChanged(app);
                if (runtime.Pending is { } still)
                {
                    throw new SchedulerUnavailableException($"{app} cannot start v{still.Spec.Release}: {still.Reason}; it is tried again in the background", isTransient: true);
                }

                return;
            }

            var chosen = runtime.Dynos.Where(c => target is null || c.Type == target || c.Name == target).OrderBy(c => c.Type, StringComparer.Ordinal).ThenBy(c => c.Index).ToList();
            Event(app, $"Restarting {(target ?? "all processes")} ({chosen.Count})");
            foreach (var old in chosen)
            {
                var replacement = new Container(runtime.Current ?? old.Context, old.Type, old.Index, old.Command);
                if (old.IsWeb)
                {
                    string? failure;
                    try
                    {
                        failure = await replacement.StartAsync(giveUpOnFailedBoot: true).WaitAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        await replacement.StopAsync(_options.StopGracePeriod).ConfigureAwait(false);
                        throw;
                    }

                    if (failure is not null)
                    {
                        await replacement.StopAsync(_options.StopGracePeriod).ConfigureAwait(false);
                        Event(app, $"Restart of {old.Name} failed: {failure}; the running process keeps serving");
                        continue;
                    }

                    Swap(runtime, old, replacement);
                    OnEndpointsChanged(app);
                    await DrainAsync([old]).ConfigureAwait(false);
                    await old.StopAsync(_options.StopGracePeriod).ConfigureAwait(false);
                    runtime.Forget([old]);
                }
                else
                {
                    Swap(runtime, old, replacement);
                    await old.StopAsync(_options.StopGracePeriod).ConfigureAwait(false);
                    runtime.Forget([old]);
                    _ = replacement.StartAsync(giveUpOnFailedBoot: false);
                }
            }
        }
        finally
        {
            runtime.Operations.Release();
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ProcessStatus>> ListAsync(string app, CancellationToken cancellationToken)
    {
        await _adopted.WaitAsync(cancellationToken).ConfigureAwait(false);
        return _apps.TryGetValue(app, out var runtime)
            ? [.. runtime.All.Select(c => c.Status()).Concat(Waiting(runtime)).OrderBy(s => s.Type, StringComparer.Ordinal).ThenBy(s => Index(s.Name)).ThenBy(s => s.Release)]
            : [];
    }

    /// <inheritdoc />
    public async Task DestroyAsync(string app, CancellationToken cancellationToken)
    {
        await _adopted.ConfigureAwait(false);
        await StopAppAsync(app, cancellationToken).ConfigureAwait(false);
        var network = await _cli.RunAsync(["network", "rm", ContainerLabels.Network(app)], cancellationToken).ConfigureAwait(false);
        if (network.ExitCode != 0 && !network.Reason.Contains("network not found", StringComparison.OrdinalIgnoreCase))
        {
            LogNetworkNotRemoved(_logger, ContainerLabels.Network(app), network.Reason);
        }

        _logs.Delete(app);
        await PruneAsync().ConfigureAwait(false);
    }

    /// <summary>Stops the app's containers, then removes whatever else of this platform carries the app's label (a container a stop could not reach).</summary>
    private async Task StopAppAsync(string app, CancellationToken cancellationToken)
    {
        await StopSupervisedAsync(app, cancellationToken).ConfigureAwait(false);
        var left = await _cli.RunAsync(["ps", "--all", "--quiet", "--no-trunc", "--filter", $"label={ContainerLabels.Platform}={_platform}", "--filter", $"label={ContainerLabels.App}={app}"], cancellationToken).ConfigureAwait(false);
        var ids = Lines(left.Output);
        if (ids.Count > 0)
        {
            await _cli.RunAsync(["rm", "--force", "--time", "0", .. ids], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The processes of a pending release that none runs for yet, listed as down with the reason.</summary>
    private static IEnumerable<ProcessStatus> Waiting(PodmanApp runtime)
    {
        if (runtime.Pending is not { } pending)
        {
            return [];
        }

        var running = runtime.Dynos.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var wait = Math.Max(0, (int)Math.Ceiling((pending.NextAttempt - DateTimeOffset.UtcNow).TotalSeconds));
        return pending.Spec.Formation
            .Where(f => pending.Spec.ProcessTypes.ContainsKey(f.Key))
            .SelectMany(f => Enumerable.Range(1, f.Value).Select(i => (Type: f.Key, Name: $"{f.Key}.{i}")))
            .Where(p => !running.Contains(p.Name))
            .Select(p => new ProcessStatus(p.Name, p.Type, ProcessState.Down, pending.Spec.Release, pending.Spec.ProcessTypes[p.Type], null, 0,
                $"v{pending.Spec.Release} cannot start yet: {pending.Reason} (attempt {pending.Attempts}; next in {wait} s)"));
    }

    /// <inheritdoc />
    public async Task<RunResult> RunAsync(RunRequest request, Func<string, CancellationToken, ValueTask> output, CancellationToken cancellationToken)
    {
        await _adopted.ConfigureAwait(false);
        var spec = request.Spec;
        var name = "run." + Random.Shared.Next(1000, 10000).ToString(CultureInfo.InvariantCulture);
        using var inFlight = TrackImage(spec.Image);
        var (release, unavailable) = await PrepareAsync(spec, cancellationToken).ConfigureAwait(false);
        if (release is null)
        {
            return RunResult.NotStarted(name, $"the image of v{spec.Release} is not available: {unavailable}");
        }

        using var terminal = request.Terminal is { } tty && !request.Detached && request.RawOutput is not null ? OpenTerminal(tty) : null;
        var withInput = request.Input is not null && terminal is null;
        string? envFile = null;
        Process process;
        string container;
        try
        {
            List<string> flags = terminal is not null ? ["--rm", "--interactive", "--tty"] : withInput ? ["--rm", "--interactive"] : ["--rm"];
            var (args, environment, envText) = ContainerCommand.Build(release, name, ContainerLabels.RunType, request.Command, flags, terminal is null ? null : request.Terminal!.Type);
            container = args[args.IndexOf("--name") + 1];
            if (envText is not null)
            {
                envFile = ContainerCommand.WriteEnvFile(envText);
                args.InsertRange(1, ["--env-file", envFile]);
            }

            Event(spec.App, $"Starting process {name} with command `{request.Command}`");
            process = _cli.Start(args, environment, keepInput: withInput, terminal: terminal?.SlavePath);
        }
        catch (Exception e) when (e is InvalidOperationException or SchedulerUnavailableException or IOException)
        {
            if (envFile is not null)
            {
                File.Delete(envFile);
            }

            return RunResult.NotStarted(name, $"{name} could not start: {e.Message}");
        }

        using var _ = process;
        var limit = request.TimeLimit ?? _options.RunTimeLimit;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        var pump = request.RawOutput is { } raw && !request.Detached
            ? ProcessLauncher.PumpChunksAsync(process, chunk => ProcessLauncher.DeliverAsync(() => raw(chunk, deadline.Token)))
            : ProcessLauncher.PumpAsync(process, line => request.Detached
                ? Log(spec.App, name, line)
                : ProcessLauncher.DeliverAsync(() => output(line, deadline.Token)));
        if (terminal is not null)
        {
            // The pipes only carry the shell's complaint should it fail to open the terminal; podman writes to the terminal.
            pump = Task.WhenAll(pump, terminal.PumpAsync(chunk => ProcessLauncher.DeliverAsync(() => request.RawOutput!(chunk, deadline.Token))));
        }

        using var inputEnd = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        var input = request.Input is not { } stream ? Task.CompletedTask
            : terminal is null ? ProcessLauncher.ForwardInputAsync(stream, process, inputEnd.Token)
            : Task.WhenAll(terminal.ForwardKeystrokesAsync(stream, inputEnd.Token), terminal.ApplyResizesAsync(request.Terminal!, inputEnd.Token));
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            timedOut = !cancellationToken.IsCancellationRequested;
            await _cli.RunAsync(["kill", "--signal", "KILL", container], CancellationToken.None).ConfigureAwait(false);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                PodmanCli.Kill(process);
                await _cli.RunAsync(["rm", "--force", "--time", "0", container], CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            if (envFile is not null)
            {
                File.Delete(envFile);
            }
        }

        await inputEnd.CancelAsync().ConfigureAwait(false);
        await Task.WhenAny(Task.WhenAll(pump, input), Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None)).ConfigureAwait(false);
        var exit = process.HasExited ? process.ExitCode : 137;
        Event(spec.App, timedOut
            ? $"{name} reached its time limit of {limit.TotalSeconds:0.#} s and was killed"
            : $"Process {name} exited with status {exit}");
        return new RunResult(name, exit, timedOut, null);
    }

    /// <inheritdoc />
    public async Task ReconcileAsync(IReadOnlyCollection<DeploymentSpec> desired, CancellationToken cancellationToken)
    {
        await _adopted.ConfigureAwait(false);
        var wanted = desired.Select(d => d.App).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _apps.Keys.Where(a => !wanted.Contains(a)).ToList())
        {
            await StopAppAsync(gone, cancellationToken).ConfigureAwait(false); // its logs and network stay: the app may still exist, without a build
        }

        await Task.WhenAll(desired.Select(async spec =>
        {
            var app = _apps.GetOrAdd(spec.App, name => new PodmanApp(name));
            await app.Operations.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                Event(spec.App, $"Platform start: bringing back v{spec.Release} ({Formation(spec)})");
                await ApplyAsync(app, spec, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                app.Operations.Release();
            }
        })).ConfigureAwait(false);
        await PruneAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Stops supervising, as paasd shuts down: the containers keep running (as a cluster's pods do) and the next paasd of
    /// this platform adopts them. <see cref="DestroyAsync"/> or a reconcile without the app removes them. The old containers
    /// a deploy is still retiring are stopped and removed first, so the next paasd does not adopt them.
    /// </summary>
    /// <returns>A task that completes when the helpers (<c>podman logs -f</c>, <c>podman wait</c>) are gone.</returns>
    public async ValueTask DisposeAsync()
    {
        await _disposing.CancelAsync().ConfigureAwait(false);
        await _adopted.ConfigureAwait(false);
        await Task.WhenAll(_background.Keys).ConfigureAwait(false);
        Abandon();
    }

    /// <summary>Forgets every container without stopping it, as a crashed paasd would (for recovery tests).</summary>
    internal void Abandon()
    {
        _disposing.Cancel();
        foreach (var app in _apps.Values)
        {
            foreach (var container in app.All)
            {
                container.Abandon();
            }
        }

        _apps.Clear();
    }

    /// <summary>
    /// Rebuilds what runs from the containers a previous paasd of this platform left (<c>podman ps</c> by the
    /// <see cref="ContainerLabels.Platform"/> label, then one <c>podman inspect</c>): running containers of apps' process
    /// types are followed as the app's processes (per app, the newest release's spec from their labels, without config vars
    /// until <see cref="ReconcileAsync"/>); exited containers and one-off runs are removed.
    /// </summary>
    private async Task AdoptAsync()
    {
        try
        {
            var listed = await _cli.RunAsync(["ps", "--all", "--quiet", "--no-trunc", "--filter", $"label={ContainerLabels.Platform}={_platform}"], _disposing.Token).ConfigureAwait(false);
            var ids = Lines(listed.Output);
            if (listed.ExitCode != 0 || ids.Count == 0)
            {
                return;
            }

            var inspected = await _cli.RunAsync(["container", "inspect", .. ids], _disposing.Token).ConfigureAwait(false);
            var containers = inspected.ExitCode == 0 ? ContainerInspection.Parse(inspected.Output) : [];
            var stale = new List<string>();
            var adoptable = new List<(ContainerInspection Container, string App, int Release, string Type, int Index)>();
            foreach (var container in containers)
            {
                var labels = container.Labels;
                if (container.Running
                    && labels.TryGetValue(ContainerLabels.App, out var app)
                    && int.TryParse(labels.GetValueOrDefault(ContainerLabels.Release), CultureInfo.InvariantCulture, out var release)
                    && labels.TryGetValue(ContainerLabels.Type, out var type) && type != ContainerLabels.RunType
                    && labels.TryGetValue(ContainerLabels.Process, out var process) && Index(process) > 0
                    && labels.ContainsKey(ContainerLabels.Image))
                {
                    adoptable.Add((container, app, release, type, Index(process)));
                }
                else
                {
                    stale.Add(container.Id);
                }
            }

            if (stale.Count > 0)
            {
                await _cli.RunAsync(["rm", "--force", "--time", "0", .. stale], _disposing.Token).ConfigureAwait(false);
            }

            foreach (var group in adoptable.GroupBy(a => a.App, StringComparer.Ordinal))
            {
                var runtime = _apps.GetOrAdd(group.Key, name => new PodmanApp(name));
                var releases = group.GroupBy(a => a.Release).ToDictionary(g => g.Key, g => Rebuilt(group.Key, g.Key, [.. g.Select(a => a.Container)]));
                var adopted = group.OrderBy(a => a.Type, StringComparer.Ordinal).ThenBy(a => a.Index)
                    .Select(a => new Container(releases[a.Release], a.Type, a.Index, a.Container.Labels.GetValueOrDefault(ContainerLabels.Command, ""), a.Container))
                    .ToList();
                runtime.Replace(adopted, []);
                runtime.Current = releases[releases.Keys.Max()];
                foreach (var container in adopted)
                {
                    _ = container.StartAsync(giveUpOnFailedBoot: false);
                    LogAdopted(_logger, group.Key, container.Name, container.Release);
                }
            }
        }
        catch (Exception e) when (e is SchedulerUnavailableException or OperationCanceledException or System.Text.Json.JsonException)
        {
            LogAdoptionFailed(_logger, e.Message);
        }
    }

    /// <summary>A release as its containers' labels tell it: its image, and each type's command and count; no config vars.</summary>
    private ContainerRelease Rebuilt(string app, int release, IReadOnlyList<ContainerInspection> containers)
    {
        var types = containers.GroupBy(c => c.Labels[ContainerLabels.Type], StringComparer.Ordinal).ToList();
        var spec = new DeploymentSpec(app, release, containers[0].Labels[ContainerLabels.Image],
            new Dictionary<string, string>(),
            types.ToDictionary(t => t.Key, t => t.First().Labels.GetValueOrDefault(ContainerLabels.Command, ""), StringComparer.Ordinal),
            types.ToDictionary(t => t.Key, t => t.Count(), StringComparer.Ordinal),
            null);
        return Release(spec, image: null);
    }

    /// <summary>
    /// Makes the app run <paramref name="spec"/>'s formation (the caller holds its operations lock): another release ->
    /// replace without boot checks; the release found running after a restart -> keep its containers and give them the full
    /// spec; the same release -> scale. When its image cannot be pulled (the registry is not up yet as paasd starts), the
    /// release is kept as pending and tried again after the local runtime's back-off.
    /// </summary>
    private async Task ApplyAsync(PodmanApp app, DeploymentSpec spec, CancellationToken cancellationToken)
    {
        var current = app.Current;
        if (current is null || current.Spec.Release != spec.Release || current.Spec.Image != spec.Image || current.Image is null)
        {
            using var inFlight = TrackImage(spec.Image);
            var (release, unavailable) = await PrepareAsync(spec, cancellationToken).ConfigureAwait(false);
            if (release is null)
            {
                Postpone(app, spec, unavailable ?? "unknown failure");
                return;
            }

            app.Pending = null;
            if (current is not null && current.Image is null && current.Spec.Release == spec.Release && current.Spec.Image == spec.Image)
            {
                // Found running after a platform restart: keep what runs this release, with the full spec from now on.
                var staleReleases = app.Dynos.Where(c => c.Release != spec.Release).ToList();
                app.Replace(app.Dynos.Except(staleReleases), staleReleases);
                foreach (var container in app.Dynos)
                {
                    container.Rebind(release);
                }

                app.Current = release;
                await StopAllAsync(staleReleases).ConfigureAwait(false);
                app.Forget(staleReleases);
                current = release;
            }
            else
            {
                var fresh = Wanted(release).ToList();
                var old = app.Replace(fresh, app.Dynos);
                app.Current = release;
                await StopAllAsync(old).ConfigureAwait(false);
                app.Forget(old);
                foreach (var container in fresh)
                {
                    _ = container.StartAsync(giveUpOnFailedBoot: false);
                }

                return;
            }
        }

        var next = current with { Spec = spec };
        app.Current = next;
        var plan = FormationChange.Plan(app.Dynos, spec, (type, index) => new Container(next, type, index, spec.ProcessTypes[type]), (type, count) => Event(spec.App, $"Scaled {type} to {count}"));
        await app.ChangeAsync(plan, _options, () => OnEndpointsChanged(spec.App)).ConfigureAwait(false);
    }

    /// <summary>Keeps <paramref name="spec"/> as the app's pending release and schedules its next attempt (the local runtime's back-off).</summary>
    private void Postpone(PodmanApp app, DeploymentSpec spec, string reason)
    {
        var pending = PendingRelease.After(app.Pending, spec, reason, _options);
        app.Pending = pending;
        Event(spec.App, pending.Message);
        LogImageUnavailable(_logger, spec.App, spec.Release, reason);
        _ = app.RetryAsync(pending, () => _apps.TryGetValue(app.Name, out var still) && ReferenceEquals(still, app),
            stopping => ApplyAsync(app, pending.Spec, stopping), () => OnEndpointsChanged(app.Name), _disposing.Token);
    }

    private async Task StopSupervisedAsync(string app, CancellationToken cancellationToken)
    {
        if (!_apps.TryGetValue(app, out var runtime))
        {
            return;
        }

        await runtime.Operations.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await runtime.StopEverythingAsync(_options).ConfigureAwait(false);
            _apps.TryRemove(app, out _);
            OnEndpointsChanged(app);
        }
        finally
        {
            runtime.Operations.Release();
        }
    }

    /// <summary>The app's network (made once, <c>-o isolate=true</c>) and the release's image pulled and inspected.</summary>
    private async Task<(ContainerRelease? Release, string? Failure)> PrepareAsync(DeploymentSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            var network = ContainerLabels.Network(spec.App);
            if ((await _cli.RunAsync(["network", "exists", network], cancellationToken).ConfigureAwait(false)).ExitCode != 0)
            {
                var created = await _cli.RunAsync(["network", "create", "--label", $"{ContainerLabels.Platform}={_platform}", "--label", $"{ContainerLabels.App}={spec.App}",
                    "--opt", "isolate=true", network], cancellationToken).ConfigureAwait(false);
                if (created.ExitCode != 0 && (await _cli.RunAsync(["network", "exists", network], cancellationToken).ConfigureAwait(false)).ExitCode != 0)
                {
                    return (null, $"podman could not create the network {network}: {created.Reason}");
                }
            }

            var (facts, failure) = await _images.PullAsync(spec.App, spec.Image, cancellationToken).ConfigureAwait(false);
            if (facts is null)
            {
                return (null, failure);
            }

            _pulled.TryAdd(spec.Image, 0);
            return (Release(spec, facts), null);
        }
        catch (SchedulerUnavailableException e)
        {
            return (null, e.Message);
        }
    }

    private ContainerRelease Release(DeploymentSpec spec, ImageFacts? image) =>
        new(spec, image, _options, _podman, _cli, _logs, _platform, OnEndpointsChanged);

    private static async Task<string?> BootAllAsync(List<Container> containers, CancellationToken cancellationToken)
    {
        var pending = containers.Select(c => c.StartAsync(giveUpOnFailedBoot: true)).ToList();
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending).WaitAsync(cancellationToken).ConfigureAwait(false);
            pending.Remove(done);
            if (await done.ConfigureAwait(false) is { } failure)
            {
                return failure;
            }
        }

        return null;
    }

    private Task DrainAsync(IReadOnlyCollection<Container> leaving) => PodmanApp.DrainAsync(leaving, _options);

    private Task StopAllAsync(IEnumerable<Container> containers) => PodmanApp.StopAllAsync(containers, _options);

    private static void Swap(PodmanApp app, Container old, Container replacement) =>
        app.Replace(app.Dynos.Select(c => c == old ? replacement : c), [old]);

    private static IEnumerable<Container> Wanted(ContainerRelease release) =>
        release.Spec.Formation
            .Where(kv => release.Spec.ProcessTypes.ContainsKey(kv.Key))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .SelectMany(kv => Enumerable.Range(1, Math.Max(0, kv.Value)).Select(i => new Container(release, kv.Key, i, release.Spec.ProcessTypes[kv.Key])));

    private void OnEndpointsChanged(string app)
    {
        Interlocked.Increment(ref _version);
        Changed?.Invoke(this, app);
    }

    private void Event(string app, string message) => _logs.Write(app, Scheduler, message);

    /// <summary>Removes images this scheduler pulled that no app's current release and no deploy or run in flight uses (<see cref="PodmanOptions.PruneImages"/>).</summary>
    private async Task PruneAsync()
    {
        if (!_podman.PruneImages)
        {
            return;
        }

        var inUse = _apps.Values.Select(a => a.Current?.Spec.Image).OfType<string>().Concat(_imagesInFlight.Keys).ToHashSet(StringComparer.Ordinal);
        foreach (var image in _pulled.Keys.Where(i => !inUse.Contains(i)).ToList())
        {
            try
            {
                await _images.RemoveAsync(image, CancellationToken.None).ConfigureAwait(false);
                _pulled.TryRemove(image, out _);
            }
            catch (SchedulerUnavailableException e)
            {
                LogPruneFailed(_logger, e.Message);
            }
        }
    }

    private ImageLease TrackImage(string image)
    {
        _imagesInFlight.AddOrUpdate(image, 1, (_, n) => n + 1);
        return new ImageLease(_imagesInFlight, image);
    }

    private static string Formation(DeploymentSpec spec) =>
        string.Join(' ', spec.Formation.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));

    private static int Index(string name) =>
        int.TryParse(name.AsSpan(name.LastIndexOf('.') + 1), CultureInfo.InvariantCulture, out var i) ? i : 0;

    private static List<string> Lines(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private ValueTask Log(string app, string name, string line)
    {
        _logs.Write(app, $"app[{name}]", line);
        return ValueTask.CompletedTask;
    }


    /// <summary>A pseudo-terminal for a run with a TTY, or null when the system has none left (the run then uses pipes).</summary>
    private PseudoTerminal? OpenTerminal(RunTerminal terminal)
    {
        try
        {
            return PseudoTerminal.Open(terminal.Size);
        }
        catch (IOException e)
        {
            LogNoTerminal(_logger, e.Message);
            return null;
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Deployed v{Release} of {App} (podman)")]
    private static partial void LogDeployed(ILogger logger, string app, int release);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "v{Release} of {App} failed to boot: {Reason}")]
    private static partial void LogDeployFailed(ILogger logger, string app, int release, string reason);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Information, Message = "Adopted the running container {Process} (v{Release}) of {App} left by a previous platform process")]
    private static partial void LogAdopted(ILogger logger, string app, string process, int release);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Error, Message = "Cannot run v{Release} of {App}: {Reason}")]
    private static partial void LogImageUnavailable(ILogger logger, string app, int release, string? reason);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Warning, Message = "Removing unused images failed: {Reason}")]
    private static partial void LogPruneFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 5106, Level = LogLevel.Error, Message = "Finding the containers a previous platform process left failed: {Reason}")]
    private static partial void LogAdoptionFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 5108, Level = LogLevel.Warning, Message = "A one-off process asked for a terminal and runs without one: {Reason}")]
    private static partial void LogNoTerminal(ILogger logger, string reason);

    [LoggerMessage(EventId = 5107, Level = LogLevel.Warning, Message = "The network {Network} was not removed: {Reason}")]
    private static partial void LogNetworkNotRemoved(ILogger logger, string network, string reason);
}
