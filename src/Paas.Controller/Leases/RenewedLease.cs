using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Paas.Data;
using Paas.Scheduling;

namespace Paas.Controller;

/// <summary>
/// An <see cref="IReplicaLease"/> kept in the <see cref="LeaseStore"/> (table <c>leases</c>, the same leases as the directory
/// refresh's): taken, then renewed every <see cref="RenewEvery"/> for <see cref="Duration"/> (three renewals). When a
/// renewal fails (the database cannot be reached) the lease is still counted as held until one renewal period before it
/// expires in the database, so that two replicas never both hold it, clocks agreeing within seconds; when another replica
/// holds it, this one waits. On stop the lease is given up at once, so another replica takes it at its next attempt.
/// On SQLite (one process) the lease is always held and the database is not asked.
/// </summary>
public sealed partial class RenewedLease : BackgroundService, IReplicaLease
{
    private readonly LeaseStore _leases;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _holder = LeaseStore.NewHolder();
    private readonly bool _shared;
    private DateTimeOffset _heldUntil = DateTimeOffset.MinValue;
    private volatile bool _held;

    /// <summary>Creates the lease (not yet taken: the hosted service takes it).</summary>
    /// <param name="name">The lease's name, e.g. <c>pod-logs</c>.</param>
    /// <param name="database">The database: on SQLite the lease is held from the start.</param>
    /// <param name="leases">The lease table.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Where taking and losing the lease is reported.</param>
    /// <param name="renewEvery">How often it is renewed or tried: 10 s by default; it is held for three times as long.</param>
    public RenewedLease(string name, PaasDatabase database, LeaseStore leases, TimeProvider time, ILogger<RenewedLease> logger, TimeSpan? renewEvery = null)
    {
        Name = name;
        _leases = leases;
        _time = time;
        _logger = logger;
        RenewEvery = renewEvery ?? TimeSpan.FromSeconds(10);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RenewEvery, TimeSpan.Zero, nameof(renewEvery));
        _shared = database.Dialect == SqlDialect.PostgreSql;
        _held = !_shared;
    }

    /// <inheritdoc />
    public event EventHandler? Changed;

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public bool IsHeld => _held;

    /// <summary>How often the lease is renewed (or tried, while another replica holds it).</summary>
    public TimeSpan RenewEvery { get; }

    /// <summary>How long a taking or renewal holds the lease: three <see cref="RenewEvery"/>.</summary>
    public TimeSpan Duration => RenewEvery * 3;

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_shared && _held)
        {
            Set(false);
            try
            {
                await _leases.ReleaseAsync(Name, _holder, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is System.Data.Common.DbException or OperationCanceledException)
            {
                // it expires by itself
            }
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_shared)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var taken = await _leases.TryAcquireAsync(Name, _holder, Duration, stoppingToken).ConfigureAwait(false);
                _heldUntil = taken ? _time.GetUtcNow() + Duration - RenewEvery : DateTimeOffset.MinValue;
                Set(taken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                LogRenewFailed(_logger, e, Name);
                Set(_held && _time.GetUtcNow() < _heldUntil);
            }

            try
            {
                await Task.Delay(RenewEvery, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Set(bool held)
    {
        if (_held == held)
        {
            return;
        }

        _held = held;
        LogChanged(_logger, Name, held ? "holds" : "no longer holds");
        Changed?.Invoke(this, EventArgs.Empty);
    }

    [LoggerMessage(EventId = 2410, Level = LogLevel.Information, Message = "This replica {What} the {Lease} lease")]
    private static partial void LogChanged(ILogger logger, string lease, string what);

    [LoggerMessage(EventId = 2411, Level = LogLevel.Warning, Message = "Renewing the {Lease} lease failed")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, string lease);
}
