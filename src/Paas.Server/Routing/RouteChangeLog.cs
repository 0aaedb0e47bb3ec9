using System.Runtime.CompilerServices;
using System.Text;
using Paas.Data;
using Paas.Router.Feed;
using Paas.Router.Routing;

namespace Paas.Server;

/// <summary>
/// The controller's side of the route stream (<see cref="IRouteChangeSource"/>). It reads apps, custom domains,
/// certificates and router settings from the controller's stores and the up web processes from the
/// <see cref="IRouteEndpointSource"/> when told that they changed, and records one change when anything differs from the
/// last table (the apps added, changed or removed, and the certificates when they changed) under the next version,
/// keeps the last <see cref="Kept"/> changes for routers that resume, and wakes every watcher. Routers never read the
/// database: in one process the router's <see cref="RouteWatcher"/> reads this object, across processes the same events
/// over <c>GET /internal/v1/routes</c>.
/// <para>
/// What tells it, instead of polling: the stores' <see cref="RouteChangeSignal"/> (raised in this process after a
/// route-changing write, and on PostgreSQL by <c>LISTEN/NOTIFY</c> for writes of the other controller replicas, and after
/// each reconnection of the listening connection), the endpoint source's <see cref="IRouteEndpointSource.Changed"/>, and
/// <see cref="PublishAndWaitAsync"/>. Signals that arrive while a read runs lead to one more read, never to none.
/// </para>
/// <para>
/// It also reads every <see cref="SafetyInterval"/> (30 s), for what no signal covers: a replica that died between its
/// commit and its <c>NOTIFY</c>, rows written by hand or restored from a backup, an endpoint source without events, and a
/// listening connection that broke silently before its probe noticed. That read costs a few small queries per replica;
/// a change it catches is late by at most the interval, where before every change waited up to 500 ms.
/// </para>
/// </summary>
internal sealed partial class RouteChangeLog(
    AppStore apps,
    RoutingStore routing,
    IRouteEndpointSource endpoints,
    RouteChangeSignal signal,
    ILogger<RouteChangeLog> logger,
    TimeSpan? safetyInterval = null) : BackgroundService, IRouteChangeSource, Paas.Controller.IRoutePropagation
{
    /// <summary>How often the stores are read when nothing said they changed: 30 s (<c>Paas:Routing:RereadInterval</c>).</summary>
    public static readonly TimeSpan DefaultSafetyInterval = TimeSpan.FromSeconds(30);

    /// <summary>The safety re-read interval this log uses.</summary>
    public TimeSpan SafetyInterval { get; } = safetyInterval ?? DefaultSafetyInterval;

    /// <summary>How many changes are kept for routers that resume: 256.</summary>
    public const int Kept = 256;

    /// <summary>How long a watch stays silent before a bookmark: 30 s.</summary>
    public static readonly TimeSpan BookmarkInterval = TimeSpan.FromSeconds(30);

    private readonly System.Threading.Channels.Channel<bool> _signals = System.Threading.Channels.Channel.CreateBounded<bool>(
        new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });

    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, long> _delivered = new();
    private long _watchers;
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>This log's <see cref="RouteChange.Origin"/>: random per controller process.</summary>
    public string Origin { get; } = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));

    private readonly LinkedList<RouteChange> _changes = new();
    private Dictionary<string, (AppRoute Route, string Fingerprint)> _apps = new(StringComparer.Ordinal);
    private List<RouteCertificate> _certificates = [];
    private string _certificatesFingerprint = "";
    private long _version;
    private bool _loaded;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The current version; 0 before the first read of the stores.</summary>
    public long Version
    {
        get
        {
            lock (_gate)
            {
                return _version;
            }
        }
    }

    /// <summary>Reads the stores now and records a change when anything differs; returns whether it did.</summary>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>Whether a change was recorded.</returns>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        // One refresh at a time: a read that started earlier must not record its older table after a newer one.
        await _refreshing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ReadAndRecordAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <summary>
    /// Records the current routes now (<see cref="RefreshAsync"/>) and waits until every watcher (the router in this
    /// process, or each router's <c>GET /internal/v1/routes</c> stream, once the change is written to it) has taken the
    /// version that holds them.
    /// </summary>
    /// <param name="timeout">The longest wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>True when every watcher has the routes (or none watches), false after <paramref name="timeout"/>.</returns>
    public async Task<bool> PublishAndWaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        var version = Version;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            Task progress;
            lock (_gate)
            {
                progress = _progress.Task;
            }

            if (_delivered.Values.All(v => v >= version))
            {
                return true;
            }

            try
            {
                await progress.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }
    }

    private void Delivered(long watcher, long version)
    {
        _delivered[watcher] = version;
        WakeWaiters();
    }

    private void WakeWaiters()
    {
        TaskCompletionSource done;
        lock (_gate)
        {
            done = _progress;
            _progress = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        done.TrySetResult();
    }

    private async Task<bool> ReadAndRecordAsync(CancellationToken cancellationToken)
    {
        var all = await apps.ListAllAsync(cancellationToken).ConfigureAwait(false);
        var domains = (await routing.ListDomainsAsync(null, cancellationToken).ConfigureAwait(false)).ToLookup(d => d.App);
        var settings = await routing.ListSettingsAsync(cancellationToken).ConfigureAwait(false);
        var certificates = (await routing.ListCertificatesAsync(cancellationToken).ConfigureAwait(false))
            .Where(c => c.Domains.Count > 0).Select(c => new RouteCertificate(c.Name, c.CertificatePem, c.KeyPem, c.Domains)).ToList();

        var current = new Dictionary<string, (AppRoute, string)>(StringComparer.Ordinal);
        foreach (var app in all)
        {
            var s = settings.GetValueOrDefault(app.Name) ?? new AppSettings(false, false);
            var route = new AppRoute(app.Name, [.. domains[app.Name].Select(d => d.Domain)], endpoints.EndpointsOf(app.Name))
            {
                Maintenance = s.Maintenance,
                ForceHttps = s.HttpsEnforced,
                GrpcOverH2c = s.Grpc,
            };
            current[app.Name] = (route, Fingerprint(route));
        }

        var certificatesFingerprint = Fingerprint(certificates);
        TaskCompletionSource wake;
        lock (_gate)
        {
            var changed = current.Where(c => !_apps.TryGetValue(c.Key, out var previous) || previous.Fingerprint != c.Value.Item2).Select(c => c.Value.Item1).ToList();
            var removed = _apps.Keys.Where(name => !current.ContainsKey(name)).ToList();
            var certificatesChanged = certificatesFingerprint != _certificatesFingerprint;
            if (_loaded && changed.Count == 0 && removed.Count == 0 && !certificatesChanged)
            {
                return false;
            }

            _loaded = true;
            _apps = current;
            _certificates = certificates;
            _certificatesFingerprint = certificatesFingerprint;
            _version++;
            _changes.AddLast(new RouteChange(RouteChangeType.Update, _version, Origin)
            {
                Apps = changed,
                Removed = removed,
                Certificates = certificatesChanged ? certificates : null,
            });
            while (_changes.Count > Kept)
            {
                _changes.RemoveFirst();
            }

            wake = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            LogChanged(logger, _version, changed.Count, removed.Count, certificatesChanged);
        }

        wake.TrySetResult();
        return true;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<RouteChange> WatchAsync(string origin, long fromVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var sent = fromVersion;
        var started = false;
        var watcher = Interlocked.Increment(ref _watchers);
        _delivered[watcher] = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                List<RouteChange> pending = [];
                Task changed;
                lock (_gate)
                {
                    changed = _changed.Task;
                    if (_loaded && !started)
                    {
                        started = true;
                        var resumable = origin == Origin && fromVersion > 0 && fromVersion <= _version && _changes.First is { } oldest && fromVersion >= oldest.Value.Version - 1;
                        if (!resumable)
                        {
                            pending.Add(new RouteChange(RouteChangeType.Snapshot, _version, Origin) { Apps = [.. _apps.Values.Select(a => a.Route)], Certificates = _certificates });
                            sent = _version;
                        }
                    }

                    if (started)
                    {
                        pending.AddRange(_changes.Where(c => c.Version > sent));
                    }
                }

                foreach (var change in pending)
                {
                    sent = change.Version;
                    yield return change;
                    Delivered(watcher, sent); // the watcher asks for the next change: it has taken this one
                }

                using var bookmarkDue = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var bookmark = Task.Delay(BookmarkInterval, bookmarkDue.Token);
                var woken = await Task.WhenAny(changed, bookmark).ConfigureAwait(false);
                await bookmarkDue.CancelAsync().ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (woken == bookmark && started)
                {
                    yield return new RouteChange(RouteChangeType.Bookmark, sent, Origin);
                }
            }
        }
        finally
        {
            _delivered.TryRemove(watcher, out _);
            WakeWaiters(); // a router that left is no longer waited for
        }
    }

    /// <summary>
    /// Reads the stores at start, then whenever a signal says routes changed, and every <see cref="SafetyInterval"/>; a read
    /// that fails is retried after 500 ms, doubling up to 30 s, while routers keep the last table. On PostgreSQL it also
    /// runs the <see cref="RouteChangeSignal.ListenAsync"/> loop.
    /// </summary>
    /// <param name="stoppingToken">Stops the loop.</param>
    /// <returns>A task.</returns>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        signal.Changed += OnSignal;
        endpoints.Changed += OnSignal;
        var listening = signal.ListenAsync((e, wait) => LogListenFailed(logger, e, wait.TotalSeconds), stoppingToken);
        try
        {
            var retry = RouteChangeSignal.MinReconnectDelay;
            while (!stoppingToken.IsCancellationRequested)
            {
                var wait = SafetyInterval;
                try
                {
                    await RefreshAsync(stoppingToken).ConfigureAwait(false);
                    retry = RouteChangeSignal.MinReconnectDelay;
                }
                catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
                {
                    LogFailed(logger, e); // keep the last table: routers go on serving it
                    wait = retry < wait ? retry : wait;
                    retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, RouteChangeSignal.MaxReconnectDelay.Ticks));
                }

                using var due = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                due.CancelAfter(wait);
                try
                {
                    await _signals.Reader.ReadAsync(due.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // the safety re-read (or the retry) is due
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            signal.Changed -= OnSignal;
            endpoints.Changed -= OnSignal;
            await listening.ConfigureAwait(false);
        }
    }

    private void OnSignal(object? sender, EventArgs e) => _signals.Writer.TryWrite(true);

    private static string Fingerprint(AppRoute r) =>
        new StringBuilder().Append(r.App).Append('|').AppendJoin(',', r.Hosts).Append('|').AppendJoin(',', r.Endpoints.Select(e => e.Address + "=" + e.Process))
            .Append('|').Append(r.Maintenance).Append(r.ForceHttps).Append(r.GrpcOverH2c).ToString();

    private static string Fingerprint(List<RouteCertificate> certificates)
    {
        var b = new StringBuilder();
        foreach (var c in certificates)
        {
            b.Append(c.Name).Append('|').Append(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(c.CertificatePem + c.KeyPem))))
                .Append('|').AppendJoin(',', c.Domains).Append('\n');
        }

        return b.ToString();
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Routes at version {Version}: {Changed} apps changed, {Removed} removed, certificates changed: {Certificates}")]
    private static partial void LogChanged(ILogger logger, long version, int changed, int removed, bool certificates);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Could not read the routes from the stores; routers keep the previous table")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Lost the connection that listens for other replicas' route changes; reconnecting in {Seconds} s, then reading every route again")]
    private static partial void LogListenFailed(ILogger logger, Exception exception, double seconds);
}
