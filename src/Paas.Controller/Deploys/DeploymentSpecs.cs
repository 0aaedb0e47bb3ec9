using Paas.Data;
using Paas.Domain;
using Paas.Scheduling;

namespace Paas.Controller;

/// <summary>
/// The one place a <see cref="DeploymentSpec"/> is made (deploys, scale, autoscale changes, one-off runs, the start-up
/// reconciliation): the release gives image, config, process types, <see cref="DeploymentSpec.Limits"/>,
/// <see cref="DeploymentSpec.HealthChecks"/> and the metadata processes see (version, summary, creation time, commit); the app gives the formation and, when the scheduler can autoscale,
/// <see cref="DeploymentSpec.Autoscale"/>.
/// </summary>
internal sealed class DeploymentSpecs(AutoscaleStore autoscale, IScheduler scheduler)
{
    /// <summary>Makes the spec of <paramref name="release"/> with the app's stored autoscaling policies.</summary>
    /// <param name="app">The app.</param>
    /// <param name="release">A release with a build.</param>
    /// <param name="formation">Process type to count.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The spec.</returns>
    public async Task<DeploymentSpec> ForAsync(App app, Release release, IReadOnlyDictionary<string, int> formation, CancellationToken cancellationToken) =>
        Build(app, release, formation, await autoscale.GetAsync(app.Id, cancellationToken).ConfigureAwait(false), scheduler.SupportsAutoscaling);

    /// <summary>
    /// The rule. Policies reach the scheduler only when it can autoscale, and only for types of the build; the count of an
    /// autoscaled type is kept between its min and max, so the first rollout starts inside the range.
    /// </summary>
    /// <param name="app">The app.</param>
    /// <param name="release">A release with a build.</param>
    /// <param name="formation">Process type to count.</param>
    /// <param name="policies">The app's autoscaling policies.</param>
    /// <param name="supportsAutoscaling">Whether the scheduler honours <see cref="DeploymentSpec.Autoscale"/>.</param>
    /// <returns>The spec.</returns>
    public static DeploymentSpec Build(App app, Release release, IReadOnlyDictionary<string, int> formation, IReadOnlyDictionary<string, AutoscalePolicy> policies, bool supportsAutoscaling)
    {
        var build = release.Build ?? throw new ArgumentException($"v{release.Version} has no build", nameof(release));
        var autoscale = supportsAutoscaling
            ? policies.Where(p => build.ProcessTypes.ContainsKey(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal)
            : new Dictionary<string, AutoscalePolicy>(StringComparer.Ordinal);
        var counts = formation.ToDictionary(
            kv => kv.Key,
            kv => autoscale.TryGetValue(kv.Key, out var policy) ? Math.Clamp(kv.Value, policy.Min, policy.Max) : kv.Value,
            StringComparer.Ordinal);
        return new DeploymentSpec(app.Name, release.Version, build.Image, release.Config, build.ProcessTypes, counts, build.Sha)
        {
            AppId = app.Id,
            ReleaseCreatedAt = release.CreatedAt,
            ReleaseSummary = release.Summary,
            Limits = release.Limits.Where(l => ProcessTypes.IsSizable(build.ProcessTypes, l.Key)).ToDictionary(StringComparer.Ordinal),
            HealthChecks = release.HealthChecks.Where(h => build.ProcessTypes.ContainsKey(h.Key)).ToDictionary(StringComparer.Ordinal),
            Autoscale = autoscale,
        };
    }
}
