using System.ComponentModel;
using System.Diagnostics;

namespace Paas.Scheduling.Podman;

/// <summary>
/// Runs <c>podman [--runtime R] ARGS</c> with an argument list (never a shell string). Values that must stay off the command
/// line (config vars) come through podman's own environment (<c>--env NAME</c> takes the value from it, podman-run(1)).
/// </summary>
internal sealed class PodmanCli(PodmanOptions options)
{
    /// <summary>
    /// Starts podman with every stream redirected; standard input is closed at once unless <paramref name="keepInput"/>.
    /// With <paramref name="terminal"/> (a pseudo-terminal's slave), podman runs on it instead (<see cref="Local.PseudoTerminal.AttachScript"/>):
    /// <c>podman run -t</c> then copies between it and the container's terminal, sizes included.
    /// </summary>
    /// <exception cref="SchedulerUnavailableException">podman is not installed (not transient).</exception>
    public Process Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, bool keepInput = false, string? terminal = null)
    {
        var start = new ProcessStartInfo(terminal is null ? options.PodmanPath : "sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (terminal is not null)
        {
            foreach (var arg in (string[])["-c", Local.PseudoTerminal.AttachScript, terminal, options.PodmanPath])
            {
                start.ArgumentList.Add(arg);
            }
        }

        if (options.Runtime is { Length: > 0 } runtime)
        {
            start.ArgumentList.Add("--runtime");
            start.ArgumentList.Add(runtime);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("not started");
        }
        catch (Win32Exception e)
        {
            throw new SchedulerUnavailableException(
                $"the podman scheduler cannot run '{options.PodmanPath}' ({e.Message}); install podman and runc (scripts/install-deps.sh) or set Paas:Podman:PodmanPath", isTransient: false, e);
        }

        if (!keepInput)
        {
            process.StandardInput.Close();
        }

        return process;
    }

    /// <summary>Runs a podman command to its end and returns what it printed; the command timeout or cancelling kills it.</summary>
    /// <exception cref="SchedulerUnavailableException">podman is missing, or took longer than <see cref="PodmanOptions.CommandTimeout"/> (transient).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<PodmanResult> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(args, environment);
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            cancellationToken.ThrowIfCancellationRequested();
            throw new SchedulerUnavailableException($"podman {string.Join(' ', args.Take(2))} took longer than {options.CommandTimeout.TotalSeconds:0} s; check 'podman info' on the platform's machine", isTransient: true);
        }

        return new PodmanResult(process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }

    /// <summary>Kills a podman client process (the container it started keeps running: conmon, not the client, holds it).</summary>
    public static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }
}
