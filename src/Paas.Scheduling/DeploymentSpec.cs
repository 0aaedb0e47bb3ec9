namespace Paas.Scheduling;

/// <summary>
/// Everything a scheduler needs to run one release of an app. The environment each process gets from it is
/// <see cref="DynoEnvironment"/>'s rule.
/// </summary>
/// <param name="App">The app's name.</param>
/// <param name="Release">The release version (7 for <c>v7</c>).</param>
/// <param name="Image">The image reference, pinned by digest when known.</param>
/// <param name="Config">Config vars, given to every process as environment variables.</param>
/// <param name="ProcessTypes">Process type to command (from the Procfile).</param>
/// <param name="Formation">Process type to count; types absent here run 0 processes.</param>
/// <param name="SourceVersion">The git commit of the build, when known (<c>SOURCE_VERSION</c>).</param>
public sealed record DeploymentSpec(
    string App,
    int Release,
    string Image,
    IReadOnlyDictionary<string, string> Config,
    IReadOnlyDictionary<string, string> ProcessTypes,
    IReadOnlyDictionary<string, int> Formation,
    string? SourceVersion)
{
    private static readonly IReadOnlyDictionary<string, Paas.Domain.ProcessLimits> NoLimits = new Dictionary<string, Paas.Domain.ProcessLimits>();
    private static readonly IReadOnlyDictionary<string, Paas.Domain.HealthCheck> NoHealthChecks = new Dictionary<string, Paas.Domain.HealthCheck>();
    private static readonly IReadOnlyDictionary<string, Paas.Domain.AutoscalePolicy> NoAutoscale = new Dictionary<string, Paas.Domain.AutoscalePolicy>();

    /// <summary>The release's resource limits per process type (<c>paas limits:set</c>); types absent here get the scheduler's default.</summary>
    public IReadOnlyDictionary<string, Paas.Domain.ProcessLimits> Limits { get; init; } = NoLimits;

    /// <summary>The release's HTTP health checks per process type (<c>paas healthchecks:set</c>); types absent here are up once listening (web) or started.</summary>
    public IReadOnlyDictionary<string, Paas.Domain.HealthCheck> HealthChecks { get; init; } = NoHealthChecks;

    /// <summary>The app's id (a UUID string; <c>HEROKU_APP_ID</c>), or null when unknown (the variable is then not set).</summary>
    public string? AppId { get; init; }

    /// <summary>When the release was made (<c>HEROKU_RELEASE_CREATED_AT</c>, <c>WORKFLOW_RELEASE_CREATED_AT</c>), or null when unknown.</summary>
    public DateTimeOffset? ReleaseCreatedAt { get; init; }

    /// <summary>The release's summary, "alice deployed 1a2b3c4" (<c>WORKFLOW_RELEASE_SUMMARY</c>), or null when unknown.</summary>
    public string? ReleaseSummary { get; init; }

    /// <summary>
    /// The app's autoscaling policies per process type (<c>paas autoscale</c>; not part of the release, like the formation).
    /// A scheduler that cannot autoscale (<see cref="IScheduler.SupportsAutoscaling"/> false) never gets any.
    /// </summary>
    public IReadOnlyDictionary<string, Paas.Domain.AutoscalePolicy> Autoscale { get; init; } = NoAutoscale;
}
