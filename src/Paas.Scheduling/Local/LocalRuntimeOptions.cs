namespace Paas.Scheduling.Local;

/// <summary>Settings of <see cref="LocalProcessScheduler"/> (configuration section <c>Scheduler:Local</c>).</summary>
public sealed class LocalRuntimeOptions
{
    /// <summary>The platform's data folder; the runtime keeps slugs, logs and process records under it (see <see cref="LocalPaths"/>).</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>How long a web process has to accept connections on <c>PORT</c> (Heroku's boot timeout). Default 60 s; an app
    /// overrides it with the config var <see cref="BootTimeoutConfigVar"/> (seconds).</summary>
    public TimeSpan BootTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The boot timeout of <paramref name="spec"/>'s web processes: its <see cref="BootTimeoutConfigVar"/> config var in seconds, or <see cref="BootTimeout"/>.</summary>
    /// <param name="spec">The release.</param>
    /// <returns>The timeout.</returns>
    public TimeSpan BootTimeoutFor(DeploymentSpec spec) =>
        spec.Config.TryGetValue(BootTimeoutConfigVar, out var text)
        && double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
        && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : BootTimeout;

    /// <summary>The config var that overrides <see cref="BootTimeout"/> for one app, in seconds.</summary>
    public const string BootTimeoutConfigVar = "PAAS_BOOT_TIMEOUT";

    /// <summary>
    /// The config var naming an HTTP path (<c>/health</c>) a web process must answer with a status below 400, after it
    /// accepts connections, before it counts as up. Unset: accepting connections is enough. Kept for compatibility: a
    /// release's health check of <c>web</c> (<see cref="DeploymentSpec.HealthChecks"/>, <c>paas healthchecks:set</c>) takes precedence.
    /// </summary>
    public const string HealthCheckPathConfigVar = "PAAS_HEALTHCHECK_PATH";

    /// <summary>Time between SIGTERM and SIGKILL when a process is stopped. Default 30 s (Heroku's).</summary>
    public TimeSpan StopGracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long web processes that left the endpoint feed (replaced by a deploy or a rolling restart, or scaled away) keep
    /// running before they are sent SIGTERM, so the router's table, which follows the feed, stops sending them requests
    /// first. Default 1 s (the route feed polls every 500 ms).
    /// </summary>
    public TimeSpan EndpointDrainDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The first restart delay after a crash; doubled after each further crash. Default 1 s.</summary>
    public TimeSpan CrashBackoffInitial { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest restart delay. Default 5 minutes.</summary>
    public TimeSpan CrashBackoffMax { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The back-off that follows <paramref name="previous"/>: twice as long, at most <see cref="CrashBackoffMax"/> (crashed processes and releases waiting for their image alike).</summary>
    /// <param name="previous">The back-off just waited.</param>
    /// <returns>The next back-off.</returns>
    public TimeSpan NextBackoff(TimeSpan previous) => TimeSpan.FromTicks(Math.Min(previous.Ticks * 2, CrashBackoffMax.Ticks));

    /// <summary>A process up for this long has its back-off reset to <see cref="CrashBackoffInitial"/>. Default 10 minutes.</summary>
    public TimeSpan CrashBackoffReset { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The default time limit of one-off processes (<c>paas run</c>). Default 1 hour.</summary>
    public TimeSpan RunTimeLimit { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The <c>PATH</c> after the slug's own folders. Default the usual system folders.</summary>
    public string SystemPath { get; set; } = "/usr/local/bin:/usr/bin:/bin";

    /// <summary>The most bytes one app's logs take on disk. Default 10 MB.</summary>
    public long MaxLogBytesPerApp { get; set; } = 10 * 1024 * 1024;

    /// <summary>The registry username the runtime pulls with (the platform service credential, <c>paas-service</c>).</summary>
    public string RegistryUsername { get; set; } = "paas-service";

    /// <summary>The registry secret (the content of <c>DATA_DIR/service-token</c>), or null to pull anonymously.</summary>
    public string? RegistryPassword { get; set; }

    /// <summary>
    /// The platform registry's <c>host:port</c> (e.g. <c>127.0.0.1:5000</c>), read at each pull: the credential above is sent
    /// to that host alone, never to a registry an image reference names elsewhere. Null (default): it is never sent.
    /// </summary>
    public Func<string?>? RegistryAuthority { get; set; }

    /// <summary>Whether to pull with HTTPS instead of plain HTTP. Default false (the integrated registry on loopback).</summary>
    public bool RegistryUseHttps { get; set; }

    /// <summary>
    /// Whether each app's processes run as the app's own unprivileged user (<c>paas-APP</c>), with the slug mounted at
    /// <see cref="AppMountPoint"/> in a private mount namespace and the data folder hidden. Null (default): when the
    /// platform runs as root. Needs root, <c>useradd</c>, <c>unshare</c> and <c>setpriv</c> (util-linux).
    /// </summary>
    public bool? RunAsAppUsers { get; set; }

    /// <summary>Where a confined process sees its slug (its working folder and HOME). Default <c>/app</c>, as on Heroku.</summary>
    public string AppMountPoint { get; set; } = "/app";
}
