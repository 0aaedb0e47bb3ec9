namespace Paas.Domain;

/// <summary>
/// A release: an immutable, numbered pair of a build and a config (the ledger's entry); the config also holds the process
/// types' <see cref="Limits"/> and <see cref="HealthChecks"/>, as in Deis Workflow. Only its
/// <see cref="State"/> and <see cref="FailureReason"/> change, once, when its deploy ends.
/// </summary>
/// <param name="Id">The release's id (a UUID string).</param>
/// <param name="AppId">The app's id.</param>
/// <param name="Version">1-based, gapless per app.</param>
/// <param name="Build">Its build, or null for releases made before the first build.</param>
/// <param name="ConfigId">Its config's id (configs are shared by releases that did not change them).</param>
/// <param name="Config">Its config vars, name to value.</param>
/// <param name="Summary">What made it (see <see cref="ReleaseSummary"/>).</param>
/// <param name="CreatedBy">Username of who made it.</param>
/// <param name="State">Its deploy state.</param>
/// <param name="FailureReason">Why its deploy failed, when it did.</param>
/// <param name="CreatedAt">When it was made.</param>
public sealed record Release(
    string Id,
    string AppId,
    int Version,
    Build? Build,
    string ConfigId,
    IReadOnlyDictionary<string, string> Config,
    string Summary,
    string CreatedBy,
    ReleaseState State,
    string? FailureReason,
    DateTimeOffset CreatedAt)
{
    private static readonly IReadOnlyDictionary<string, ProcessLimits> NoLimits = new Dictionary<string, ProcessLimits>();
    private static readonly IReadOnlyDictionary<string, HealthCheck> NoHealthChecks = new Dictionary<string, HealthCheck>();

    /// <summary>Its resource limits per process type (<c>paas limits:set</c>), part of its config; empty for none.</summary>
    public IReadOnlyDictionary<string, ProcessLimits> Limits { get; init; } = NoLimits;

    /// <summary>Its HTTP health checks per process type (<c>paas healthchecks:set</c>), part of its config; empty for none.</summary>
    public IReadOnlyDictionary<string, HealthCheck> HealthChecks { get; init; } = NoHealthChecks;
}
