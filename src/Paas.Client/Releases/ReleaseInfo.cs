namespace Paas.Client;

/// <summary>A release: an immutable, numbered pair of a build and a config (with its limits and health checks).</summary>
/// <param name="App">The app's name.</param>
/// <param name="Version">The release number, 1-based and gapless per app (<c>v1</c>, <c>v2</c>, ...).</param>
/// <param name="BuildId">The build's id, or null for a release made before the first build.</param>
/// <param name="Image">The build's image reference, or null when there is no build.</param>
/// <param name="Summary">What made it, Heroku style: "alice deployed 1a2b3c4", "alice added FOO", "alice rolled back to v2".</param>
/// <param name="Owner">Username of who made it.</param>
/// <param name="Status">Its deploy status.</param>
/// <param name="FailureReason">Why its deploy failed, when <paramref name="Status"/> is <see cref="ReleaseStatus.Failed"/>.</param>
/// <param name="Current">Whether it is the app's current release (the latest that succeeded).</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="Config">Its config vars: given by <c>GET .../releases/v{N}</c>, omitted from lists.</param>
/// <param name="Limits">Its limits per process type: given by <c>GET .../releases/v{N}</c>, omitted from lists.</param>
/// <param name="Healthchecks">Its health checks per process type: given by <c>GET .../releases/v{N}</c>, omitted from lists.</param>
public sealed record ReleaseInfo(
    string App,
    int Version,
    string? BuildId,
    string? Image,
    string Summary,
    string Owner,
    ReleaseStatus Status,
    string? FailureReason,
    bool Current,
    DateTimeOffset CreatedAt,
    IReadOnlyDictionary<string, string>? Config = null,
    IReadOnlyDictionary<string, ProcessLimitsInfo>? Limits = null,
    IReadOnlyDictionary<string, HealthCheckInfo>? Healthchecks = null);
