namespace Paas.Testing.Kubernetes.Kubelet;

/// <summary>
/// The node side of the fake Kubernetes API server: runs (or pretends to run) the pods the fake binds to its one node, and
/// reports what happens to them through <see cref="IFakeKubeletHost"/>. The API server turns those reports into pod status
/// in the shapes the v1.28 recordings show (phase, conditions, containerStatuses, Events). Implementations:
/// <c>ScriptedFakeKubelet</c> (statuses only, no process runs) and <c>PodmanFakeKubelet</c> (each pod a podman container).
/// Every pod has exactly one container (the platform writes no others); calls for one pod never overlap except
/// <see cref="WriteLogAsync"/> and <see cref="AttachAsync"/>, which may run while the pod runs or stops.
/// </summary>
public interface IFakeKubelet : IAsyncDisposable
{
    /// <summary>
    /// Starts the pod and returns once it is started (its container may still be pulling or booting); from then on the
    /// kubelet reports each state change (waiting, running, ready, terminated, restarts with back-off for
    /// <c>restartPolicy: Always</c>) through <paramref name="host"/> until the pod is stopped.
    /// </summary>
    /// <param name="pod">What to run.</param>
    /// <param name="host">Where to report.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when the pod has been started.</returns>
    Task StartPodAsync(FakePodSpec pod, IFakeKubeletHost host, CancellationToken cancellationToken);

    /// <summary>
    /// Stops the pod as the kubelet does on a graceful delete: SIGTERM, SIGKILL after <paramref name="gracePeriod"/>, a final
    /// terminated report, then forgets it. Stopping an unknown or already stopped pod does nothing.
    /// </summary>
    /// <param name="pod">The pod.</param>
    /// <param name="gracePeriod">The grace period (<c>terminationGracePeriodSeconds</c> or the DELETE's <c>gracePeriodSeconds</c>).</param>
    /// <param name="cancellationToken">Cancels the wait (the pod is then killed at once).</param>
    /// <returns>A task that completes when the pod's processes are gone.</returns>
    Task StopPodAsync(FakePodKey pod, TimeSpan gracePeriod, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the container's log to <paramref name="output"/> as <c>GET pods/NAME/log</c> serves it (05a-05e, 06e, 08g):
    /// one line per write of the process, each preceded by an RFC 3339 timestamp with 9 fractional digits and a space when
    /// <see cref="FakeLogOptions.Timestamps"/>; with <see cref="FakeLogOptions.Follow"/>, keeps writing new lines until the
    /// container ends or <paramref name="cancellationToken"/> fires (then returns without throwing).
    /// </summary>
    /// <param name="pod">The pod.</param>
    /// <param name="options">The query's options.</param>
    /// <param name="output">The response body.</param>
    /// <param name="cancellationToken">The client went away.</param>
    /// <returns>A task that completes when the log has been written.</returns>
    /// <exception cref="FakeKubeletException">The container has no log to show (waiting to start: the recorded 400 message).</exception>
    Task WriteLogAsync(FakePodKey pod, FakeLogOptions options, Stream output, CancellationToken cancellationToken);

    /// <summary>
    /// Attaches to the running container's standard streams (<c>pods/NAME/attach</c>): what is written to
    /// <see cref="FakeAttachment.Stdin"/> reaches the process; what it writes afterwards (no replay of earlier output)
    /// comes out of <see cref="FakeAttachment.Stdout"/> and <see cref="FakeAttachment.Stderr"/>, which end when the process
    /// ends.
    /// </summary>
    /// <param name="pod">The pod.</param>
    /// <param name="options">Which streams, and whether the container has a TTY.</param>
    /// <param name="cancellationToken">Cancels the attach.</param>
    /// <returns>The attachment.</returns>
    /// <exception cref="FakeKubeletException">The container is not running.</exception>
    Task<FakeAttachment> AttachAsync(FakePodKey pod, FakeAttachOptions options, CancellationToken cancellationToken);
}

/// <summary>Names one pod.</summary>
/// <param name="Namespace">Its namespace.</param>
/// <param name="Name">Its name.</param>
public sealed record FakePodKey(string Namespace, string Name)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Namespace}/{Name}";
}

/// <summary>The one container of a pod, resolved by the API server from the stored Pod (env from Secrets included).</summary>
/// <param name="Key">The pod.</param>
/// <param name="Uid">The pod's <c>metadata.uid</c>.</param>
/// <param name="Container">The container's name (<c>web</c>).</param>
/// <param name="Image">The image reference as written in the spec.</param>
/// <param name="Command">The container's <c>command</c> (replaces the image's entrypoint), or null.</param>
/// <param name="Args">The container's <c>args</c> (replaces the image's cmd), or null.</param>
/// <param name="Env">The environment in the order Kubernetes builds it: <c>envFrom</c> sources first, then <c>env</c> (later wins).</param>
/// <param name="Ports">The declared container ports.</param>
/// <param name="RestartPolicy"><c>Always</c>, <c>OnFailure</c> or <c>Never</c>.</param>
/// <param name="MemoryLimitBytes">The memory limit in bytes, or null.</param>
/// <param name="CpuLimitMillicores">The CPU limit in millicores, or null.</param>
/// <param name="Readiness">The readiness probe, or null (ready once running).</param>
/// <param name="Liveness">The liveness probe, or null.</param>
/// <param name="Stdin">Whether the container keeps standard input open (<c>stdin: true</c>).</param>
/// <param name="StdinOnce">Whether standard input closes after the first attach ends.</param>
/// <param name="Tty">Whether the container has a TTY.</param>
/// <param name="PullAuth">Credentials for the image's registry from the pod's <c>imagePullSecrets</c> (dockerconfigjson), or null.</param>
/// <param name="ActiveDeadlineSeconds">The pod's <c>activeDeadlineSeconds</c>, or null.</param>
/// <param name="TerminationGracePeriodSeconds">The pod's grace period (default 30).</param>
/// <param name="WorkingDir">The container's <c>workingDir</c>, or null.</param>
/// <param name="RunAsUser">The container's or pod's <c>securityContext.runAsUser</c>, or null.</param>
public sealed record FakePodSpec(
    FakePodKey Key,
    string Uid,
    string Container,
    string Image,
    IReadOnlyList<string>? Command,
    IReadOnlyList<string>? Args,
    IReadOnlyList<KeyValuePair<string, string>> Env,
    IReadOnlyList<FakeContainerPort> Ports,
    string RestartPolicy,
    long? MemoryLimitBytes,
    long? CpuLimitMillicores,
    FakeProbe? Readiness,
    FakeProbe? Liveness,
    bool Stdin,
    bool StdinOnce,
    bool Tty,
    FakeRegistryAuth? PullAuth,
    long? ActiveDeadlineSeconds,
    long TerminationGracePeriodSeconds,
    string? WorkingDir,
    long? RunAsUser);

/// <summary>A declared container port.</summary>
/// <param name="Name">Its name (<c>http</c>), or null.</param>
/// <param name="ContainerPort">The port.</param>
/// <param name="Protocol"><c>TCP</c> unless said.</param>
public sealed record FakeContainerPort(string? Name, int ContainerPort, string Protocol = "TCP");

/// <summary>A probe, with named ports already resolved to numbers.</summary>
/// <param name="TcpPort">The port of a <c>tcpSocket</c> probe, or null.</param>
/// <param name="HttpPath">The path of an <c>httpGet</c> probe, or null.</param>
/// <param name="HttpPort">The port of an <c>httpGet</c> probe, or null.</param>
/// <param name="InitialDelaySeconds">Default 0.</param>
/// <param name="PeriodSeconds">Default 10.</param>
/// <param name="TimeoutSeconds">Default 1.</param>
/// <param name="FailureThreshold">Default 3.</param>
/// <param name="SuccessThreshold">Default 1.</param>
public sealed record FakeProbe(int? TcpPort, string? HttpPath, int? HttpPort, int InitialDelaySeconds = 0, int PeriodSeconds = 10, int TimeoutSeconds = 1, int FailureThreshold = 3, int SuccessThreshold = 1);

/// <summary>Registry credentials taken from a <c>kubernetes.io/dockerconfigjson</c> Secret.</summary>
/// <param name="Registry">The registry host (<c>127.0.0.1:5000</c>).</param>
/// <param name="Username">The user name.</param>
/// <param name="Password">The password or token.</param>
public sealed record FakeRegistryAuth(string Registry, string Username, string Password);

/// <summary>The options of a log request (<c>GET pods/NAME/log?...</c>).</summary>
/// <param name="Follow"><c>follow=true</c>.</param>
/// <param name="Timestamps"><c>timestamps=true</c>.</param>
/// <param name="TailLines"><c>tailLines</c>, or null for all.</param>
/// <param name="Previous"><c>previous=true</c>: the last terminated run's log.</param>
/// <param name="LimitBytes"><c>limitBytes</c>, or null.</param>
/// <param name="SinceTime"><c>sinceTime</c>, or null.</param>
public sealed record FakeLogOptions(bool Follow = false, bool Timestamps = false, int? TailLines = null, bool Previous = false, long? LimitBytes = null, DateTimeOffset? SinceTime = null);

/// <summary>What an attach asks for.</summary>
/// <param name="Stdin">Forward standard input.</param>
/// <param name="Stdout">Return standard output.</param>
/// <param name="Stderr">Return standard error (ignored with a TTY: one stream).</param>
/// <param name="Tty">The container has a TTY.</param>
public sealed record FakeAttachOptions(bool Stdin, bool Stdout, bool Stderr, bool Tty);

/// <summary>An attachment to a running container's standard streams.</summary>
/// <param name="Stdin">Writes reach the process; null when not asked for. Disposing it closes the process's input only when <c>stdinOnce</c>.</param>
/// <param name="Stdout">The process's standard output from now on (ends when it exits); with a TTY, what the terminal shows; null when not asked for.</param>
/// <param name="Stderr">Its standard error; null when not asked for or with a TTY.</param>
/// <param name="Detach">Ends the attachment without touching the process.</param>
/// <param name="Resize">
/// Sets the size of the container's terminal (what channel 4 of the attach carries; the runtime's <c>ResizeContainerTTY</c>);
/// null when the attachment has no TTY (resize messages are then dropped, as the kubelet does).
/// </param>
public sealed record FakeAttachment(Stream? Stdin, Stream? Stdout, Stream? Stderr, Func<ValueTask> Detach, Func<FakeTerminalSize, ValueTask>? Resize = null);

/// <summary>
/// A terminal size as a client sends it on channel 4 of an attach: JSON <c>{"Width":80,"Height":24}</c> (Go's
/// <c>remotecommand.TerminalSize</c>, two uint16). A container's TTY starts at 0 x 0 until a client sets it.
/// </summary>
/// <param name="Width">Columns.</param>
/// <param name="Height">Rows.</param>
public readonly record struct FakeTerminalSize(int Width, int Height);

/// <summary>Where a kubelet reports; implemented by the fake API server, which writes Pod status and Events from it.</summary>
public interface IFakeKubeletHost
{
    /// <summary>Reports the pod's sandbox address (<c>status.podIP</c>/<c>podIPs</c>) and the node's (<c>status.hostIP</c>).</summary>
    /// <param name="pod">The pod.</param>
    /// <param name="podIp">The pod's address, reachable from the machine running the tests.</param>
    /// <param name="hostIp">The node's address.</param>
    void ReportPodIp(FakePodKey pod, string podIp, string hostIp);

    /// <summary>
    /// Reports the container's state. The server derives the phase (Pending until first running; Running; Succeeded or
    /// Failed once a <c>Never</c>/<c>OnFailure</c> container has terminated, or when a deleted pod's container was killed),
    /// the four conditions in the recorded order and containerStatuses (keys: name, state, lastState, ready, restartCount,
    /// image, imageID, containerID, started).
    /// </summary>
    /// <param name="pod">The pod.</param>
    /// <param name="status">The container's status.</param>
    void ReportContainer(FakePodKey pod, FakeContainerStatus status);

    /// <summary>Records a core/v1 Event about the pod (old style, <c>source.component: kubelet</c>; repeats increase <c>count</c>).</summary>
    /// <param name="pod">The pod.</param>
    /// <param name="type"><c>Normal</c> or <c>Warning</c>.</param>
    /// <param name="reason"><c>Pulling</c>, <c>Pulled</c>, <c>Created</c>, <c>Started</c>, <c>BackOff</c>, <c>Killing</c>, <c>Failed</c>...</param>
    /// <param name="message">The message.</param>
    void RecordEvent(FakePodKey pod, string type, string reason, string message);
}

/// <summary>One container's status as a kubelet reports it.</summary>
/// <param name="State">The current state.</param>
/// <param name="LastState">The previous run's termination, or null.</param>
/// <param name="Ready">Whether its readiness probe passes.</param>
/// <param name="RestartCount">How often it was restarted.</param>
/// <param name="ImageId">The pulled image (<c>127.0.0.1:5000/app@sha256:...</c>), or null before the pull.</param>
/// <param name="ContainerId">The container (<c>containerd://HEX</c> or <c>podman://HEX</c>), or null before creation.</param>
public sealed record FakeContainerStatus(FakeContainerState State, FakeContainerState.Terminated? LastState, bool Ready, int RestartCount, string? ImageId, string? ContainerId);

/// <summary>A container state (<c>waiting</c>, <c>running</c> or <c>terminated</c>).</summary>
public abstract record FakeContainerState
{
    private FakeContainerState()
    {
    }

    /// <summary><c>waiting</c>: <c>ContainerCreating</c>, <c>ErrImagePull</c>, <c>ImagePullBackOff</c>, <c>CrashLoopBackOff</c>...</summary>
    /// <param name="Reason">The reason.</param>
    /// <param name="Message">The message, or null.</param>
    public sealed record Waiting(string Reason, string? Message = null) : FakeContainerState;

    /// <summary><c>running</c> since <paramref name="StartedAt"/>.</summary>
    /// <param name="StartedAt">When it started.</param>
    public sealed record Running(DateTimeOffset StartedAt) : FakeContainerState;

    /// <summary><c>terminated</c>: reason <c>Completed</c> (exit 0), <c>Error</c>, <c>OOMKilled</c> (137), <c>DeadlineExceeded</c>.</summary>
    /// <param name="ExitCode">The exit code (128 + signal when killed).</param>
    /// <param name="Reason">The reason.</param>
    /// <param name="StartedAt">When it started.</param>
    /// <param name="FinishedAt">When it ended.</param>
    /// <param name="Message">A message, or null.</param>
    public sealed record Terminated(int ExitCode, string Reason, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string? Message = null) : FakeContainerState;
}

/// <summary>A kubelet refusal the API server answers as a 400 <c>BadRequest</c> Status with <see cref="Exception.Message"/>.</summary>
/// <param name="message">The recorded message, e.g. <c>container "web" in pod "x" is waiting to start: ContainerCreating</c>.</param>
public sealed class FakeKubeletException(string message) : Exception(message);
