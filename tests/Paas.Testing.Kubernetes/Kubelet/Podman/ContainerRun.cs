using System.Diagnostics;
using System.Globalization;

namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>
/// One run of a pod's container: <c>podman start --attach [--interactive] ID</c> in the foreground, its stdout and stderr
/// read here (each line stamped on arrival into <see cref="Log"/>, each chunk copied to the attachments), and its stdin
/// kept open for <c>stdin: true</c> pods.
/// </summary>
internal sealed class ContainerRun
{
    private const int MaxLineBytes = 16 * 1024; // the CRI log splits longer lines into partial ones
    private readonly Process _process;
    private readonly PodmanCli _cli;
    private readonly Lock _gate = new();
    private readonly List<AttachSubscriber> _subscribers = [];
    private readonly SemaphoreSlim _stdinLock = new(1, 1);
    private bool _exited;
    private bool _stdinClosed;
    private string? _staticDir;

    private ContainerRun(PodmanCli cli, Process process, string containerId, RunLog log)
    {
        _cli = cli;
        _process = process;
        ContainerId = containerId;
        Log = log;
        Exited = PumpToEndAsync();
    }

    public string ContainerId { get; }

    public RunLog Log { get; }

    /// <summary>Completes once podman exited and both streams are drained; the result is podman's exit code.</summary>
    public Task<int> Exited { get; }

    public static ContainerRun Start(PodmanCli cli, string containerId, bool interactive, long maxLogBytes)
    {
        string[] args = interactive ? ["start", "--attach", "--interactive", containerId] : ["start", "--attach", containerId];
        var process = Process.Start(cli.StartInfo(args)) ?? throw new InvalidOperationException("podman start did not start.");
        var run = new ContainerRun(cli, process, containerId, new RunLog(maxLogBytes));
        if (!interactive)
        {
            run.CloseStdin();
        }

        return run;
    }

    public FakeAttachment Attach(FakeAttachOptions options, bool podStdin, bool stdinOnce, bool tty)
    {
        var subscriber = new AttachSubscriber(options.Stdout, options.Stderr && !tty);
        lock (_gate)
        {
            if (_exited)
            {
                throw new FakeKubeletException($"unable to upgrade connection: container not found (\"{ContainerId}\")");
            }

            _subscribers.Add(subscriber);
        }

        Stream? stdin = options.Stdin && podStdin ? new AttachStdinStream(this, stdinOnce) : null;
        return new FakeAttachment(
            stdin,
            subscriber.Stdout,
            subscriber.Stderr,
            () =>
            {
                lock (_gate)
                {
                    _subscribers.Remove(subscriber);
                }

                subscriber.Complete();
                return ValueTask.CompletedTask;
            },
            tty ? size => new ValueTask(ResizeAsync(size)) : null);
    }

    /// <summary>
    /// Resizes the container's terminal as podman's own <c>AttachResize</c> does: writes <c>1 ROWS COLUMNS\n</c> to conmon's
    /// control FIFO, <c>ctl</c> in the container's static folder (podman has no command for it). Best effort: a container
    /// that has ended has no conmon reading the FIFO, so the write gives up after 5 s.
    /// </summary>
    public async Task ResizeAsync(FakeTerminalSize size)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            _staticDir ??= (await _cli.RunCheckedAsync(["inspect", "--format", "{{.StaticDir}}", ContainerId], timeout.Token)).Trim();
            var psi = new ProcessStartInfo("sh") { UseShellExecute = false, RedirectStandardError = true };
            foreach (var arg in (string[])["-c", "printf '1 %s %s\\n' \"$1\" \"$2\" > \"$0/ctl\"", _staticDir,
                size.Height.ToString(CultureInfo.InvariantCulture), size.Width.ToString(CultureInfo.InvariantCulture)])
            {
                psi.ArgumentList.Add(arg);
            }

            using var writer = Process.Start(psi) ?? throw new InvalidOperationException("sh did not start.");
            try
            {
                await writer.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                PodmanCli.TryKill(writer);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            // The container is gone, or podman did not answer: a real runtime's resize fails quietly too.
        }
    }

    public async Task WriteStdinAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _stdinLock.WaitAsync(cancellationToken);
        try
        {
            if (_stdinClosed)
            {
                throw new IOException("The container's standard input is closed.");
            }

            await _process.StandardInput.BaseStream.WriteAsync(bytes, cancellationToken);
            await _process.StandardInput.BaseStream.FlushAsync(cancellationToken);
        }
        finally
        {
            _stdinLock.Release();
        }
    }

    public void CloseStdin()
    {
        _stdinLock.Wait();
        try
        {
            if (!_stdinClosed)
            {
                _stdinClosed = true;
                try
                {
                    _process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // The process is gone.
                }
            }
        }
        finally
        {
            _stdinLock.Release();
        }
    }

    /// <summary>Polls <c>podman inspect</c> until the container runs; null when it ended first (reported as terminated only, as in 06b).</summary>
    public async Task<DateTimeOffset?> WaitStartedAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < 300 && !Exited.IsCompleted; i++)
        {
            var state = await ContainerExit.StatusAsync(_cli, ContainerId, cancellationToken);
            if (state is { Status: "running", StartedAt: { } startedAt })
            {
                return startedAt;
            }

            if (state is { Status: "exited" or "stopped" })
            {
                return null;
            }

            await Task.Delay(100, cancellationToken);
        }

        return null;
    }

    /// <summary><c>podman stop -t N</c> (SIGTERM, SIGKILL after N s, rounded up); cancelling kills at once.</summary>
    public async Task StopAsync(TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        var seconds = ((long)Math.Ceiling(Math.Max(0, gracePeriod.TotalSeconds))).ToString(CultureInfo.InvariantCulture);
        try
        {
            await _cli.RunAsync(["stop", "--time", seconds, ContainerId], cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await _cli.RunAsync(["kill", ContainerId], CancellationToken.None);
        }
    }

    /// <summary>Stops waiting for podman (the container itself is stopped with <c>podman stop</c>/<c>rm -f</c>).</summary>
    public void Abandon() => PodmanCli.TryKill(_process);

    private async Task<int> PumpToEndAsync()
    {
        await Task.Yield();
        try
        {
            await Task.WhenAll(
                PumpAsync(_process.StandardOutput.BaseStream, isStderr: false),
                PumpAsync(_process.StandardError.BaseStream, isStderr: true),
                _process.WaitForExitAsync());
            return _process.ExitCode;
        }
        finally
        {
            List<AttachSubscriber> subscribers;
            lock (_gate)
            {
                _exited = true;
                subscribers = [.. _subscribers];
                _subscribers.Clear();
            }

            foreach (var subscriber in subscribers)
            {
                subscriber.Complete();
            }

            Log.End();
            CloseStdin();
            _process.Dispose();
        }
    }

    private async Task PumpAsync(Stream source, bool isStderr)
    {
        var buffer = new byte[16 * 1024];
        var partial = new MemoryStream();
        int read;
        while ((read = await source.ReadAsync(buffer)) > 0)
        {
            var now = DateTime.UtcNow;
            Deliver(isStderr, buffer.AsSpan(0, read));
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] == (byte)'\n' || partial.Length + (i - start) >= MaxLineBytes)
                {
                    partial.Write(buffer, start, i + 1 - start);
                    Log.Append(new LogLine(now, partial.ToArray()));
                    partial.SetLength(0);
                    start = i + 1;
                }
            }

            partial.Write(buffer, start, read - start);
        }

        if (partial.Length > 0)
        {
            Log.Append(new LogLine(DateTime.UtcNow, partial.ToArray()));
        }
    }

    private void Deliver(bool isStderr, ReadOnlySpan<byte> bytes)
    {
        AttachSubscriber[] subscribers;
        lock (_gate)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            subscriber.Deliver(isStderr, bytes);
        }
    }
}
