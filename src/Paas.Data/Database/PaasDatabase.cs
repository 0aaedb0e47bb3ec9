using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Paas.Data;

/// <summary>
/// The platform's database: opens connections for the configured dialect and holds what differs
/// between SQLite and PostgreSQL. Thread-safe; register one per process.
/// </summary>
/// <remarks>
/// SQLite runs in WAL mode (synchronous=NORMAL) with foreign keys on; its transactions begin IMMEDIATE, so writers are
/// serialized and wait (up to <see cref="BusyTimeoutSeconds"/>) instead of failing with SQLITE_BUSY.
/// PostgreSQL connections are pooled by Npgsql.
/// </remarks>
public sealed class PaasDatabase : IDisposable
{
    /// <summary>How long a SQLite writer waits for the write lock, in seconds.</summary>
    public const int BusyTimeoutSeconds = 30;

    private static int _initialized;
    private readonly string _connectionString;
    private readonly NpgsqlDataSource? _dataSource;
    private int _walEnabled;

    /// <summary>Opens the database named by <paramref name="connectionString"/>.</summary>
    /// <param name="connectionString">
    /// Empty or null for the SQLite file <c>paas.db</c> in <paramref name="dataDirectory"/>; a string starting with
    /// <c>Data Source=</c> or ending in <c>.db</c> for another SQLite file; anything else is an Npgsql (PostgreSQL) connection string.
    /// </param>
    /// <param name="dataDirectory">The platform's data folder; created when missing.</param>
    /// <exception cref="ArgumentException">The PostgreSQL connection string does not parse.</exception>
    public PaasDatabase(string? connectionString, string dataDirectory)
    {
        EnsureInitialized();
        if (string.IsNullOrWhiteSpace(connectionString) || IsSqlite(connectionString))
        {
            Dialect = SqlDialect.Sqlite;
            var builder = string.IsNullOrWhiteSpace(connectionString)
                ? new SqliteConnectionStringBuilder { DataSource = Path.Combine(CreateDirectory(dataDirectory), "paas.db") }
                : new SqliteConnectionStringBuilder(connectionString.EndsWith(".db", StringComparison.Ordinal) ? $"Data Source={connectionString}" : connectionString);
            builder.ForeignKeys = true;
            builder.DefaultTimeout = BusyTimeoutSeconds;
            builder.Pooling = true;
            _connectionString = builder.ToString();
            Description = $"SQLite {builder.DataSource}";
        }
        else
        {
            Dialect = SqlDialect.PostgreSql;
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            _connectionString = builder.ToString();
            _dataSource = NpgsqlDataSource.Create(_connectionString);
            Description = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
        }

        RouteChanges = new RouteChangeSignal(_dataSource is null ? null : _connectionString);
    }

    /// <summary>Says when routes changed, in this process and, on PostgreSQL, in every process on the same database.</summary>
    public RouteChangeSignal RouteChanges { get; }

    /// <summary>
    /// On PostgreSQL, the pooled data source (for parts that speak PostgreSQL itself, such as the shared app log store)
    /// and the connection string (for <see cref="PostgresListener"/>); both null on SQLite.
    /// </summary>
    public (NpgsqlDataSource DataSource, string ConnectionString)? Postgres => _dataSource is null ? null : (_dataSource, _connectionString);

    /// <summary>Which database this is.</summary>
    public SqlDialect Dialect { get; }

    /// <summary>A description without secrets, for logs: <c>SQLite /var/lib/paas/paas.db</c> or <c>PostgreSQL db:5432/paas</c>.</summary>
    public string Description { get; }

    /// <summary>Opens a new connection (return it to the pool by disposing it).</summary>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>An open connection.</returns>
    /// <exception cref="DbException">The database cannot be reached.</exception>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (_dataSource is not null)
        {
            return await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }

        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (Interlocked.Exchange(ref _walEnabled, 1) == 0)
        {
            // WAL is a property of the database file: set once, it stays. Readers then never wait for the writer.
            await connection.ExecuteAsync("PRAGMA journal_mode=WAL").ConfigureAwait(false);
        }

        // With WAL, NORMAL syncs at checkpoints: a crash of the process loses nothing, a power cut may lose the last commits.
        await connection.ExecuteAsync("PRAGMA synchronous=NORMAL").ConfigureAwait(false);
        return connection;
    }

    /// <summary>
    /// Begins a write transaction that holds the app's ledger lock until it ends: on SQLite every write
    /// transaction is exclusive (BEGIN IMMEDIATE); on PostgreSQL the app's row is locked FOR UPDATE.
    /// </summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="appId">The app whose releases are written.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The transaction, or null when the app does not exist.</returns>
    public async Task<DbTransaction?> BeginAppWriteAsync(DbConnection connection, string appId, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var sql = Dialect == SqlDialect.PostgreSql
            ? "SELECT id FROM apps WHERE id = @appId FOR UPDATE"
            : "SELECT id FROM apps WHERE id = @appId";
        var found = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(sql, new { appId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (found is null)
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            return null;
        }

        return transaction;
    }

    /// <inheritdoc />
    public void Dispose() => _dataSource?.Dispose();

    private static bool IsSqlite(string connectionString) =>
        connectionString.StartsWith("Data Source=", StringComparison.OrdinalIgnoreCase)
        || connectionString.EndsWith(".db", StringComparison.Ordinal);

    private static string CreateDirectory(string path)
    {
        Directory.CreateDirectory(path);
        return path;
    }

    private static void EnsureInitialized()
    {
        if (Interlocked.Exchange(ref _initialized, 1) == 0)
        {
            SQLitePCL.Batteries.Init();
            SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
            DefaultTypeMap.MatchNamesWithUnderscores = true;
        }
    }
}
