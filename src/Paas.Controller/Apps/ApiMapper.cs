using Paas.Client;
using Paas.Domain;
using Paas.Scheduling;

namespace Paas.Controller;

/// <summary>Maps domain records to the API's contract records.</summary>
internal static class ApiMapper
{
    public static UserInfo ToInfo(this User user, IReadOnlyList<string>? teams = null) =>
        new(user.Username, user.Email, user.IsAdmin, user.CreatedAt, user.Source == UserSource.Directory ? "directory" : "local", user.DisplayName, user.IsActive, teams, user.SyncedAt);

    public static TeamInfo ToInfo(this Team team, int members) => new(team.Name, SourceName(team.Source), members, team.CreatedAt);

    public static string SourceName(TeamSource source) => source == TeamSource.Directory ? "directory" : "platform";

    public static string RoleName(AppRole role) => role.ToString().ToLowerInvariant();

    public static AppInfo ToInfo(this App app, PaasOptions options, int release, IReadOnlyDictionary<string, int> structure) =>
        new(app.Name, app.Owner, options.AppUrl(app.Name), release, structure, app.CreatedAt, app.UpdatedAt);

    public static IReadOnlyDictionary<string, ProcessLimitsInfo> ToInfo(this IReadOnlyDictionary<string, ProcessLimits> limits) =>
        new SortedDictionary<string, ProcessLimitsInfo>(
            limits.ToDictionary(
                kv => kv.Key,
                kv => new ProcessLimitsInfo(
                    kv.Value.MemoryBytes is { } bytes ? ResourceQuantity.FormatMemory(bytes) : null,
                    kv.Value.CpuMillicores is { } millicores ? ResourceQuantity.FormatCpu(millicores) : null)),
            StringComparer.Ordinal);

    public static IReadOnlyDictionary<string, HealthCheckInfo> ToInfo(this IReadOnlyDictionary<string, HealthCheck> checks) =>
        new SortedDictionary<string, HealthCheckInfo>(
            checks.ToDictionary(kv => kv.Key, kv => new HealthCheckInfo(kv.Value.Path, kv.Value.TimeoutSeconds, kv.Value.IntervalSeconds, kv.Value.FailureThreshold)),
            StringComparer.Ordinal);

    public static IReadOnlyDictionary<string, AutoscalePolicyInfo> ToInfo(this IReadOnlyDictionary<string, AutoscalePolicy> policies) =>
        new SortedDictionary<string, AutoscalePolicyInfo>(
            policies.ToDictionary(kv => kv.Key, kv => new AutoscalePolicyInfo(kv.Value.Min, kv.Value.Max, kv.Value.CpuPercent)),
            StringComparer.Ordinal);

    /// <summary>Whether the configured scheduler enforces limits, and the sentence that says so when it does not.</summary>
    public static (bool Enforced, string? Note) LimitsEnforcement(PaasOptions options) =>
        options.Scheduler is "kubernetes" or "podman"
            ? (true, null)
            : (false, $"the {options.Scheduler} scheduler records these limits but does not enforce them (the Kubernetes and podman schedulers do)");

    public static BuildInfo ToInfo(this Build build, string app) =>
        new(build.Id, app, build.Image, build.Sha, build.ProcessTypes, build.CreatedBy, build.CreatedAt);

    public static ReleaseInfo ToInfo(this Release release, string app, int currentVersion, bool withConfig) =>
        new(
            app,
            release.Version,
            release.Build?.Id,
            release.Build?.Image,
            release.Summary,
            release.CreatedBy,
            release.State switch
            {
                ReleaseState.Pending => ReleaseStatus.Pending,
                ReleaseState.Succeeded => ReleaseStatus.Succeeded,
                _ => ReleaseStatus.Failed,
            },
            release.FailureReason,
            release.Version == currentVersion,
            release.CreatedAt,
            withConfig ? release.Config : null);

    public static ProcessInfo ToInfo(this ProcessStatus process) =>
        new(process.Name, process.Type, process.State.ToString().ToLowerInvariant(), process.Release, process.Command, process.StartedAt, process.Restarts, process.Reason);
}
