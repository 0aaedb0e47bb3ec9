namespace Paas.Client;

/// <summary>An app, as the <c>/v2/apps</c> routes answer.</summary>
/// <param name="Name">The app's name: a DNS label of at most 30 characters.</param>
/// <param name="Owner">Username of the owner.</param>
/// <param name="Url">Where the app answers (e.g. <c>http://hello.localhost:8080</c>).</param>
/// <param name="Release">The current release's version (<c>v3</c> is 3); 0 before any release succeeded.</param>
/// <param name="Structure">The formation: process type to count (e.g. <c>{"web": 4}</c>).</param>
/// <param name="CreatedAt">When the app was created.</param>
/// <param name="UpdatedAt">When its last release was made.</param>
/// <param name="Limits">The current release's limits per process type (omitted when none).</param>
/// <param name="Healthchecks">The current release's health checks per process type (omitted when none).</param>
/// <param name="Autoscale">The autoscaling policies per process type (omitted when none).</param>
public sealed record AppInfo(
    string Name,
    string Owner,
    string Url,
    int Release,
    IReadOnlyDictionary<string, int> Structure,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyDictionary<string, ProcessLimitsInfo>? Limits = null,
    IReadOnlyDictionary<string, HealthCheckInfo>? Healthchecks = null,
    IReadOnlyDictionary<string, AutoscalePolicyInfo>? Autoscale = null);
