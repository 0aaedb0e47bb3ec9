using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paas.Scheduling.Local;
using Paas.Scheduling.Logs;

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
/// runs whose caller is gone); <see cref="IScheduler.ReconcileAsync"/> then keeps, replaces or removes them.</item>
/// </list>
/// </summary>
public sealed partial class PodmanScheduler : MachineScheduler, IMachineRuntime<ContainerRelease, Container>
{
    private readonly LocalRuntimeOptions _options;
    private readonly PodmanOptions _podman;
    private readonly PodmanCli _cli;
    private readonly PodmanImages _images;
    private readonly IAppLogStore _logs;
    private readonly ILogger<PodmanScheduler> _logger;
    private readonly string _platform;
    private readonly ConcurrentDictionary<string, byte> _pulled = new(StringComparer.Ordinal);
    private readonly MachineScheduling<ContainerRelease, Container> _machine;
    private readonly Task _adopted;

    /// <summary>Creates the scheduler and, in the background, adopts the containers a previous paasd of this platform left running.</summary>
    /// <param name="options">The settings shared with the local runtime (data folder, boot timeout, grace, back-off).</param>
    /// <param name="podman">The podman settings.</param>
    /// <param name="logs">Where log lines go.</param>
    /// <param name="logger">The platform's own log.</param>
    /// <param name="pulls">The per-app pull credentials for the platform's registry, or null to pull it anonymously.</param>
    /// <param name="logins">Apps' logins to other registries, or null.</param>
    /// <exception cref="InvalidOperationException"><see cref="PodmanOptions.DefaultMemory"/> is not a memory limit.</exception>
    public PodmanScheduler(IOptions<LocalRuntimeOptions> options, IOptions<PodmanOptions> podman, IAppLogStore logs, ILogger<PodmanScheduler> logger,
        IAppPullCredentials? pulls = null, IAppRegistryLogins? logins = null)
    {
        _options = options.Value;
        _podman = podman.Value;
        _ = _podman.DefaultMemoryBytes(); // a bad value stops paasd at start, not each container later
        _logs = logs;
        _logger = logger;
        _cli = new PodmanCli(_podman);
        _images = new PodmanImages(_cli, _podman, pulls, logins);
        _platform = _podman.PlatformId is { Length: > 0 } id ? id : ContainerLabels.DefaultPlatformId(_options.DataDirectory);
        _machine = new MachineScheduling<ContainerRelease, Container>(this, _options, logs, () => _adopted!, OnChanged); // _adopted is set next
        _adopted = Task.Run(AdoptAsync);
    }

    /// <inheritdoc />
    private protected override IMachineScheduling Scheduling => _machine;

    /// <summary>Waits for the adoption of the containers a previous paasd left running (<see cref="AdoptAsync"/>), then lists.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The processes; empty for an app with nothing running.</returns>
    public override async Task<IReadOnlyList<ProcessStatus>> ListAsync(string app, CancellationToken cancellationToken)
    {
        await _adopted.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await base.ListAsync(app, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops supervising, as paasd shuts down: the containers keep running (as a cluster's pods do) and the next paasd of
    /// this platform adopts them. <see cref="IScheduler.DestroyAsync"/> or a reconcile without the app removes them. The old containers
    /// a deploy is still retiring are stopped and removed first, so the next paasd does not adopt them.
    /// </summary>
    /// <returns>A task that completes when the helpers (<c>podman logs -f</c>, <c>podman wait</c>) are gone.</returns>
    public override async ValueTask DisposeAsync() => await _machine.ShutDownAsync(stopProcesses: false).ConfigureAwait(false);

    /// <summary>
    /// Rebuilds what runs from the containers a previous paasd of this platform left (<c>podman ps</c> by the
    /// <see cref="ContainerLabels.Platform"/> label, then one <c>podman inspect</c>): running containers of apps' process
    /// types are followed as the app's processes (per app, the newest release's spec from their labels, without config vars
    /// until <see cref="IScheduler.ReconcileAsync"/>); exited containers and one-off runs are removed.
    /// </summary>
    private async Task AdoptAsync()
    {
        try
        {
            var listed = await _cli.RunAsync(["ps", "--all", "--quiet", "--no-trunc", "--filter", $"label={ContainerLabels.Platform}={_platform}"], _machine.Disposing).ConfigureAwait(false);
            var ids = Lines(listed.Output);
            if (listed.ExitCode != 0 || ids.Count == 0)
            {
                return;
            }

            var inspected = await _cli.RunAsync(["container", "inspect", .. ids], _machine.Disposing).ConfigureAwait(false);
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
                await _cli.RunAsync(["rm", "--force", "--time", "0", .. stale], _machine.Disposing).ConfigureAwait(false);
            }

            foreach (var group in adoptable.GroupBy(a => a.App, StringComparer.Ordinal))
            {
                var runtime = _machine.App(group.Key);
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

    /// <summary>The app's network and the release's image pulled (<see cref="PullAsync"/>).</summary>
    async Task<(ContainerRelease? Release, string? Failure, string? Message)> IMachineRuntime<ContainerRelease, Container>.PrepareAsync(DeploymentSpec spec, CancellationToken cancellationToken)
    {
        var (release, failure) = await PullAsync(spec, cancellationToken).ConfigureAwait(false);
        return (release, failure, release is null ? $"the image of v{spec.Release} is not available: {failure}" : null);
    }

    /// <summary>
    /// <c>podman run --rm</c> (with <c>--interactive</c> for input, <c>--tty</c> on a terminal), config vars through a
    /// private env file removed once it ends; killed with <c>podman kill</c>, or removed when podman does not end within 10 s.
    /// </summary>
    (OneOffProcess? Run, string? Failure) IMachineRuntime<ContainerRelease, Container>.StartRun(ContainerRelease release, string name, RunRequest request, PseudoTerminal? terminal)
    {
        var withInput = request.Input is not null && terminal is null;
        string? envFile = null;
        try
        {
            List<string> flags = terminal is not null ? ["--rm", "--interactive", "--tty"] : withInput ? ["--rm", "--interactive"] : ["--rm"];
            var (args, environment, envText) = ContainerCommand.Build(release, name, ContainerLabels.RunType, request.Command, flags, terminal is null ? null : request.Terminal!.Type);
            var container = args[args.IndexOf("--name") + 1];
            if (envText is not null)
            {
                envFile = ContainerCommand.WriteEnvFile(envText);
                args.InsertRange(1, ["--env-file", envFile]);
            }

            Event(release.Spec.App, $"Starting process {name} with command `{request.Command}`");
            var process = _cli.Start(args, environment, keepInput: withInput, terminal: terminal?.SlavePath);
            var ended = envFile;
            return (new OneOffProcess(process, () => KillRunAsync(process, container), () => DeleteEnvFile(ended)), null);
        }
        catch (Exception e) when (e is InvalidOperationException or SchedulerUnavailableException or IOException)
        {
            DeleteEnvFile(envFile);
            return (null, $"{name} could not start: {e.Message}");
        }
    }

    /// <summary>False for a release rebuilt from the labels of the containers found running after a paasd restart (no image, no config vars).</summary>
    bool IMachineRuntime<ContainerRelease, Container>.IsComplete(ContainerRelease release) => release.Image is not null;

    /// <summary>Found running after a platform restart: keeps what runs this release, with the full spec from now on.</summary>
    async Task<bool> IMachineRuntime<ContainerRelease, Container>.KeepRunningAsync(AppRuntime<ContainerRelease, Container> app, ContainerRelease current, ContainerRelease release)
    {
        if (current.Image is not null || current.Spec.Release != release.Spec.Release || current.Spec.Image != release.Spec.Image)
        {
            return false;
        }

        var staleReleases = app.Dynos.Where(c => c.Release != release.Spec.Release).ToList();
        app.Replace(app.Dynos.Except(staleReleases), staleReleases);
        foreach (var container in app.Dynos)
        {
            container.Rebind(release);
        }

        app.Current = release;
        await AppRuntime<ContainerRelease, Container>.StopAllAsync(staleReleases, _options).ConfigureAwait(false);
        app.Forget(staleReleases);
        return true;
    }

    ContainerRelease IMachineRuntime<ContainerRelease, Container>.WithSpec(ContainerRelease release, DeploymentSpec spec) => release with { Spec = spec };

    Container IMachineRuntime<ContainerRelease, Container>.Create(ContainerRelease release, string type, int index) => new(release, type, index, release.Spec.ProcessTypes[type]);

    Container IMachineRuntime<ContainerRelease, Container>.Replacement(Container old, ContainerRelease? current) => new(current ?? old.Context, old.Type, old.Index, old.Command);

    /// <summary>Removes whatever else of this platform carries the app's label (a container a stop could not reach).</summary>
    async Task IMachineRuntime<ContainerRelease, Container>.AppStoppedAsync(string app, CancellationToken cancellationToken)
    {
        var left = await _cli.RunAsync(["ps", "--all", "--quiet", "--no-trunc", "--filter", $"label={ContainerLabels.Platform}={_platform}", "--filter", $"label={ContainerLabels.App}={app}"], cancellationToken).ConfigureAwait(false);
        var ids = Lines(left.Output);
        if (ids.Count > 0)
        {
            await _cli.RunAsync(["rm", "--force", "--time", "0", .. ids], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Removes the app's network.</summary>
    async Task IMachineRuntime<ContainerRelease, Container>.AppDestroyedAsync(string app, CancellationToken cancellationToken)
    {
        var network = await _cli.RunAsync(["network", "rm", ContainerLabels.Network(app)], cancellationToken).ConfigureAwait(false);
        if (network.ExitCode != 0 && !network.Reason.Contains("network not found", StringComparison.OrdinalIgnoreCase))
        {
            LogNetworkNotRemoved(_logger, ContainerLabels.Network(app), network.Reason);
        }
    }

    /// <summary>Removes images this scheduler pulled that no app's current release and no deploy or run in flight uses (<see cref="PodmanOptions.PruneImages"/>).</summary>
    async Task IMachineRuntime<ContainerRelease, Container>.PruneAsync(IReadOnlySet<string> inUse)
    {
        if (!_podman.PruneImages)
        {
            return;
        }

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

    void IMachineRuntime<ContainerRelease, Container>.LogDeployed(DeploymentSpec spec) => LogDeployed(_logger, spec.App, spec.Release);

    void IMachineRuntime<ContainerRelease, Container>.LogDeployFailed(DeploymentSpec spec, string reason) => LogDeployFailed(_logger, spec.App, spec.Release, reason);

    void IMachineRuntime<ContainerRelease, Container>.LogUnavailable(DeploymentSpec spec, string reason) => LogImageUnavailable(_logger, spec.App, spec.Release, reason);

    void IMachineRuntime<ContainerRelease, Container>.LogNoTerminal(string reason) => LogNoTerminal(_logger, reason);

    /// <summary>The app's network (made once, <c>-o isolate=true</c>) and the release's image pulled and inspected.</summary>
    private async Task<(ContainerRelease? Release, string? Failure)> PullAsync(DeploymentSpec spec, CancellationToken cancellationToken)
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
        new(spec, image, _options, _podman, _cli, _logs, _platform, _machine.OnEndpointsChanged);

    private void Event(string app, string message) => _machine.Event(app, message);

    private static int Index(string name) => MachineScheduling<ContainerRelease, Container>.Index(name);

    /// <summary><c>podman kill --signal KILL</c>; should the run's podman not end within 10 s, it is killed and the container removed.</summary>
    private async Task KillRunAsync(Process process, string container)
    {
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

    private static void DeleteEnvFile(string? envFile)
    {
        if (envFile is not null)
        {
            File.Delete(envFile);
        }
    }

    private static List<string> Lines(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

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
