using System.Diagnostics;
using System.Globalization;
using Paas.Scheduling.Local;

namespace Paas.Scheduling.Podman;

/// <summary>
/// One supervised container of a release (<c>web.1</c>), the podman twin of the local runtime's <c>Dyno</c>, with the same
/// supervision (<see cref="SupervisedProcess{TRelease}"/>: boot check, back-off, events). One start:
/// 1. <c>podman run -d</c> a new container; a container adopted after a paasd restart is followed instead;
/// 2. follow it: <c>podman logs -f</c> into the app's logs, <c>podman wait</c> for its exit status;
/// 3. the boot check reaches a web container on its published port; once it exited (or failed to boot) it is removed, and
///    after a crash the next start is a new container.
/// </summary>
internal sealed class Container : SupervisedProcess<ContainerRelease>
{
    private readonly TaskCompletionSource _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Process> _helpers = [];
    private ContainerInspection? _adopted;
    private string? _id;
    private string? _stopped;
    private volatile bool _abandoned;

    /// <summary>A container to start, or (with <paramref name="adopted"/>) one a previous paasd started, to follow.</summary>
    public Container(ContainerRelease release, string type, int index, string command, ContainerInspection? adopted = null)
        : base(release, type, index, command)
    {
        _adopted = adopted;
        if (adopted is not null)
        {
            _id = adopted.Id;
            StartedAt = adopted.StartedAt;
            Port = adopted.HostPorts.Count == 1 ? adopted.HostPorts.Values.Single() : adopted.HostPorts.GetValueOrDefault(WebPortKey(release)); // only the web port is published; the image (and so its EXPOSE) is not known yet
        }

        if (release.Image is not null)
        {
            _bound.TrySetResult();
        }
    }

    protected override int ProcessPort => Context.WebPort;

    /// <summary>Gives an adopted container the full release (config vars, pulled image) the controller's reconcile brought, so it can be started again after a crash.</summary>
    public void Rebind(ContainerRelease release)
    {
        Context = release;
        _bound.TrySetResult();
    }

    /// <summary>
    /// Follows the adopted container, or starts a new one once the release is complete (<see cref="Rebind"/>): its logs
    /// into <c>app[NAME]</c>, its exit from <c>podman wait</c>; it is removed when it ends.
    /// </summary>
    protected override async Task<(ProcessRun? Run, string? Failure)> LaunchAsync()
    {
        try
        {
            await _bound.Task.WaitAsync(Stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return (null, null);
        }

        var adopted = _adopted;
        _adopted = null;
        var (id, failure) = adopted is not null ? (adopted.Id, null) : await RunAsync().ConfigureAwait(false);
        return id is null
            ? (null, failure)
            : (new ProcessRun(FollowLogs(id, since: adopted is not null), WaitForExitAsync(id), () => RemoveAsync(id), Adopted: adopted is not null), failure);
    }

    /// <summary><c>podman stop --time GRACE</c> (SIGTERM, then SIGKILL).</summary>
    protected override async Task TerminateAsync(TimeSpan grace)
    {
        string? id;
        lock (Gate)
        {
            id = _id;
        }

        _stopped = id;
        if (id is not null)
        {
            Context.Event($"paas[{Name}]", "Stopping all processes with SIGTERM");
            var seconds = ((int)Math.Ceiling(grace.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            var stopped = await Context.Cli.RunAsync(["stop", "--time", seconds, id], CancellationToken.None).ConfigureAwait(false);
            if (stopped.Error.Contains("resorting to SIGKILL", StringComparison.Ordinal))
            {
                Context.Event($"paas[{Name}]", $"Error R12 (Exit timeout) -> Process did not exit within {grace.TotalSeconds:0.#} s of SIGTERM, stopping it with SIGKILL");
            }
        }
    }

    /// <summary>Removes the stopped container when its supervisor never followed it (stopped before it started).</summary>
    protected override async Task StoppedAsync()
    {
        if (_stopped is { } id && _id == id)
        {
            await RemoveAsync(id).ConfigureAwait(false);
        }
    }

    /// <summary>Lets go of the helpers (<c>podman logs -f</c>, <c>podman wait</c>); the container keeps running, for the next paasd to adopt.</summary>
    protected override void OnAbandon()
    {
        _abandoned = true;
        foreach (var helper in _helpers)
        {
            PodmanCli.Kill(helper);
        }
    }

    /// <summary><c>podman run -d</c>, then one inspect for its start time and published port; (null, null) when stopped meanwhile.</summary>
    private async Task<(string? Id, string? Failure)> RunAsync()
    {
        if (Stopping.IsCancellationRequested)
        {
            return (null, null);
        }

        var release = Context;
        string? envFile = null;
        try
        {
            var (args, environment, envText) = ContainerCommand.Build(release, Name, Type, Command, ["-d"]);
            if (envText is not null)
            {
                envFile = ContainerCommand.WriteEnvFile(envText);
                args.InsertRange(1, ["--env-file", envFile]);
            }

            release.Event($"paas[{Name}]", $"Starting process with command `{Command}`" + (IsWeb ? $" on PORT {release.WebPort}" : ""));
            var run = await release.Cli.RunAsync(args, CancellationToken.None, environment).ConfigureAwait(false);
            if (run.ExitCode != 0)
            {
                return (null, $"{Name} could not start: podman run failed: {run.Reason}");
            }

            var id = run.Output.Trim().Split('\n')[^1].Trim();
            var inspected = await release.Cli.RunAsync(["container", "inspect", id], CancellationToken.None).ConfigureAwait(false);
            var facts = inspected.ExitCode == 0 ? ContainerInspection.Parse(inspected.Output).FirstOrDefault() : null;
            lock (Gate)
            {
                _id = id;
                StartedAt = facts?.StartedAt ?? DateTimeOffset.UtcNow;
                Port = IsWeb ? facts?.HostPorts.GetValueOrDefault(WebPortKey(release)) : null;
            }

            if (IsWeb && Port is null or 0)
            {
                return (id, $"{Name} has no port published on 127.0.0.1 ({inspected.Reason})");
            }

            return (id, null);
        }
        catch (Exception e) when (e is InvalidOperationException or SchedulerUnavailableException or IOException)
        {
            return (null, $"{Name} could not start: {e.Message}");
        }
        finally
        {
            if (envFile is not null)
            {
                File.Delete(envFile);
            }
        }
    }

    /// <summary><c>podman logs -f</c>: each line to <c>app[NAME]</c>; for an adopted container only what it writes from now on.</summary>
    private Task FollowLogs(string id, bool since)
    {
        List<string> args = ["logs", "--follow"];
        if (since)
        {
            args.AddRange(["--since", DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture)]);
        }

        args.Add(id);
        var process = Helper(args);
        return process is null
            ? Task.CompletedTask
            : ProcessLauncher.PumpAsync(process, line =>
            {
                Context.Event($"app[{Name}]", line);
                return ValueTask.CompletedTask;
            }).ContinueWith(_ => Forget(process), TaskScheduler.Default);
    }

    /// <summary>
    /// <c>podman wait</c>: the container's exit status (128 + N after signal N), or -1 when it cannot be told. Should
    /// <c>podman wait</c> itself fail while the container still runs (a storage lock timing out under load), it waits again
    /// rather than take a running container for a crashed one.
    /// </summary>
    private async Task<int> WaitForExitAsync(string id)
    {
        while (true)
        {
            var process = Helper(["wait", id]);
            if (process is null)
            {
                return -1;
            }

            var output = await process.StandardOutput.ReadToEndAsync(CancellationToken.None).ConfigureAwait(false);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            Forget(process);
            if (int.TryParse(output.Trim(), CultureInfo.InvariantCulture, out var status))
            {
                return status;
            }

            var running = _abandoned ? null : await Context.Cli.RunAsync(["container", "inspect", "--format", "{{.State.Running}}", id], CancellationToken.None).ConfigureAwait(false);
            if (running is null || running.ExitCode != 0 || running.Output.Trim() != "true")
            {
                return -1;
            }

            await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
    }

    private Process? Helper(IEnumerable<string> args)
    {
        lock (Gate)
        {
            if (Stopping.IsCancellationRequested && State == ProcessState.Down)
            {
                return null;
            }

            var process = Context.Cli.Start(args);
            _helpers.Add(process);
            return process;
        }
    }

    private void Forget(Process process)
    {
        lock (Gate)
        {
            _helpers.Remove(process);
        }

        process.Dispose();
    }

    private async Task RemoveAsync(string id)
    {
        if (_abandoned)
        {
            return; // a crashed paasd removes nothing: the next one adopts the container
        }

        await Context.Cli.RunAsync(["rm", "--force", "--time", "0", id], CancellationToken.None).ConfigureAwait(false);
        lock (Gate)
        {
            if (_id == id)
            {
                _id = null;
            }
        }
    }

    private static string WebPortKey(ContainerRelease release) => $"{release.WebPort.ToString(CultureInfo.InvariantCulture)}/tcp";
}
