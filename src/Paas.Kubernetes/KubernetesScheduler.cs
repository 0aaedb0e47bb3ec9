using System.Globalization;
using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paas.Kubernetes.Images;
using Paas.Kubernetes.Objects;
using Paas.Kubernetes.Processes;
using Paas.Kubernetes.Rollouts;
using Paas.Scheduling;
using Paas.Scheduling.Logs;

namespace Paas.Kubernetes;

/// <summary>
/// Runs apps on a Kubernetes cluster: each release becomes the objects <see cref="AppObjectsBuilder"/> describes, written
/// with server-side apply (<c>fieldManager=paas</c>, <c>force=true</c>: every call is idempotent, a restarted controller
/// converges). A deploy:
/// 1. reads the app's current Deployments (to put them back if the rollout fails);
/// 2. applies the namespace, its NetworkPolicy, the pull and config Secrets, each process type's Deployment, the web Service and the
///    PodDisruptionBudgets;
/// 3. waits for every rollout (<see cref="RolloutState"/>) within <see cref="KubernetesOptions.DeployTimeout"/>, watching the
///    new pods for problems that will not go away (<see cref="PodProblems"/>);
/// 4. on success deletes what the release no longer has (Deployments of removed types, older config Secrets); on failure
///    re-applies the previous Deployments (Kubernetes scales the old ReplicaSets back up: with <c>maxUnavailable: 0</c>
///    they never went down) and reports the reason with the failing pod's last log lines.
/// Processes, endpoints and logs come from <see cref="ClusterWatch"/>, which watches the platform's pods and
/// EndpointSlices.
/// </summary>
public sealed partial class KubernetesScheduler : IScheduler, IEndpointFeed, IAsyncDisposable
{
    /// <summary>
    /// The name of the lease whose holder follows the pods' logs (<c>pod-logs</c>): registered as a keyed
    /// <see cref="IReplicaLease"/> under this key when several replicas share one log store.
    /// </summary>
    public const string LogFollowingLease = "pod-logs";

    private const string Scheduler = "paas[scheduler]";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    private readonly IKubernetes _client;
    private readonly IKubernetes _streams;
    private readonly KubernetesOptions _options;
    private readonly IAppLogStore _logs;
    private readonly IImageInspector _images;
    private readonly IAppPullCredentials? _pullCredentials;
    private readonly IAppRegistryLogins? _logins;
    private readonly ILogger<KubernetesScheduler> _logger;
    private readonly ProcessIndexes _indexes = new();
    private readonly ClusterWatch _watch;

    /// <summary>Creates the scheduler; its watches start at once.</summary>
    /// <param name="client">The Kubernetes client.</param>
    /// <param name="options">The settings.</param>
    /// <param name="logs">Where process output and the scheduler's events go (<c>paas logs</c>).</param>
    /// <param name="images">Tells whether an image starts with the launcher.</param>
    /// <param name="pullCredentials">Makes each app's pull-only credential for the platform's registry (and null for any other host), or null when nodes pull anonymously (every image host is then taken as the platform's).</param>
    /// <param name="logger">The platform's log.</param>
    /// <param name="streams">The client for watches and followed logs (no request timeout); null: <paramref name="client"/>.</param>
    /// <param name="logins">Apps' logins to registries other than the platform's, for images recorded there; null: such images are pulled anonymously.</param>
    /// <param name="logFollowing">The <see cref="LogFollowingLease"/>: pods' logs are followed only while it is held; null: always (one replica).</param>
    public KubernetesScheduler(IKubernetes client, IOptions<KubernetesOptions> options, IAppLogStore logs, IImageInspector images, IAppPullCredentials? pullCredentials, ILogger<KubernetesScheduler> logger, KubernetesStreams? streams = null, IAppRegistryLogins? logins = null, IReplicaLease? logFollowing = null)
    {
        _client = client;
        _options = options.Value;
        _logs = logs;
        _images = images;
        _pullCredentials = pullCredentials;
        _logins = logins;
        _logger = logger;
        _streams = streams?.Client ?? client;
        _watch = new ClusterWatch(_streams, _indexes, logs, logger, logFollowing);
        _watch.Changed += (_, app) => Changed?.Invoke(this, app);
    }

    /// <inheritdoc />
    public event EventHandler<string>? Changed;

    /// <inheritdoc />
    public bool SupportsAutoscaling => true;

    /// <summary>True: a run with a TTY is a pod with <c>tty: true</c>, attached with <c>tty=true</c> (see <see cref="OneOffRun"/>).</summary>
    public bool SupportsTty => true;

    /// <inheritdoc />
    public long Version => _watch.Version;

    /// <inheritdoc />
    public IReadOnlyList<AppEndpoint> GetEndpoints(string app) => _watch.GetEndpoints(app);

    /// <summary>Waits until the watches have listed the cluster once (tests and start-up use it).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task.</returns>
    public Task WaitForWatchesAsync(CancellationToken cancellationToken) => _watch.WaitSyncedAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<DeployResult> DeployAsync(DeploymentSpec spec, CancellationToken cancellationToken)
    {
        var doing = $"deploying v{spec.Release} of {spec.App}";
        try
        {
            var objects = await BuildAsync(spec, cancellationToken).ConfigureAwait(false);
            Event(spec.App, $"Deploying v{spec.Release}: " + string.Join(", ", objects.Deployments.Select(d => $"{d.Metadata.Name} x{d.Spec.Replicas?.ToString(CultureInfo.InvariantCulture) ?? "autoscaled"}")));
            var previous = await CurrentDeploymentsAsync(objects.Namespace.Metadata.Name, spec.App, cancellationToken).ConfigureAwait(false);
            await ApplyAsync(objects, cancellationToken).ConfigureAwait(false);
            var failure = await WaitForRolloutsAsync(spec, objects, cancellationToken).ConfigureAwait(false);
            if (failure is not null)
            {
                Event(spec.App, $"v{spec.Release} failed to boot: {failure}; putting back the previous release");
                await UndoAsync(objects, previous, CancellationToken.None).ConfigureAwait(false);
                return DeployResult.Failure(failure);
            }

            await PruneAsync(spec, objects, previous, cancellationToken).ConfigureAwait(false);
            Event(spec.App, $"Deployed v{spec.Release}");
            return DeployResult.Success;
        }
        catch (Exception e) when (KubernetesErrors.Translate(e, _client.BaseUri, doing) is { } translated)
        {
            LogRefused(_logger, e, spec.App, doing);
            return DeployResult.Failure(translated.Message);
        }
    }

    /// <inheritdoc />
    public async Task ScaleAsync(DeploymentSpec spec, CancellationToken cancellationToken)
    {
        var doing = $"scaling {spec.App}";
        try
        {
            var objects = await BuildAsync(spec, cancellationToken).ConfigureAwait(false);
            var before = (await CurrentDeploymentsAsync(objects.Namespace.Metadata.Name, spec.App, cancellationToken).ConfigureAwait(false))
                .ToDictionary(d => d.Metadata.Name, d => d.Spec?.Replicas ?? 0, StringComparer.Ordinal);
            await MarkHighestForDeletionAsync(spec, objects, before, cancellationToken).ConfigureAwait(false);
            await ApplyAsync(objects, cancellationToken).ConfigureAwait(false);
            foreach (var (type, _) in spec.ProcessTypes.Where(t => !spec.Autoscale.ContainsKey(t.Key)).OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                var count = spec.Formation.GetValueOrDefault(type);
                if (before.GetValueOrDefault(KubernetesNames.Deployment(spec.App, type), -1) != count)
                {
                    Event(spec.App, $"Scaled {type} to {count}");
                }
            }

            await WaitForScaleDownAsync(objects, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (KubernetesErrors.Translate(e, _client.BaseUri, doing) is { } translated)
        {
            LogRefused(_logger, e, spec.App, doing);
            throw translated;
        }
    }

    /// <inheritdoc />
    public async Task RestartAsync(string app, string? target, CancellationToken cancellationToken)
    {
        var ns = Namespace(app);
        var doing = $"restarting {target ?? "every process"} of {app}";
        try
        {
            if (target is { } one && one.Contains('.', StringComparison.Ordinal))
            {
                var pod = (await ListAsync(app, cancellationToken).ConfigureAwait(false)).Count == 0 ? null : _watch.PodOf(app, one);
                if (pod is not null)
                {
                    Event(app, $"Restarting {one}");
                    await _client.CoreV1.DeleteNamespacedPodAsync(pod, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
                }

                return;
            }

            var now = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
            var annotations = new Dictionary<string, string> { [KubernetesNames.RestartedAtAnnotation] = now };
            var patch = new V1Patch(new { spec = new { template = new { metadata = new { annotations } } } }, V1Patch.PatchType.MergePatch);
            foreach (var deployment in await CurrentDeploymentsAsync(ns, app, cancellationToken).ConfigureAwait(false))
            {
                var type = deployment.Spec.Template.Metadata?.Annotations.Find(KubernetesNames.ProcessTypeAnnotation);
                if (target is null || type == target)
                {
                    Event(app, $"Restarting {type} (rolling)");
                    await _client.AppsV1.PatchNamespacedDeploymentAsync(patch, deployment.Metadata.Name, ns, fieldManager: KubernetesNames.FieldManager, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (KubernetesErrors.Translate(e, _client.BaseUri, doing) is { } translated)
        {
            LogRefused(_logger, e, app, doing);
            throw translated;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ProcessStatus>> ListAsync(string app, CancellationToken cancellationToken)
    {
        try
        {
            // Pods being deleted (scaled down, replaced by a rollout) are on their way out: ps shows the formation, as Heroku's does.
            var pods = await _client.CoreV1.ListNamespacedPodAsync(Namespace(app), labelSelector: $"{KubernetesNames.AppLabel}={app}", cancellationToken: cancellationToken).ConfigureAwait(false);
            return [.. PodProcesses.Map(app, pods.Items, _indexes).Where(p => p.State != ProcessState.Stopping)];
        }
        catch (Exception e) when (KubernetesErrors.Translate(e, _client.BaseUri, $"listing the processes of {app}") is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc />
    public async Task DestroyAsync(string app, CancellationToken cancellationToken)
    {
        var ns = Namespace(app);
        try
        {
            try
            {
                await _client.CoreV1.DeleteNamespaceAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return;
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_options.DestroyWait);
            while (!deadline.IsCancellationRequested)
            {
                try
                {
                    await _client.CoreV1.ReadNamespaceAsync(ns, cancellationToken: deadline.Token).ConfigureAwait(false);
                }
                catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
                {
                    break;
                }

                await Task.Delay(PollInterval, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogSlowNamespaceDeletion(_logger, ns, _options.DestroyWait.TotalSeconds);
        }
        catch (Exception e) when (KubernetesErrors.Translate(e, _client.BaseUri, $"destroying {app}") is { } translated)
        {
            throw translated;
        }
        finally
        {
            _indexes.Forget(app);
        }
    }

    /// <inheritdoc />
    public Task<RunResult> RunAsync(RunRequest request, Func<string, CancellationToken, ValueTask> output, CancellationToken cancellationToken) =>
        new OneOffRun(_client, _streams, _options, request, output, PrepareRunAsync, Namespace(request.Spec.App), _logs).RunAsync(cancellationToken);

    /// <inheritdoc />
    public async Task ReconcileAsync(IReadOnlyCollection<DeploymentSpec> desired, CancellationToken cancellationToken)
    {
        foreach (var spec in desired)
        {
            try
            {
                await ApplyAsync(await BuildAsync(spec, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (KubernetesErrors.Translate(e, _client.BaseUri, $"reconciling {spec.App}") is { } translated)
            {
                LogRefused(_logger, e, spec.App, translated.Message);
            }
        }

        var wanted = desired.Select(d => Namespace(d.App)).ToHashSet(StringComparer.Ordinal);
        var namespaces = await _client.CoreV1.ListNamespaceAsync(labelSelector: KubernetesNames.ManagedSelector, cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var ns in namespaces.Items.Where(n => n.Metadata.Name.StartsWith(_options.NamespacePrefix, StringComparison.Ordinal) && !wanted.Contains(n.Metadata.Name) && n.Metadata.DeletionTimestamp is null))
        {
            var app = ns.Metadata.Labels.Find(KubernetesNames.AppLabel) ?? ns.Metadata.Name;
            LogRemovingStale(_logger, app);
            await DestroyAsync(app, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _watch.DisposeAsync().ConfigureAwait(false);

    private string Namespace(string app) => KubernetesNames.Namespace(_options.NamespacePrefix, app);

    private async Task<AppObjects> BuildAsync(DeploymentSpec spec, CancellationToken cancellationToken)
    {
        var (image, pull) = await PullAsync(spec, cancellationToken).ConfigureAwait(false);
        var start = await _images.InspectAsync(spec.Image, cancellationToken).ConfigureAwait(false);
        var clash = spec.ProcessTypes.Keys.GroupBy(KubernetesNames.Type).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
        {
            throw new SchedulerUnavailableException($"process types {string.Join(" and ", clash)} would share the Kubernetes name '{clash.Key}'; rename one in the Procfile", false);
        }

        return AppObjectsBuilder.Build(spec, _options, image, start, pull);
    }

    /// <summary>
    /// The image reference as nodes pull it, and the credential they pull it with. An image in the platform's registry
    /// (<see cref="IAppPullCredentials"/> gives a credential for it) is pulled from
    /// <see cref="KubernetesOptions.RegistryHostForNodes"/> when set, with the app's pull-only credential; an image in
    /// another registry is pulled as recorded, with the app's stored login to it (<see cref="IAppRegistryLogins"/>), if any.
    /// </summary>
    private async Task<(string Image, RegistryPullCredential? Pull)> PullAsync(DeploymentSpec spec, CancellationToken cancellationToken)
    {
        if (!Paas.Domain.ImageReference.TrySplit(spec.Image, out var recorded, out _, out _) || recorded is null)
        {
            return (spec.Image, null);
        }

        if (_pullCredentials is null || _pullCredentials.For(spec.App, recorded) is not null)
        {
            var host = _options.RegistryHostForNodes is { Length: > 0 } forNodes ? forNodes : recorded;
            return (host + spec.Image[recorded.Length..], _pullCredentials?.For(spec.App, host));
        }

        return _logins is not null && await _logins.FindAsync(spec.App, recorded, cancellationToken).ConfigureAwait(false) is { } login
            ? (spec.Image, new RegistryPullCredential(recorded, login.Username, login.Password))
            : (spec.Image, null);
    }

    private async Task<IReadOnlyList<V1Deployment>> CurrentDeploymentsAsync(string ns, string app, CancellationToken cancellationToken)
    {
        try
        {
            var list = await _client.AppsV1.ListNamespacedDeploymentAsync(ns, labelSelector: $"{KubernetesNames.AppLabel}={app}", cancellationToken: cancellationToken).ConfigureAwait(false);
            return list.Items.ToList();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }
    }

    /// <summary>The namespace, its NetworkPolicy and the Secrets a release's processes need, one-off runs included.</summary>
    private async Task ApplyNamespaceAndSecretsAsync(AppObjects objects, CancellationToken cancellationToken)
    {
        var ns = objects.Namespace.Metadata.Name;
        await _client.CoreV1.PatchNamespaceAsync(Apply(objects.Namespace), ns, fieldManager: KubernetesNames.FieldManager, force: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (objects.NetworkPolicy is { } policy)
        {
            await _client.NetworkingV1.PatchNamespacedNetworkPolicyAsync(Apply(policy), policy.Metadata.Name, ns, fieldManager: KubernetesNames.FieldManager, force: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var app = objects.Namespace.Metadata.Labels[KubernetesNames.AppLabel];
            await IgnoreMissingAsync(_client.NetworkingV1.DeleteNamespacedNetworkPolicyAsync(KubernetesNames.NetworkPolicy(app), ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        if (objects.PullSecret is { } pull)
        {
            await _client.CoreV1.PatchNamespacedSecretAsync(Apply(pull), pull.Metadata.Name, ns, fieldManager: KubernetesNames.FieldManager, force: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await _client.CoreV1.PatchNamespacedSecretAsync(Apply(objects.EnvSecret), objects.EnvSecret.Metadata.Name, ns, fieldManager: KubernetesNames.FieldManager, force: true, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Builds a release's objects and applies what a one-off run of it needs (namespace and Secrets).</summary>
    private async Task<AppObjects> PrepareRunAsync(DeploymentSpec spec, CancellationToken cancellationToken)
    {
        var objects = await BuildAsync(spec, cancellationToken).ConfigureAwait(false);
        await ApplyNamespaceAndSecretsAsync(objects, cancellationToken).ConfigureAwait(false);
        return objects;
    }

    private async Task ApplyAsync(AppObjects objects, CancellationToken cancellationToken)
    {
        var ns = objects.Namespace.Metadata.Name;
        await ApplyNamespaceAndSecretsAsync(objects, cancellationToken).ConfigureAwait(false);
        foreach (var deployment in objects.Deployments)
        {
            await _client.AppsV1.PatchNamespacedDeploymentAsync(Apply(deployment), deployment.Metadata.Name, ns, fieldManager: KubernetesNames.FieldManager, force: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        if (objects.Service is { } service)
        {
            await _client.CoreV1.PatchNamespacedServiceAsync(Apply(service), service.Metadata.Name, ns, fieldManager: KubernetesNames.FieldManager, force: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        foreach (var autoscaler in objects.Autoscalers)
        {
            await _client.AutoscalingV2.PatchNamespacedHorizontalPodAutoscalerAsync(Apply(autoscaler), autoscaler.Metadata.Name, ns, fieldManager: KubernetesNames.FieldManager, force: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var autoscaled = objects.Autoscalers.Select(a => a.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        var app = objects.Namespace.Metadata.Labels[KubernetesNames.AppLabel];
        var hpas = await _client.AutoscalingV2.ListNamespacedHorizontalPodAutoscalerAsync(ns, labelSelector: $"{KubernetesNames.AppLabel}={app}", cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var stale in hpas.Items.Where(a => !autoscaled.Contains(a.Metadata.Name)))
        {
            await IgnoreMissingAsync(_client.AutoscalingV2.DeleteNamespacedHorizontalPodAutoscalerAsync(stale.Metadata.Name, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        foreach (var budget in objects.DisruptionBudgets)
        {
            await _client.PolicyV1.PatchNamespacedPodDisruptionBudgetAsync(Apply(budget), budget.Metadata.Name, ns, fieldManager: KubernetesNames.FieldManager, force: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var budgets = objects.DisruptionBudgets.Select(b => b.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        var existing = await _client.PolicyV1.ListNamespacedPodDisruptionBudgetAsync(ns, labelSelector: $"{KubernetesNames.AppLabel}={app}", cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var stale in existing.Items.Where(b => !budgets.Contains(b.Metadata.Name)))
        {
            await IgnoreMissingAsync(_client.PolicyV1.DeleteNamespacedPodDisruptionBudgetAsync(stale.Metadata.Name, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    private static V1Patch Apply(object body) => new(KubernetesJson.Serialize(body), V1Patch.PatchType.ApplyPatch);

    private async Task<string?> WaitForRolloutsAsync(DeploymentSpec spec, AppObjects objects, CancellationToken cancellationToken)
    {
        var ns = objects.Namespace.Metadata.Name;
        var deadline = DateTime.UtcNow + _options.DeployTimeout;
        var release = KubernetesNames.Release(spec.Release);
        var last = "";
        while (true)
        {
            var pending = new List<string>();
            foreach (var desired in objects.Deployments)
            {
                var deployment = await _client.AppsV1.ReadNamespacedDeploymentAsync(desired.Metadata.Name, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
                var state = RolloutState.Of(deployment);
                if (state.Failure is { } failure)
                {
                    return $"{desired.Metadata.Name}: {failure}";
                }

                if (!state.Complete)
                {
                    pending.Add($"{desired.Metadata.Name}: {state.Progress}");
                }
            }

            if (pending.Count == 0)
            {
                return null;
            }

            var pods = await _client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: $"{KubernetesNames.AppLabel}={spec.App},{KubernetesNames.ReleaseLabel}={release}", cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var pod in pods.Items.Where(p => PodProcesses.TypeOf(p) != KubernetesNames.RunType))
            {
                if (PodProblems.Reason(pod) is { } problem)
                {
                    var type = PodProcesses.TypeOf(pod)!;
                    var name = $"{type}.{_indexes.Find(spec.App, PodProcesses.IndexKey(type, PodProcesses.GenerationOf(pod)), pod.Metadata.Name)?.ToString(CultureInfo.InvariantCulture) ?? "?"}";
                    return $"{name} ({pod.Metadata.Name}) {problem}" + await LastLinesAsync(pod, cancellationToken).ConfigureAwait(false);
                }
            }

            var progress = string.Join("; ", pending);
            if (progress != last)
            {
                Event(spec.App, $"Waiting for the rollout of v{spec.Release}: {progress}");
                last = progress;
            }

            if (DateTime.UtcNow > deadline)
            {
                return $"the rollout did not finish within {_options.DeployTimeout.TotalSeconds:0} s ({progress})";
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<string> LastLinesAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        var container = pod.Status?.ContainerStatuses?.FirstOrDefault();
        if (container is null || (container.State?.Running is null && container.State?.Terminated is null && container.LastState?.Terminated is null))
        {
            return "";
        }

        try
        {
            var previous = container.State?.Running is null && container.State?.Terminated is null;
            using var stream = await _client.CoreV1.ReadNamespacedPodLogAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty, container.Name, previous: previous, tailLines: 5, cancellationToken: cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var text = (await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false)).TrimEnd();
            return text.Length == 0 ? "" : "; its last output: " + string.Join(" | ", text.Split('\n').Select(l => l.TrimEnd('\r')));
        }
        catch (HttpOperationException)
        {
            return "";
        }
    }

    private async Task UndoAsync(AppObjects objects, IReadOnlyList<V1Deployment> previous, CancellationToken cancellationToken)
    {
        var ns = objects.Namespace.Metadata.Name;
        var before = previous.ToDictionary(d => d.Metadata.Name, StringComparer.Ordinal);
        foreach (var deployment in objects.Deployments)
        {
            if (before.TryGetValue(deployment.Metadata.Name, out var old))
            {
                var restored = new V1Deployment
                {
                    ApiVersion = "apps/v1",
                    Kind = "Deployment",
                    Metadata = new V1ObjectMeta { Name = old.Metadata.Name, NamespaceProperty = ns, Labels = old.Metadata.Labels },
                    Spec = old.Spec,
                };
                await _client.AppsV1.PatchNamespacedDeploymentAsync(Apply(restored), old.Metadata.Name, ns, fieldManager: KubernetesNames.FieldManager, force: true, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await IgnoreMissingAsync(_client.AppsV1.DeleteNamespacedDeploymentAsync(deployment.Metadata.Name, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }
        }

        // Wait (boundedly) until the restored Deployments have settled, so the failed release's pods are gone when this returns.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        foreach (var name in objects.Deployments.Select(d => d.Metadata.Name).Where(before.ContainsKey))
        {
            while (DateTime.UtcNow < deadline)
            {
                var state = RolloutState.Of(await _client.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: cancellationToken).ConfigureAwait(false));
                if (state.Complete || state.Failure is not null)
                {
                    break;
                }

                await Task.Delay(PollInterval / 5, cancellationToken).ConfigureAwait(false);
            }
        }

        await IgnoreMissingAsync(_client.CoreV1.DeleteNamespacedSecretAsync(objects.EnvSecret.Metadata.Name, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private async Task PruneAsync(DeploymentSpec spec, AppObjects objects, IReadOnlyList<V1Deployment> previous, CancellationToken cancellationToken)
    {
        var ns = objects.Namespace.Metadata.Name;
        var keep = objects.Deployments.Select(d => d.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in previous.Where(d => !keep.Contains(d.Metadata.Name)))
        {
            Event(spec.App, $"Removing {gone.Metadata.Name}: v{spec.Release} has no such process type");
            await IgnoreMissingAsync(_client.AppsV1.DeleteNamespacedDeploymentAsync(gone.Metadata.Name, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        if (objects.Service is null)
        {
            await IgnoreMissingAsync(_client.CoreV1.DeleteNamespacedServiceAsync(KubernetesNames.Service(spec.App), ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        // Keep the config of this release and of the previous one (a rollout undone by hand still finds its Secret).
        var usedBefore = previous.SelectMany(d => d.Spec?.Template?.Spec?.Containers ?? []).SelectMany(c => c.EnvFrom ?? []).Select(e => e.SecretRef?.Name).OfType<string>();
        var inUse = usedBefore.Append(objects.EnvSecret.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        var secrets = await _client.CoreV1.ListNamespacedSecretAsync(ns, labelSelector: $"{KubernetesNames.AppLabel}={spec.App},{KubernetesNames.ReleaseLabel}", cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var stale in secrets.Items.Where(s => !inUse.Contains(s.Metadata.Name)))
        {
            await IgnoreMissingAsync(_client.CoreV1.DeleteNamespacedSecretAsync(stale.Metadata.Name, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Before a scale-down, gives each pod of the type a <c>controller.kubernetes.io/pod-deletion-cost</c> of minus its index, so
    /// the ReplicaSet removes the highest-numbered processes and <c>web.1</c> stays (Kubernetes documentation, "ReplicaSet:
    /// Pod deletion cost"; without it, pods created in the same second go in no defined order).
    /// </summary>
    private async Task MarkHighestForDeletionAsync(DeploymentSpec spec, AppObjects objects, IReadOnlyDictionary<string, int> before, CancellationToken cancellationToken)
    {
        var shrinking = objects.Deployments.Where(d => d.Spec.Replicas is { } replicas && before.GetValueOrDefault(d.Metadata.Name) > replicas).ToList();
        if (shrinking.Count == 0)
        {
            return;
        }

        var ns = objects.Namespace.Metadata.Name;
        foreach (var process in await ListAsync(spec.App, cancellationToken).ConfigureAwait(false))
        {
            var pod = _watch.PodOf(spec.App, process.Name);
            if (pod is null || !shrinking.Any(d => d.Metadata.Name == KubernetesNames.Deployment(spec.App, process.Type)))
            {
                continue;
            }

            var cost = "-" + process.Name[(process.Name.IndexOf('.', StringComparison.Ordinal) + 1)..];
            var annotations = new Dictionary<string, string> { [PodDeletionCost] = cost };
            await IgnoreMissingAsync(_client.CoreV1.PatchNamespacedPodAsync(new V1Patch(new { metadata = new { annotations } }, V1Patch.PatchType.MergePatch), pod, ns, fieldManager: KubernetesNames.FieldManager, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    private const string PodDeletionCost = "controller.kubernetes.io/pod-deletion-cost";

    /// <summary>After a scale-down, waits (briefly) until the Deployments report the new counts, so <c>ps</c> right after agrees.</summary>
    private async Task WaitForScaleDownAsync(AppObjects objects, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        foreach (var desired in objects.Deployments)
        {
            while (DateTime.UtcNow < deadline)
            {
                var deployment = await _client.AppsV1.ReadNamespacedDeploymentAsync(desired.Metadata.Name, desired.Metadata.NamespaceProperty, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (desired.Spec.Replicas is null || ((deployment.Status?.ObservedGeneration ?? 0) >= (deployment.Metadata.Generation ?? 0) && (deployment.Status?.Replicas ?? 0) <= desired.Spec.Replicas))
                {
                    break;
                }

                await Task.Delay(PollInterval / 5, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task IgnoreMissingAsync<T>(Task<T> delete)
    {
        try
        {
            await delete.ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    private void Event(string app, string message) => _logs.Write(app, Scheduler, message);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Kubernetes refused {Doing} ({App})")]
    private static partial void LogRefused(ILogger logger, Exception exception, string app, string doing);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Namespace {Namespace} was still terminating after {Seconds} s; apps:destroy returned anyway")]
    private static partial void LogSlowNamespaceDeletion(ILogger logger, string @namespace, double seconds);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Removing {App}: the platform has no such app")]
    private static partial void LogRemovingStale(ILogger logger, string app);
}
