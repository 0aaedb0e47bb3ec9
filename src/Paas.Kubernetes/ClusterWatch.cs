using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Paas.Kubernetes.Processes;
using Paas.Scheduling;
using Paas.Scheduling.Logs;

namespace Paas.Kubernetes;

/// <summary>
/// Two cluster-wide watches (label <see cref="KubernetesNames.ManagedSelector"/>): the platform's pods and the EndpointSlices
/// of its web Services. Each is a LIST, then a WATCH from the list's <c>resourceVersion</c>, resumed from the last
/// version seen (bookmarks included) when the stream ends, and started over with a new LIST when the server answers
/// <c>410 Expired</c> ("Efficient detection of changes" in the Kubernetes API concepts). From them:
/// <list type="bullet">
/// <item>the router's endpoints: the ready addresses of each app's web EndpointSlices (pod IP and the <c>http</c> port);</item>
/// <item>the logs: each started container of a process type is followed (<c>follow=true&amp;timestamps=true</c>) and its lines
/// written to the app's log as <c>app[web.1]</c>; one-off runs are followed by their own caller instead. With several
/// controller replicas on one shared log store, only the holder of the log lease (<see cref="IReplicaLease"/>,
/// <see cref="KubernetesScheduler.LogFollowingLease"/>) follows, else every line would be written once per replica; a
/// replica that takes the lease over follows every running container from that moment (lines printed between the
/// previous holder's end and the takeover, at most the lease's duration, are not collected).</item>
/// </list>
/// </summary>
internal sealed partial class ClusterWatch : IAsyncDisposable
{
    private const int WatchSeconds = 300;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly IKubernetes _client;
    private readonly ProcessIndexes _indexes;
    private readonly IAppLogStore _logs;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, V1Pod> _pods = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, V1EndpointSlice> _slices = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyList<AppEndpoint>> _endpoints = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _followers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTime> _lastLine = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _podsSynced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _slicesSynced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IReplicaLease? _logLease;
    private readonly Lock _followGate = new();
    private CancellationTokenSource _followStop;
    private DateTime _followFrom = DateTime.UtcNow;
    private readonly Task _podWatch;
    private readonly Task _sliceWatch;
    private long _version;

    public ClusterWatch(IKubernetes client, ProcessIndexes indexes, IAppLogStore logs, ILogger logger, IReplicaLease? logLease = null)
    {
        _client = client;
        _indexes = indexes;
        _logs = logs;
        _logger = logger;
        _logLease = logLease;
        _followStop = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        if (logLease is not null)
        {
            logLease.Changed += OnLogLeaseChanged;
        }

        _podWatch = Task.Run(() => RunAsync(
            "pods",
            async ct =>
            {
                var list = await _client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: KubernetesNames.ManagedSelector, cancellationToken: ct).ConfigureAwait(false);
                return (list.Items, list.Metadata.ResourceVersion);
            },
            (rv, onError, ct) => _client.CoreV1.WatchListPodForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: KubernetesNames.ManagedSelector, resourceVersion: rv, timeoutSeconds: WatchSeconds, onError: onError, cancellationToken: ct),
            ResetPods,
            OnPod,
            _podsSynced));
        _sliceWatch = Task.Run(() => RunAsync(
            "endpointslices",
            async ct =>
            {
                var list = await _client.DiscoveryV1.ListEndpointSliceForAllNamespacesAsync(labelSelector: KubernetesNames.ManagedSelector, cancellationToken: ct).ConfigureAwait(false);
                return (list.Items, list.Metadata.ResourceVersion);
            },
            (rv, onError, ct) => _client.DiscoveryV1.WatchListEndpointSliceForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: KubernetesNames.ManagedSelector, resourceVersion: rv, timeoutSeconds: WatchSeconds, onError: onError, cancellationToken: ct),
            ResetSlices,
            OnSlice,
            _slicesSynced));
    }

    public event EventHandler<string>? Changed;

    public long Version => Interlocked.Read(ref _version);

    public IReadOnlyList<AppEndpoint> GetEndpoints(string app) => _endpoints.TryGetValue(app, out var list) ? list : [];

    public async Task WaitSyncedAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(_podsSynced.Task, _slicesSynced.Task).WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>The pod of process <paramref name="process"/> (<c>web.2</c>) of <paramref name="app"/>, or null.</summary>
    public string? PodOf(string app, string process)
    {
        var type = process.Split('.', 2)[0];
        var index = int.TryParse(process.Split('.', 2)[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
        return _pods.Values.Where(p => p.Metadata.Labels.Find(KubernetesNames.AppLabel) == app && PodProcesses.TypeOf(p) == type && p.Metadata.DeletionTimestamp is null)
            .OrderByDescending(p => p.Metadata.CreationTimestamp)
            .FirstOrDefault(p => _indexes.Find(app, PodProcesses.IndexKey(type, PodProcesses.GenerationOf(p)), p.Metadata.Name) == index)?.Metadata.Name;
    }

    public async ValueTask DisposeAsync()
    {
        if (_logLease is not null)
        {
            _logLease.Changed -= OnLogLeaseChanged;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll([_podWatch, _sliceWatch, .. _followers.Values]).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
        }

        _stop.Dispose();
        _followStop.Dispose();
    }

    private static string Key(V1ObjectMeta metadata) => $"{metadata.NamespaceProperty}/{metadata.Name}";

    private async Task RunAsync<T>(
        string what,
        Func<CancellationToken, Task<(IList<T> Items, string Version)>> list,
        Func<string, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
        Action<IList<T>> reset,
        Action<WatchEventType, T> apply,
        TaskCompletionSource synced)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                var (items, version) = await list(token).ConfigureAwait(false);
                reset(items);
                synced.TrySetResult();
                var expired = false;
                while (!expired && !token.IsCancellationRequested)
                {
                    var stream = watch(
                        version,
                        e => expired |= e is KubernetesException { Status.Code: (int)HttpStatusCode.Gone } || (e is HttpOperationException { Response.StatusCode: HttpStatusCode.Gone }),
                        token);
                    await foreach (var (type, item) in stream.ConfigureAwait(false))
                    {
                        version = item.Metadata?.ResourceVersion ?? version;
                        if (type != WatchEventType.Bookmark && type != WatchEventType.Error)
                        {
                            apply(type, item);
                        }
                    }

                    backoff = TimeSpan.FromMilliseconds(250);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogWatchFailed(_logger, e, what, backoff.TotalSeconds);
                try
                {
                    await Task.Delay(backoff, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private void ResetPods(IList<V1Pod> pods)
    {
        var apps = _pods.Values.Select(AppOf).ToHashSet(StringComparer.Ordinal);
        _pods.Clear();
        foreach (var pod in pods)
        {
            _pods[Key(pod.Metadata)] = pod;
            apps.Add(AppOf(pod));
        }

        foreach (var app in apps.OfType<string>())
        {
            Renumber(app);
            Recompute(app);
        }

        foreach (var pod in pods)
        {
            Follow(pod);
        }
    }

    private void OnPod(WatchEventType type, V1Pod pod)
    {
        if (type == WatchEventType.Deleted)
        {
            _pods.TryRemove(Key(pod.Metadata), out _);
            _lastLine.TryRemove(pod.Metadata.Uid ?? "", out _);
        }
        else
        {
            _pods[Key(pod.Metadata)] = pod;
        }

        if (AppOf(pod) is { } app)
        {
            Renumber(app);
            Recompute(app);
        }

        if (type != WatchEventType.Deleted)
        {
            Follow(pod);
        }
    }

    private void ResetSlices(IList<V1EndpointSlice> slices)
    {
        var apps = _slices.Values.Select(s => s.Metadata.Labels.Find(KubernetesNames.AppLabel)).ToHashSet(StringComparer.Ordinal);
        _slices.Clear();
        foreach (var slice in slices)
        {
            _slices[Key(slice.Metadata)] = slice;
            apps.Add(slice.Metadata.Labels.Find(KubernetesNames.AppLabel));
        }

        foreach (var app in apps.OfType<string>())
        {
            Recompute(app);
        }
    }

    private void OnSlice(WatchEventType type, V1EndpointSlice slice)
    {
        if (type == WatchEventType.Deleted)
        {
            _slices.TryRemove(Key(slice.Metadata), out _);
        }
        else
        {
            _slices[Key(slice.Metadata)] = slice;
        }

        if (slice.Metadata.Labels.Find(KubernetesNames.AppLabel) is { } app)
        {
            Recompute(app);
        }
    }

    private static string? AppOf(V1Pod pod) => pod.Metadata?.Labels.Find(KubernetesNames.AppLabel);

    private void Renumber(string app)
    {
        foreach (var group in _pods.Values.Where(p => AppOf(p) == app && PodProcesses.TypeOf(p) is { } t && t != KubernetesNames.RunType)
            .GroupBy(p => PodProcesses.IndexKey(PodProcesses.TypeOf(p)!, PodProcesses.GenerationOf(p)), StringComparer.Ordinal))
        {
            _indexes.Assign(app, group.Key, [.. group.OrderBy(p => p.Metadata.CreationTimestamp ?? DateTime.MaxValue).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal).Select(p => p.Metadata.Name)]);
        }
    }

    /// <summary>Recomputes the app's endpoints from its web EndpointSlices; raises <see cref="Changed"/> when they differ.</summary>
    private void Recompute(string app)
    {
        var endpoints = new List<AppEndpoint>();
        foreach (var slice in _slices.Values.Where(s => s.Metadata.Labels.Find(KubernetesNames.AppLabel) == app && s.AddressType is "IPv4" or "IPv6"))
        {
            var port = slice.Ports?.FirstOrDefault(p => p.Name == KubernetesNames.HttpPortName)?.Port ?? slice.Ports?.FirstOrDefault()?.Port;
            if (port is null)
            {
                continue;
            }

            foreach (var endpoint in slice.Endpoints ?? [])
            {
                if (endpoint.Conditions?.Ready == false || endpoint.Conditions?.Terminating == true || endpoint.Addresses is not { Count: > 0 })
                {
                    continue;
                }

                var podName = endpoint.TargetRef?.Name;
                var pod = podName is null ? null : _pods.GetValueOrDefault($"{slice.Metadata.NamespaceProperty}/{podName}");
                var type = pod is null ? AppObjectsBuilderWeb : PodProcesses.TypeOf(pod) ?? AppObjectsBuilderWeb;
                var index = podName is null || pod is null ? null : _indexes.Find(app, PodProcesses.IndexKey(type, PodProcesses.GenerationOf(pod)), podName);
                endpoints.Add(new AppEndpoint(app, index is null ? $"{type}.?" : $"{type}.{index}", pod is null ? 0 : PodProcesses.ReleaseOf(pod), endpoint.Addresses[0], port.Value));
            }
        }

        var sorted = endpoints.OrderBy(e => e.Process, StringComparer.Ordinal).ThenBy(e => e.Host, StringComparer.Ordinal).ToList();
        var before = GetEndpoints(app);
        if (before.SequenceEqual(sorted))
        {
            return;
        }

        if (sorted.Count == 0)
        {
            _endpoints.TryRemove(app, out _);
        }
        else
        {
            _endpoints[app] = sorted;
        }

        Interlocked.Increment(ref _version);
        Changed?.Invoke(this, app);
    }

    private const string AppObjectsBuilderWeb = Objects.AppObjectsBuilder.WebType;

    /// <summary>
    /// Taken: follows every running container from now on (what another replica followed before is in the store). Lost:
    /// stops following.
    /// </summary>
    private void OnLogLeaseChanged(object? sender, EventArgs e)
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        lock (_followGate)
        {
            _followStop.Cancel();
            _followStop.Dispose();
            _followStop = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            _followFrom = DateTime.UtcNow;
            _lastLine.Clear();
        }

        if (_logLease!.IsHeld)
        {
            foreach (var pod in _pods.Values)
            {
                Follow(pod);
            }
        }
    }

    /// <summary>Starts following the container's log when it has started, this replica holds the log lease and nobody follows this run of it yet.</summary>
    private void Follow(V1Pod pod)
    {
        var container = pod.Status?.ContainerStatuses?.FirstOrDefault();
        if (AppOf(pod) is not { } app || PodProcesses.TypeOf(pod) is not { } type || type == KubernetesNames.RunType || container is null
            || (container.State?.Running is null && container.State?.Terminated is null) || _stop.IsCancellationRequested || _logLease is { IsHeld: false })
        {
            return;
        }

        CancellationToken token;
        DateTime from;
        lock (_followGate)
        {
            token = _followStop.Token;
            from = _followFrom;
        }

        var key = $"{pod.Metadata.Uid}/{container.RestartCount}";
        if (_followers.ContainsKey(key))
        {
            return;
        }

        _followers[key] = Task.Run(async () =>
        {
            try
            {
                await FollowAsync(app, type, pod, container.Name, from, token).ConfigureAwait(false);
            }
            finally
            {
                _followers.TryRemove(key, out _);
            }

            // The stream ended while the same run of the container still runs (the connection dropped): follow on from the
            // last line written, after a pause.
            if (!_stop.IsCancellationRequested && _pods.TryGetValue(Key(pod.Metadata), out var now) && now.Metadata.Uid == pod.Metadata.Uid
                && now.Status?.ContainerStatuses?.FirstOrDefault() is { State.Running: not null } current && current.RestartCount == container.RestartCount)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token).ConfigureAwait(false);
                    Follow(now);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });
    }

    private async Task FollowAsync(string app, string type, V1Pod pod, string container, DateTime from, CancellationToken cancellationToken)
    {
        var uid = pod.Metadata.Uid ?? pod.Metadata.Name;
        // A pod that ran before this watch started, or before this replica took the log lease: only lines from then on
        // (the log store kept the earlier ones).
        var since = _lastLine.TryGetValue(uid, out var last) ? last : pod.Status?.StartTime is { } started && started < from ? from : DateTime.MinValue;
        try
        {
            int? sinceSeconds = since == DateTime.MinValue ? null : Math.Max(1, (int)Math.Ceiling((DateTime.UtcNow - since).TotalSeconds));
            using var stream = await _client.CoreV1.ReadNamespacedPodLogAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty, container, follow: true, timestamps: true, sinceSeconds: sinceSeconds, cancellationToken: cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                if (space <= 0 || !DateTime.TryParse(line[..space], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at))
                {
                    at = DateTime.UtcNow;
                    space = -1;
                }

                if (at <= since)
                {
                    continue;
                }

                since = at;
                _lastLine[uid] = at;
                var index = _indexes.Find(app, PodProcesses.IndexKey(type, PodProcesses.GenerationOf(pod)), pod.Metadata.Name);
                _logs.Write(app, $"app[{type}.{index?.ToString(CultureInfo.InvariantCulture) ?? "?"}]", line[(space + 1)..]);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException)
        {
            LogFollowFailed(_logger, e, pod.Metadata.Name);
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "The {What} watch failed; listing again in {Seconds} s")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception, string what, double seconds);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Debug, Message = "Following the log of pod {Pod} ended")]
    private static partial void LogFollowFailed(ILogger logger, Exception exception, string pod);
}
