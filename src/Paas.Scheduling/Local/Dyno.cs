using System.Diagnostics;

namespace Paas.Scheduling.Local;

/// <summary>
/// One supervised process of a release (<c>web.1</c>): <c>bash -c COMMAND</c> in the release's slug, with a fresh
/// <c>PORT</c> at each start when it is a web process. Its supervision (boot check, crash back-off, giving up on a failed
/// boot in a deploy) is <see cref="SupervisedProcess{TRelease}"/>'s, the rule podman's containers share.
/// </summary>
internal sealed class Dyno : SupervisedProcess<ReleaseContext>
{
    private Process? _process;

    public Dyno(ReleaseContext context, string type, int index)
        : base(context, type, index, context.Spec.ProcessTypes[type])
    {
    }

    public int? Pid { get; private set; }

    protected override int ProcessPort => Port!.Value;

    /// <summary>Starts <c>bash -c COMMAND</c> and copies its output to <c>app[NAME]</c>.</summary>
    protected override Task<(ProcessRun? Run, string? Failure)> LaunchAsync()
    {
        Process? process;
        try
        {
            process = Launch();
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            return Task.FromResult<(ProcessRun?, string?)>((null, $"{Name} could not start: {e.Message}"));
        }

        if (process is null)
        {
            return Task.FromResult<(ProcessRun?, string?)>((null, null)); // stopping
        }

        var output = ProcessLauncher.PumpAsync(process, line =>
        {
            Context.Event($"app[{Name}]", line);
            return ValueTask.CompletedTask;
        });
        return Task.FromResult<(ProcessRun?, string?)>((new ProcessRun(output, ExitAsync(process), () => EndAsync(process)), null));
    }

    /// <summary>SIGTERM to its process group, <paramref name="grace"/>, then SIGKILL.</summary>
    protected override async Task TerminateAsync(TimeSpan grace)
    {
        Process? process;
        lock (Gate)
        {
            process = _process;
        }

        if (process is not null && !process.HasExited)
        {
            Context.Event($"paas[{Name}]", "Stopping all processes with SIGTERM");
            ProcessGroups.Signal(process.Id, ProcessGroups.SigTerm);
            using var timeout = new CancellationTokenSource(grace);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Context.Event($"paas[{Name}]", $"Error R12 (Exit timeout) -> Process did not exit within {grace.TotalSeconds:0.#} s of SIGTERM, stopping it with SIGKILL");
                ProcessGroups.Signal(process.Id, ProcessGroups.SigKill);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private Process? Launch()
    {
        lock (Gate)
        {
            if (Stopping.IsCancellationRequested)
            {
                return null;
            }

            var port = IsWeb ? FreePorts.Next() : (int?)null;
            var process = ProcessLauncher.Start(Context, Name, Command, port, redirectInput: false);
            Context.Records.Add(process.Id, Context.Spec.App, Name);
            _process = process;
            Port = port;
            Pid = process.Id;
            StartedAt = DateTimeOffset.UtcNow;
            Context.Event($"paas[{Name}]", $"Starting process with command `{Command}`" + (port is null ? "" : $" on PORT {port}"));
            return process;
        }
    }

    private static async Task<int> ExitAsync(Process process)
    {
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        return process.ExitCode;
    }

    /// <summary>Kills what is left of its process group (children left behind by the group leader) and forgets its record.</summary>
    private async Task EndAsync(Process process)
    {
        ProcessGroups.Signal(process.Id, ProcessGroups.SigKill);
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        Context.Records.Remove(process.Id);
    }
}
