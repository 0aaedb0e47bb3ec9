namespace Paas.Scheduling.Podman;

/// <summary>
/// Settings of <see cref="PodmanScheduler"/> (configuration section <c>Paas:Podman</c>). What it shares with the local
/// runtime (boot timeout, stop grace period, drain delay, crash back-off, run time limit, data folder, log size) stays in
/// <see cref="Local.LocalRuntimeOptions"/>: one setting, one place.
/// </summary>
public sealed class PodmanOptions
{
    /// <summary>The podman executable. Default <c>podman</c>, looked up on <c>PATH</c>.</summary>
    public string PodmanPath { get; set; } = "podman";

    /// <summary>
    /// The OCI runtime, given as <c>podman --runtime</c> to every command. Default <c>runc</c>: crun fails on hosts with a hybrid
    /// cgroup hierarchy (the project's machines, shared/docs/environment.md). Empty: podman's own default.
    /// </summary>
    public string Runtime { get; set; } = "runc";

    /// <summary>
    /// Arguments added to every <c>podman run</c>. Default <c>--ulimit nofile=1024:1024 --ulimit nproc=1024:1024</c>: the
    /// limits these machines accept (podman's defaults, copied from its own process, are refused there). Items bound from
    /// configuration (<c>Paas:Podman:RunArguments:0</c>...) are added after these, as the configuration binder does with lists.
    /// </summary>
    public IList<string> RunArguments { get; set; } = ["--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"];

    /// <summary>
    /// The <c>PORT</c> a web container listens on (the stack's default, and the Kubernetes scheduler's <c>WebPort</c>). Its
    /// port is published on 127.0.0.1 at a port podman picks (<c>--publish 127.0.0.1::5000</c>), which the router uses. Default 5000.
    /// </summary>
    public int WebPort { get; set; } = 5000;

    /// <summary>The image entrypoint that marks an image built on the stack (the command is then its one argument). Default <c>/usr/local/bin/paas-launcher</c>.</summary>
    public string LauncherPath { get; set; } = "/usr/local/bin/paas-launcher";

    /// <summary>
    /// Which platform's containers these are: the value of the <c>io.paas.platform</c> label on every container and network
    /// it makes, so a restarted paasd adopts its own containers and leaves those of another platform on the same machine
    /// alone. Null (default): derived from the data folder's full path.
    /// </summary>
    public string? PlatformId { get; set; }

    /// <summary>
    /// The memory limit of a process whose type has none (<c>paas limits:set</c>), one-off processes included, in the
    /// platform's format (<c>512M</c>, <c>1G</c>: <see cref="Paas.Domain.ResourceQuantity.TryParseMemory"/>); empty for no
    /// limit. Default <c>512M</c>, Heroku's standard-1X and the Kubernetes scheduler's default: without one, a single app
    /// could take the machine's memory from every other app (<c>PAAS_PODMAN_DEFAULT_MEMORY</c>).
    /// </summary>
    public string DefaultMemory { get; set; } = "512M";

    /// <summary><see cref="DefaultMemory"/> in bytes, or null when it is empty (no limit).</summary>
    /// <returns>The bytes, or null.</returns>
    /// <exception cref="InvalidOperationException">The value is not a memory limit; the message says what is wrong and gives an example.</exception>
    public long? DefaultMemoryBytes() =>
        string.IsNullOrWhiteSpace(DefaultMemory) ? null
        : Paas.Domain.ResourceQuantity.TryParseMemory(DefaultMemory.Trim(), out var bytes) is { } error
            ? throw new InvalidOperationException($"PAAS_PODMAN_DEFAULT_MEMORY: {error}")
            : bytes;

    /// <summary>Whether images no app runs any more are removed from podman's storage after a deploy or destroy (<c>podman rmi</c>, best effort). Default true.</summary>
    public bool PruneImages { get; set; } = true;

    /// <summary>The podman executable's full path: <see cref="PodmanPath"/> itself when it names a file, else the first match on <c>PATH</c>; null when none exists.</summary>
    /// <returns>The path, or null.</returns>
    public string? Locate()
    {
        if (PodmanPath.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(PodmanPath) ? Path.GetFullPath(PodmanPath) : null;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, PodmanPath))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>How long one podman command (pull, run, inspect, stop, rm) may take before it is killed. Default 5 minutes (a first pull of the stack).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
