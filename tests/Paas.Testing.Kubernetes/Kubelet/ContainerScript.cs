namespace Paas.Testing.Kubernetes.Kubelet;

/// <summary>
/// What a <see cref="ScriptedFakeKubelet"/> container does. The default runs forever, prints nothing, becomes ready after
/// <see cref="ScriptedKubeletOptions.ReadyDelay"/> and exits 143 on SIGTERM.
/// </summary>
public sealed record ContainerScript
{
    /// <summary>Lines printed when each run starts (a log line per entry).</summary>
    public IReadOnlyList<string> LogLines { get; init; } = [];

    /// <summary>Exit with this code after <see cref="RunFor"/> (null: run until stopped). With restartPolicy Always the kubelet restarts it with the recorded back-off and CrashLoopBackOff statuses.</summary>
    public int? ExitCode { get; init; }

    /// <summary>How long each run lasts before <see cref="ExitCode"/> (or the OOM kill).</summary>
    public TimeSpan RunFor { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Get OOM-killed after <see cref="RunFor"/>: exit code 137, reason OOMKilled.</summary>
    public bool OomKilled { get; init; }

    /// <summary>Fail every pull: ErrImagePull and ImagePullBackOff alternate, the phase stays Pending, logs answer "waiting to start".</summary>
    public bool FailPull { get; init; }

    /// <summary>The pull error's detail; null: the recorded <c>not found</c> message for the image.</summary>
    public string? PullError { get; init; }

    /// <summary>Never pass the readiness probe.</summary>
    public bool NeverReady { get; init; }

    /// <summary>Ignore SIGTERM (busybox httpd as PID 1): killed after the grace period, exit code 137 reason Error.</summary>
    public bool IgnoreSigterm { get; init; }

    /// <summary>The exit code on SIGTERM when not ignored.</summary>
    public int SigtermExitCode { get; init; } = 143;

    /// <summary>
    /// What an attached client talks to: reads the process's standard input, writes its standard output; returns null when
    /// only the attachment ends, or an exit code when the process itself ends (the container then terminates with that
    /// code). Null: echo every line back.
    /// </summary>
    public Func<TextReader, TextWriter, CancellationToken, Task<int?>>? Attach { get; init; }

    /// <summary>
    /// What an attached client talks to when the attach has a TTY (<c>tty=true</c>; the pod says <c>tty: true</c>): the
    /// terminal's input, its output (newlines become <c>\r\n</c>, as a terminal's <c>onlcr</c> does; no echo and no other
    /// line discipline) and its size (0 x 0 until a client sends one on channel 4). Returns as <see cref="Attach"/> does.
    /// Null: <see cref="Attach"/> serves TTY attaches too.
    /// </summary>
    public Func<ScriptedTerminal, CancellationToken, Task<int?>>? Terminal { get; init; }
}
