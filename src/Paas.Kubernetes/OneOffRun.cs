using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Paas.Kubernetes.Objects;
using Paas.Kubernetes.Processes;
using Paas.Scheduling;

namespace Paas.Kubernetes;

/// <summary>
/// One <c>paas run</c> on Kubernetes:
/// 1. has the scheduler apply the app's namespace and Secrets (the run may come before any deploy on this cluster);
/// 2. creates a Pod <c>APP-run-N</c> with <c>restartPolicy: Never</c>, the release's image and config, and
///    <c>activeDeadlineSeconds</c> = the time limit; with input, <c>stdin</c> and <c>stdinOnce</c>;
/// 3. waits until its container runs or has ended (an image that cannot be pulled ends the run, not started);
/// 4. forwards input through <c>pods/attach</c> (WebSocket, channel 0); reads output from <c>pods/log?follow=true</c>, which
///    starts at the container's first line (an attach would miss what was printed before it connected);
/// 5. reads the exit code from the pod's terminated state (<c>DeadlineExceeded</c> is a timeout, 137) and deletes the pod.
/// A detached run writes its output to the app's log as <c>app[run.N]</c> instead of the caller.
/// <para>
/// With a TTY (<see cref="RunRequest.Terminal"/>) the container has <c>tty</c>, <c>stdin</c> and <c>stdinOnce</c> and
/// <c>TERM</c>, and step 4 is one attach with <c>tty=true</c>: keystrokes on channel 0, the terminal's sizes on channel 4,
/// and what the terminal shows from channel 1 (a TTY has one stream) instead of the log. An attach sees only what is
/// printed after it connects, and a container's terminal is 0 x 0 until the first size arrives, so the command waits for
/// that (<see cref="TerminalGate"/>): a shell's first prompt is not lost. Should the attach fail (the container ended
/// first), the output comes from the log as without a TTY.
/// </para>
/// </summary>
internal sealed class OneOffRun(
    IKubernetes client,
    IKubernetes streams,
    KubernetesOptions options,
    RunRequest request,
    Func<string, CancellationToken, ValueTask> output,
    Func<DeploymentSpec, CancellationToken, Task<AppObjects>> prepare,
    string ns,
    Paas.Scheduling.Logs.IAppLogStore logs)
{
    private readonly int _number = Random.Shared.Next(1000, 10000);

    private string PodName => KubernetesNames.RunPod(request.Spec.App, _number);

    private string ProcessName => $"{KubernetesNames.RunType}.{_number}";

    /// <summary>The run's terminal: only for an attached run that takes raw output.</summary>
    private RunTerminal? Terminal => request is { Terminal: { } terminal, Detached: false, RawOutput: not null } ? terminal : null;

    public async Task<RunResult> RunAsync(CancellationToken cancellationToken)
    {
        var spec = request.Spec;
        try
        {
            var objects = await prepare(spec, cancellationToken).ConfigureAwait(false);
            var pod = Pod(objects);
            await client.CoreV1.CreateNamespacedPodAsync(pod, ns, fieldManager: KubernetesNames.FieldManager, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (KubernetesErrors.Translate(e, client.BaseUri, $"starting {ProcessName} of {spec.App}") is { } translated)
        {
            return RunResult.NotStarted(ProcessName, translated.Message);
        }

        try
        {
            var started = await WaitStartedAsync(cancellationToken).ConfigureAwait(false);
            if (started is not null)
            {
                return RunResult.NotStarted(ProcessName, started);
            }

            if (Terminal is { } terminal && await AttachTerminalAsync(terminal, cancellationToken).ConfigureAwait(false))
            {
                return await WaitEndedAsync(cancellationToken).ConfigureAwait(false);
            }

            var input = request.Input is { } stream && !request.Detached && Terminal is null ? ForwardInputSafelyAsync(stream, cancellationToken) : Task.CompletedTask;
            await ReadOutputAsync(cancellationToken).ConfigureAwait(false);
            var result = await WaitEndedAsync(cancellationToken).ConfigureAwait(false);
            if (request.Detached)
            {
                logs.Write(spec.App, $"paas[{ProcessName}]", result.TimedOut ? "Process ran past its time limit and was stopped" : $"Process exited with status {result.ExitCode}");
            }

            await input.WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            return result;
        }
        catch (Exception e) when (KubernetesErrors.Translate(e, client.BaseUri, $"running {ProcessName} of {spec.App}") is { } translated)
        {
            return RunResult.NotStarted(ProcessName, translated.Message);
        }
        finally
        {
            try
            {
                await client.CoreV1.DeleteNamespacedPodAsync(PodName, ns, gracePeriodSeconds: 0, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }
            catch (HttpOperationException)
            {
            }
        }
    }

    private V1Pod Pod(AppObjects objects) =>
        RunPodBuilder.Build(request.Spec, request.Command, request.TimeLimit ?? options.RunTimeLimit, request.Input is not null && !request.Detached, Terminal, objects, options, ns, PodName);

    /// <summary>Waits until the container runs or has ended; returns why it never will, or null.</summary>
    private async Task<string?> WaitStartedAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + options.DeployTimeout;
        while (true)
        {
            var pod = await client.CoreV1.ReadNamespacedPodAsync(PodName, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
            var container = pod.Status?.ContainerStatuses?.FirstOrDefault();
            if (container?.State?.Running is not null || container?.State?.Terminated is not null || pod.Status?.Phase is "Succeeded" or "Failed")
            {
                return null;
            }

            if (PodProblems.Reason(pod) is { } problem)
            {
                return $"{ProcessName} could not start: {problem}";
            }

            if (DateTime.UtcNow > deadline)
            {
                return $"{ProcessName} did not start within {options.DeployTimeout.TotalSeconds:0} s ({container?.State?.Waiting?.Reason ?? pod.Status?.Phase})";
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ReadOutputAsync(CancellationToken cancellationToken)
    {
        using var stream = await streams.CoreV1.ReadNamespacedPodLogAsync(PodName, ns, KubernetesNames.RunType, follow: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (request.RawOutput is { } raw && !request.Detached)
        {
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await raw(new RunOutputChunk(RunOutputStream.StandardOutput, buffer.AsMemory(0, read).ToArray()), cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (request.Detached)
            {
                logs.Write(request.Spec.App, $"app[{ProcessName}]", line);
            }
            else
            {
                await output(line, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Forwards the input; a failure is written to the app's log (the run goes on without input) instead of being lost.</summary>
    private async Task ForwardInputSafelyAsync(Stream input, CancellationToken cancellationToken)
    {
        try
        {
            await ForwardInputAsync(input, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logs.Write(request.Spec.App, $"paas[{ProcessName}]", $"Standard input could not be forwarded (pods/attach): {e.Message}");
        }
    }

    /// <summary>
    /// Sends the input as channel 0 messages of an input-only attach, each send awaited, then ends the attach with the closing
    /// handshake (<see cref="PodAttachSocket.CloseAsync"/>): <c>v4.channel.k8s.io</c> cannot close standard input alone,
    /// but with <c>stdinOnce</c> the end of the attach closes the process's input, after the server has read every frame.
    /// </summary>
    private async Task ForwardInputAsync(Stream input, CancellationToken cancellationToken)
    {
        var socket = await streams.WebSocketNamespacedPodAttachAsync(PodName, ns, KubernetesNames.RunType, stderr: false, stdin: true, stdout: false, tty: false, webSocketSubProtocol: WebSocketProtocol.V4BinaryWebsocketProtocol, cancellationToken: cancellationToken).ConfigureAwait(false);
        using var attach = new PodAttachSocket(socket, output: null);
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await attach.SendInputAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }

        await attach.CloseAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }

    /// <summary>
    /// The TTY's one attach: sends the terminal's size first (which lets <see cref="TerminalGate"/> run the command), then
    /// keystrokes and resizes while the terminal's output goes to the caller, until the server ends the attach (the process
    /// ended); then the closing handshake. False when the attach could not be made (the caller falls back to the log).
    /// </summary>
    private async Task<bool> AttachTerminalAsync(RunTerminal terminal, CancellationToken cancellationToken)
    {
        System.Net.WebSockets.WebSocket socket;
        try
        {
            socket = await streams.WebSocketNamespacedPodAttachAsync(PodName, ns, KubernetesNames.RunType, stderr: false, stdin: true, stdout: true, tty: true, webSocketSubProtocol: WebSocketProtocol.V4BinaryWebsocketProtocol, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or HttpOperationException or KubernetesException or HttpRequestException)
        {
            logs.Write(request.Spec.App, $"paas[{ProcessName}]", $"The terminal could not be attached (pods/attach): {e.Message}; output comes from the log");
            return false;
        }

        var raw = request.RawOutput!;
        using var attach = new PodAttachSocket(socket, (_, bytes, token) => raw(new RunOutputChunk(RunOutputStream.StandardOutput, bytes), token));
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var size = terminal.Size;
        await attach.ResizeAsync(size.Columns, size.Rows, cancellationToken).ConfigureAwait(false);
        var keys = request.Input is { } input ? SendKeysAsync(attach, input, running.Token) : Task.CompletedTask;
        var resizes = ResizeAsync(attach, terminal, running.Token);
        await attach.Ended.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (attach.Status.Contains("\"Failure\"", StringComparison.Ordinal))
        {
            logs.Write(request.Spec.App, $"paas[{ProcessName}]", $"The terminal's attach ended with: {attach.Status}");
        }

        await running.CancelAsync().ConfigureAwait(false);
        await attach.CloseAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        await Task.WhenAll(keys, resizes).WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        return true;
    }

    private static async Task SendKeysAsync(PodAttachSocket attach, Stream input, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await attach.SendInputAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // the process ended first; a terminal's input has no end of its own (Ctrl+D is a keystroke)
        }
    }

    private static async Task ResizeAsync(PodAttachSocket attach, RunTerminal terminal, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var size in terminal.Resizes.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await attach.ResizeAsync(size.Columns, size.Rows, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // the process ended
        }
    }

    private async Task<RunResult> WaitEndedAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            V1Pod pod;
            try
            {
                pod = await client.CoreV1.ReadNamespacedPodAsync(PodName, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return RunResult.NotStarted(ProcessName, $"{ProcessName}'s pod was deleted by someone else");
            }

            if (pod.Status?.Reason == "DeadlineExceeded")
            {
                return new RunResult(ProcessName, 137, true, null);
            }

            if (pod.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Terminated is { } terminated && pod.Status.Phase is "Succeeded" or "Failed")
            {
                return new RunResult(ProcessName, terminated.ExitCode, terminated.Reason == "DeadlineExceeded", null);
            }

            if (DateTime.UtcNow > deadline)
            {
                return new RunResult(ProcessName, -1, false, $"{ProcessName}'s exit status was not reported within 60 s of its output ending");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The run's name for messages (<c>run.4821</c>).</summary>
    public override string ToString() => ProcessName;
}
