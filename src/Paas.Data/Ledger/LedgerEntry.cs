using Paas.Domain;

namespace Paas.Data;

/// <summary>What a new release records, as decided from a <see cref="LedgerSnapshot"/>.</summary>
/// <param name="Build">The release's build, or null for none.</param>
/// <param name="IsNewBuild">Whether <paramref name="Build"/> is new and must be stored (false: an existing build is reused).</param>
/// <param name="ConfigId">An existing config to reuse, or null to store <paramref name="Config"/> as a new one.</param>
/// <param name="Config">The release's config vars.</param>
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
    ReleaseState State);
