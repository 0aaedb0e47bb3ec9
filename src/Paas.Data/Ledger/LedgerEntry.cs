using Paas.Domain;

namespace Paas.Data;

/// <summary>What a new release records, as decided from a <see cref="LedgerSnapshot"/>.</summary>
/// <param name="Build">The release's build, or null for none.</param>
/// <param name="IsNewBuild">Whether <paramref name="Build"/> is new and must be stored (false: an existing build is reused).</param>
/// <param name="ConfigId">An existing config to reuse, or null to store <paramref name="Config"/> as a new one.</param>
/// <param name="Config">The release's config vars (with <see cref="Limits"/> and <see cref="HealthChecks"/>, stored with them when <paramref name="ConfigId"/> is null).</param>
/// <param name="Summary">The release's summary line.</param>
/// <param name="CreatedBy">Username of who makes it.</param>
/// <param name="State">Its initial state: <see cref="ReleaseState.Pending"/> when something must be deployed, else succeeded.</param>
public sealed record LedgerEntry(
    Build? Build,
    bool IsNewBuild,
    string? ConfigId,
    IReadOnlyDictionary<string, string> Config,
    string Summary,
    string CreatedBy,
    ReleaseState State)
{
    private static readonly IReadOnlyDictionary<string, ProcessLimits> NoLimits = new Dictionary<string, ProcessLimits>();
    private static readonly IReadOnlyDictionary<string, HealthCheck> NoHealthChecks = new Dictionary<string, HealthCheck>();

    /// <summary>The release's limits per process type; must be those of the config <see cref="ConfigId"/> when it is reused.</summary>
    public IReadOnlyDictionary<string, ProcessLimits> Limits { get; init; } = NoLimits;

    /// <summary>The release's health checks per process type; must be those of the config <see cref="ConfigId"/> when it is reused.</summary>
    public IReadOnlyDictionary<string, HealthCheck> HealthChecks { get; init; } = NoHealthChecks;

    /// <summary>An entry that keeps <paramref name="release"/>'s whole config (vars, limits, health checks) by its id.</summary>
    /// <param name="release">The release whose config is kept.</param>
    /// <param name="build">The new release's build.</param>
    /// <param name="isNewBuild">Whether <paramref name="build"/> must be stored.</param>
    /// <param name="summary">The summary line.</param>
    /// <param name="createdBy">Who makes it.</param>
    /// <param name="state">Its initial state.</param>
    /// <returns>The entry.</returns>
    public static LedgerEntry KeepingConfigOf(Release release, Build? build, bool isNewBuild, string summary, string createdBy, ReleaseState state) =>
        new(build, isNewBuild, release.ConfigId, release.Config, summary, createdBy, state) { Limits = release.Limits, HealthChecks = release.HealthChecks };
}
