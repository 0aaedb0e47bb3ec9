using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Paas.Router.Routing;

namespace Paas.Router.Feed;

/// <summary>
/// Keeps the <see cref="RouteTableStore"/> in step with the controller: it follows <see cref="IRouteChangeSource"/>,
/// applies each change to its copy of the table and puts the new table in force. When the stream breaks (the controller
/// restarts, a network cut) the router keeps serving the last table and reconnects with back-off (0.5 s doubling to 30 s),
/// resuming from the last version it applied.
/// </summary>
public sealed partial class RouteWatcher(IRouteChangeSource source, RouteTableStore table, ILogger<RouteWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);
    private readonly Dictionary<string, AppRoute> _apps = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _firstSnapshot = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IReadOnlyList<RouteCertificate> _certificates = [];
    private long _version;
    private string _origin = "";

    /// <summary>The version of the table in force; 0 before the first snapshot.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Whether a snapshot was applied: the router has a table from the controller (its readiness).</summary>
    public bool HasTable => _firstSnapshot.Task.IsCompleted;

    /// <summary>Completes once the first snapshot is in force.</summary>
    public Task FirstTable => _firstSnapshot.Task;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = FirstRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var change in source.WatchAsync(_origin, Version, stoppingToken).ConfigureAwait(false))
                {
                    Apply(change);
                    delay = FirstRetry;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException or System.Text.Json.JsonException or OperationCanceledException or InvalidOperationException)
            {
                LogBroken(logger, Version, delay.TotalSeconds, e.Message);
            }

            try
            {
                await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = delay * 2 > LastRetry ? LastRetry : delay * 2;
        }
    }

    /// <summary>Applies one change and, unless it is a bookmark, puts the resulting table in force.</summary>
    /// <param name="change">The change, in version order.</param>
    public void Apply(RouteChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        switch (change.Type)
        {
            case RouteChangeType.Snapshot:
                _apps.Clear();
                foreach (var app in change.Apps)
                {
                    _apps[app.App] = app;
                }

                _certificates = change.Certificates ?? [];
                break;
            case RouteChangeType.Update:
                foreach (var name in change.Removed)
                {
                    _apps.Remove(name);
                }

                foreach (var app in change.Apps)
                {
                    _apps[app.App] = app;
                }

                _certificates = change.Certificates ?? _certificates;
                break;
            default:
                Interlocked.Exchange(ref _version, change.Version);
                _origin = change.Origin;
                return;
        }

        table.Update(new RouteTable([.. _apps.Values.OrderBy(a => a.App, StringComparer.Ordinal)], _certificates));
        Interlocked.Exchange(ref _version, change.Version);
        _origin = change.Origin;
        if (change.Type == RouteChangeType.Snapshot && _firstSnapshot.TrySetResult())
        {
            LogFirst(logger, _apps.Count, change.Version);
        }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Route table received from the controller: {Apps} apps at version {Version}")]
    private static partial void LogFirst(ILogger logger, int apps, long version);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "The route stream from the controller broke at version {Version} ({Reason}); serving the last table and reconnecting in {Seconds} s")]
    private static partial void LogBroken(ILogger logger, long version, double seconds, string reason);
}
