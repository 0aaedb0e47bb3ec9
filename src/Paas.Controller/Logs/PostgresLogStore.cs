using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using Paas.Data;
using Paas.Scheduling.Logs;

namespace Paas.Controller;

/// <summary>
/// The app log store shared by the controller replicas of one PostgreSQL database (table <c>app_logs</c>, migration 0008):
/// a line written through any replica (process output, router lines, builder and platform events) is in every replica's
/// <see cref="Tail"/> and <see cref="FollowAsync"/>, once.
/// <list type="number">
/// <item>Write: <see cref="Write"/> only queues the line (at most <see cref="MaxQueued"/>; beyond, the oldest queued line
/// is dropped and counted in <see cref="Dropped"/>). A background loop inserts the queue in batches of up to
/// <see cref="MaxBatch"/> lines, one transaction each, which first takes a transaction-level advisory lock so that ids
/// are given in commit order across replicas, then sends <c>NOTIFY paas_logs</c> with <c>app id</c> (the app's highest new
/// id; delivered on commit). While PostgreSQL cannot be reached the batch is retried after 500 ms, doubling up to 30 s,
/// and the queue fills then drops its oldest lines (logged once per outage with the count); a batch PostgreSQL refuses
/// (an error in the statement, not the connection nor a table not yet migrated) is dropped and counted. Writers never wait for the database.</item>
/// <item>Trim: after every <see cref="TrimEvery"/> lines this replica wrote for an app, the app's lines older than its
/// newest <see cref="KeepPerApp"/> are deleted (one DELETE on the <c>(app, id)</c> index), so an app holds at most about
/// <see cref="KeepPerApp"/> + <see cref="TrimEvery"/> lines per writing replica.</item>
/// <item>Follow: the tail, then every row with an id above the last one read. One <see cref="PostgresListener"/>
/// connection per process (<see cref="ApplicationName"/>, opened with the first follower) wakes the app's followers on
/// each notification and all followers after each (re)connection; they then read by id, so a notification lost while the
/// connection was down loses no line, and none is repeated.</item>
/// </list>
/// </summary>
public sealed partial class PostgresLogStore : IAppLogStore, IAsyncDisposable, IDisposable
{
    /// <summary>The PostgreSQL channel: <c>paas_logs</c>; the payload is the app's name, a space and its highest new id.</summary>
    public const string Channel = "paas_logs";

    /// <summary>The <c>application_name</c> of the listening connection, as <c>pg_stat_activity</c> shows it: <c>paas log listener</c>.</summary>
    public const string ApplicationName = "paas log listener";

    /// <summary>The most lines waiting to be inserted: 20,000; beyond, the oldest are dropped.</summary>
    public const int MaxQueued = 20_000;

    /// <summary>The most lines in one insert: 1000.</summary>
    public const int MaxBatch = 1000;

    /// <summary>How many of an app's newest lines a trim keeps: 2000 (<see cref="IAppLogStore.MaxTail"/> plus a margin).</summary>
    public const int KeepPerApp = 2000;

    /// <summary>How many lines this replica writes for an app between two trims of it: 500.</summary>
    public const int TrimEvery = 500;

    /// <summary>The advisory lock key that orders inserts: "paas" + 2 (the migrator holds "paas" + 1).</summary>
    private const long InsertLockKey = 0x7061617300000002;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _connectionString;
    private readonly ILogger _logger;
    private readonly Channel<(string App, LogLine Line)> _queue;
    private readonly ConcurrentDictionary<string, int> _sinceTrim = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Channel<bool>, string> _followers = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _deleted = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _flushGate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _writer;
    private Task? _listener;
    private long _dropped;
    private int _disposed;

    /// <summary>Creates the store and starts its writing loop.</summary>
    /// <param name="database">The platform's database; must be PostgreSQL, migrated to 0008 or later.</param>
    /// <param name="logger">Where outages and dropped lines are reported.</param>
    /// <exception cref="ArgumentException">The database is SQLite (use <see cref="FileLogStore"/>).</exception>
    public PostgresLogStore(PaasDatabase database, ILogger<PostgresLogStore> logger)
    {
        if (database.Postgres is not { } postgres)
        {
            throw new ArgumentException("the shared log store needs PostgreSQL", nameof(database));
        }

        (_dataSource, _connectionString) = postgres;
        _logger = logger;
        _queue = System.Threading.Channels.Channel.CreateBounded<(string, LogLine)>(
            new BoundedChannelOptions(MaxQueued) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>How many lines were dropped since start: the queue was full (PostgreSQL unreachable or too slow) or PostgreSQL refused their batch.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <inheritdoc />
    public void Write(string app, string source, string message)
    {
        ArgumentException.ThrowIfNullOrEmpty(app);
        // PostgreSQL text cannot hold NUL: it becomes U+FFFD rather than failing the whole batch.
        var line = new LogLine(DateTimeOffset.UtcNow, Clean(source), Clean(message.TrimEnd('\n', '\r')));
        _queue.Writer.TryWrite((app, line));
    }

    /// <inheritdoc />
    /// <exception cref="NpgsqlException">PostgreSQL cannot be reached.</exception>
    public IReadOnlyList<LogLine> Tail(string app, int lines, string? process = null)
    {
        using var connection = _dataSource.OpenConnection();
        return TailAsync(connection, app, lines, process, long.MaxValue, CancellationToken.None).GetAwaiter().GetResult().Lines;
    }

    /// <inheritdoc />
    /// <exception cref="NpgsqlException">PostgreSQL cannot be reached when the stream starts; later outages only delay lines.</exception>
    public async IAsyncEnumerable<LogLine> FollowAsync(string app, int lines, string? process, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        EnsureListening();
        var wake = System.Threading.Channels.Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        _followers[wake] = app; // before the tail: a line committed after it wakes this follower
        try
        {
            long last;
            IReadOnlyList<LogLine> past;
            await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            {
                (past, last) = await TailAsync(connection, app, lines, process, long.MaxValue, cancellationToken).ConfigureAwait(false);
            }

            foreach (var line in past)
            {
                yield return line;
            }

            while (!cancellationToken.IsCancellationRequested)
            {
                List<(long Id, LogLine Line)> rows;
                try
                {
                    await wake.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    rows = await ReadAfterAsync(app, last, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }
                catch (NpgsqlException e)
                {
                    LogFollowReadFailed(_logger, e, app);
                    await Task.Delay(PostgresListener.MinReconnectDelay, CancellationToken.None).ConfigureAwait(false);
                    wake.Writer.TryWrite(true); // read again
                    continue;
                }

                if (rows.Count == MaxBatch)
                {
                    wake.Writer.TryWrite(true); // more to read
                }

                foreach (var (id, line) in rows)
                {
                    last = id;
                    if (line.Matches(process))
                    {
                        yield return line;
                    }
                }
            }
        }
        finally
        {
            _followers.TryRemove(wake, out _);
        }
    }

    /// <inheritdoc />
    /// <exception cref="NpgsqlException">PostgreSQL cannot be reached.</exception>
    public void Delete(string app)
    {
        _flushGate.Wait(); // no batch of this app is in flight; lines still queued for it are skipped by the writer
        try
        {
            _sinceTrim.TryRemove(app, out _);
            using var connection = _dataSource.OpenConnection();
            using var command = new NpgsqlCommand("DELETE FROM app_logs WHERE app = $1", connection) { Parameters = { new() { Value = app } } };
            command.ExecuteNonQuery();
            _deleted[app] = DateTimeOffset.UtcNow;
        }
        finally
        {
            _flushGate.Release();
        }
    }

    /// <summary>Stops the loops, after a last attempt (at most 5 s) to insert what is queued.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _queue.Writer.TryComplete();
        try
        {
            await _writer.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_listener is not null)
        {
            await _listener.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    /// <summary>As <see cref="DisposeAsync"/>, blocking.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static string Clean(string text) => text.Contains('\0', StringComparison.Ordinal) ? text.Replace('\0', '\uFFFD') : text;

    private void EnsureListening()
    {
        if (_listener is null && !_stop.IsCancellationRequested)
        {
            lock (_followers)
            {
                _listener ??= Task.Run(() => PostgresListener.ListenAsync(_connectionString, ApplicationName, Channel, OnNotified, WakeAll,
                    (e, wait) => LogListenFailed(_logger, e, wait.TotalSeconds), _stop.Token));
            }
        }
    }

    private void OnNotified(string payload)
    {
        var space = payload.LastIndexOf(' ');
        Wake(space > 0 ? payload[..space] : payload);
    }

    private void Wake(string app)
    {
        foreach (var (wake, followed) in _followers)
        {
            if (followed == app)
            {
                wake.Writer.TryWrite(true);
            }
        }
    }

    private void WakeAll()
    {
        foreach (var wake in _followers.Keys)
        {
            wake.Writer.TryWrite(true);
        }
    }

    /// <summary>The last <paramref name="lines"/> matching lines with an id up to <paramref name="upTo"/>, and the app's highest id then.</summary>
    private async Task<(IReadOnlyList<LogLine> Lines, long Last)> TailAsync(NpgsqlConnection connection, string app, int lines, string? process, long upTo, CancellationToken cancellationToken)
    {
        // With a process filter every kept line is read and filtered here, by LogLine.Matches (the one rule): at most a few thousand rows.
        var wanted = Math.Clamp(lines, 0, ((IAppLogStore)this).MaxTail);
        var limit = string.IsNullOrEmpty(process) ? wanted : int.MaxValue;
        await using var command = new NpgsqlCommand(
            "SELECT id, time, source, message FROM app_logs WHERE app = $1 AND id <= $2 ORDER BY id DESC LIMIT $3",
            connection)
        {
            Parameters = { new() { Value = app }, new() { Value = upTo }, new() { Value = (long)limit } },
        };
        var rows = await ReadRowsAsync(command, cancellationToken).ConfigureAwait(false);
        var last = rows.Count > 0 ? rows[0].Id : await HighestIdAsync(connection, app, cancellationToken).ConfigureAwait(false);
        var matching = rows.Where(r => r.Line.Matches(process)).Take(wanted).Select(r => r.Line).Reverse().ToList();
        return (matching, last);
    }

    private static async Task<long> HighestIdAsync(NpgsqlConnection connection, string app, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT COALESCE(MAX(id), 0) FROM app_logs WHERE app = $1", connection) { Parameters = { new() { Value = app } } };
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private async Task<List<(long Id, LogLine Line)>> ReadAfterAsync(string app, long after, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT id, time, source, message FROM app_logs WHERE app = $1 AND id > $2 ORDER BY id LIMIT $3",
            connection)
        {
            Parameters = { new() { Value = app }, new() { Value = after }, new() { Value = (long)MaxBatch } },
        };
        return await ReadRowsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<(long Id, LogLine Line)>> ReadRowsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<(long, LogLine)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add((reader.GetInt64(0), new LogLine(reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3))));
        }

        return rows;
    }

    /// <summary>Takes queued lines in batches and inserts them, until the queue is completed and empty.</summary>
    private async Task WriteLoopAsync()
    {
        var batch = new List<(string App, LogLine Line)>(MaxBatch);
        var delay = PostgresListener.MinReconnectDelay;
        var outage = false;
        long droppedReported = 0;
        while (batch.Count > 0 || await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                await InsertAsync(batch).ConfigureAwait(false);
                batch.Clear();
                delay = PostgresListener.MinReconnectDelay;
                if (outage || Dropped != droppedReported)
                {
                    droppedReported = Dropped;
                    outage = false;
                    LogWriting(_logger, droppedReported);
                }
            }
            catch (PostgresException e) when (e.SqlState != PostgresErrorCodes.UndefinedTable) // no table yet: migrating, retried below
            {
                Interlocked.Add(ref _dropped, batch.Count);
                LogBatchRefused(_logger, e, batch.Count);
                batch.Clear();
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                if (!outage)
                {
                    outage = true;
                    LogOutage(_logger, e, batch.Count + _queue.Reader.Count, MaxQueued);
                }

                if (_queue.Reader.Completion.IsCompleted || _stop.IsCancellationRequested)
                {
                    Interlocked.Add(ref _dropped, batch.Count);
                    return; // stopping: what could not be written is lost
                }

                await Task.Delay(delay).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, PostgresListener.MaxReconnectDelay.Ticks));
            }
        }
    }

    /// <summary>One batch, one transaction: the ordering lock, the rows, one notification per app, then the due trims.</summary>
    private async Task InsertAsync(List<(string App, LogLine Line)> batch)
    {
        await _flushGate.WaitAsync().ConfigureAwait(false);
        try
        {
            // Lines queued before their app was deleted are not written back.
            var rows = batch.Where(r => !_deleted.TryGetValue(r.App, out var at) || r.Line.Timestamp > at).ToList();
            if (rows.Count == 0)
            {
                return;
            }

            await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
            await using (var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false))
            {
                await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction) { Parameters = { new() { Value = InsertLockKey } } })
                {
                    await lockCommand.ExecuteNonQueryAsync().ConfigureAwait(false);
                }

                await using (var insert = new NpgsqlCommand(
                    """
                    WITH inserted AS (
                        INSERT INTO app_logs (app, time, source, message)
                        SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[])
                        RETURNING id, app)
                    SELECT count(pg_notify('paas_logs', app || ' ' || last)) FROM (SELECT app, max(id) AS last FROM inserted GROUP BY app) AS apps
                    """,
                    connection,
                    transaction)
                {
                    Parameters =
                    {
                        new() { Value = rows.Select(r => r.App).ToArray() },
                        new() { Value = rows.Select(r => r.Line.Timestamp.UtcDateTime).ToArray() },
                        new() { Value = rows.Select(r => r.Line.Source).ToArray() },
                        new() { Value = rows.Select(r => r.Line.Message).ToArray() },
                    },
                })
                {
                    await insert.ExecuteNonQueryAsync().ConfigureAwait(false);
                }

                await transaction.CommitAsync().ConfigureAwait(false);
            }

            foreach (var app in rows.Select(r => r.App).Distinct(StringComparer.Ordinal))
            {
                Wake(app); // this process's followers need not wait for the notification's round trip
                var count = rows.Count(r => r.App == app);
                if (_sinceTrim.AddOrUpdate(app, count, (_, n) => n + count) >= TrimEvery)
                {
                    _sinceTrim[app] = 0;
                    try
                    {
                        await using var trim = new NpgsqlCommand(
                            "DELETE FROM app_logs WHERE app = $1 AND id < (SELECT id FROM app_logs WHERE app = $1 ORDER BY id DESC OFFSET $2 LIMIT 1)",
                            connection)
                        {
                            Parameters = { new() { Value = app }, new() { Value = (long)(KeepPerApp - 1) } },
                        };
                        await trim.ExecuteNonQueryAsync().ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
                    {
                        // The batch is committed: it must not be retried. The next trim of the app catches up.
                        _sinceTrim[app] = TrimEvery;
                        LogTrimFailed(_logger, e, app);
                    }
                }
            }
        }
        finally
        {
            _flushGate.Release();
        }
    }

    [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "App log lines cannot be written to PostgreSQL; {Queued} are queued (at most {Max}, then the oldest are dropped) and retried")]
    private static partial void LogOutage(ILogger logger, Exception exception, int queued, int max);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Information, Message = "App log lines are written to PostgreSQL again; {Dropped} lines dropped since start")]
    private static partial void LogWriting(ILogger logger, long dropped);

    [LoggerMessage(EventId = 2403, Level = LogLevel.Warning, Message = "PostgreSQL refused a batch of {Count} app log lines; they are dropped")]
    private static partial void LogBatchRefused(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 2404, Level = LogLevel.Warning, Message = "Listening for app log lines failed; listening again in {Seconds} s")]
    private static partial void LogListenFailed(ILogger logger, Exception exception, double seconds);

    [LoggerMessage(EventId = 2406, Level = LogLevel.Debug, Message = "Trimming the log lines of {App} failed; trying again after its next lines")]
    private static partial void LogTrimFailed(ILogger logger, Exception exception, string app);

    [LoggerMessage(EventId = 2405, Level = LogLevel.Debug, Message = "Reading new log lines of {App} failed; trying again")]
    private static partial void LogFollowReadFailed(ILogger logger, Exception exception, string app);
}
