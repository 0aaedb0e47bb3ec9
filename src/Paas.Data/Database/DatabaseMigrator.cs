using System.Text.RegularExpressions;
using Dapper;

namespace Paas.Data;

/// <summary>
/// Applies the numbered SQL migrations embedded in this assembly (<c>Migrations/NNNN_name.sql</c>), in order,
/// each in its own transaction, recording them in <c>schema_migrations</c>. The same files serve SQLite and
/// PostgreSQL: <c>{timestamp}</c> becomes TEXT / TIMESTAMPTZ, <c>{bool}</c> INTEGER / BOOLEAN, <c>{false}</c> 0 / FALSE and
/// <c>{serial_id}</c> INTEGER PRIMARY KEY AUTOINCREMENT / BIGSERIAL PRIMARY KEY. On PostgreSQL
/// an advisory lock lets several platform pods start at once without applying a migration twice.
/// </summary>
public sealed partial class DatabaseMigrator
{
    private const long AdvisoryLockKey = 0x7061617300000001; // "paas" + 1
    private readonly PaasDatabase _database;

    /// <summary>Creates a migrator for <paramref name="database"/>.</summary>
    /// <param name="database">The database to migrate.</param>
    public DatabaseMigrator(PaasDatabase database)
    {
        _database = database;
    }

    /// <summary>The migrations this build knows, in order: (number, name, SQL with dialect tokens).</summary>
    public static IReadOnlyList<(int Number, string Name, string Sql)> Known { get; } = Load();

    /// <summary>Applies every migration not yet applied.</summary>
    /// <param name="cancellationToken">Cancels between statements.</param>
    /// <returns>The numbers of the migrations applied now (empty when the schema was current).</returns>
    /// <exception cref="System.Data.Common.DbException">The database is unreachable or a migration failed (that migration is rolled back).</exception>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var postgres = _database.Dialect == SqlDialect.PostgreSql;
        if (postgres)
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = AdvisoryLockKey }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                Translate("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at {timestamp} NOT NULL)"),
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            var applied = (await connection.QueryAsync<int>(new CommandDefinition("SELECT version FROM schema_migrations", cancellationToken: cancellationToken)).ConfigureAwait(false)).ToHashSet();
            var done = new List<int>();
            foreach (var (number, name, sql) in Known.Where(m => !applied.Contains(m.Number)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await connection.ExecuteAsync(new CommandDefinition(Translate(sql), transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@number, @name, @now)",
                    new { number, name, now = DateTimeOffset.UtcNow },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                done.Add(number);
            }

            return done;
        }
        finally
        {
            if (postgres)
            {
                await connection.ExecuteAsync("SELECT pg_advisory_unlock(@key)", new { key = AdvisoryLockKey }).ConfigureAwait(false);
            }
        }
    }

    private string Translate(string sql) => _database.Dialect == SqlDialect.PostgreSql
        ? sql.Replace("{timestamp}", "TIMESTAMPTZ", StringComparison.Ordinal).Replace("{bool}", "BOOLEAN", StringComparison.Ordinal).Replace("{false}", "FALSE", StringComparison.Ordinal)
            .Replace("{serial_id}", "BIGSERIAL PRIMARY KEY", StringComparison.Ordinal)
        : sql.Replace("{timestamp}", "TEXT", StringComparison.Ordinal).Replace("{bool}", "INTEGER", StringComparison.Ordinal).Replace("{false}", "0", StringComparison.Ordinal)
            .Replace("{serial_id}", "INTEGER PRIMARY KEY AUTOINCREMENT", StringComparison.Ordinal);

    private static List<(int, string, string)> Load()
    {
        var assembly = typeof(DatabaseMigrator).Assembly;
        var list = new List<(int, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = ResourcePattern().Match(resource);
            if (!match.Success)
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            list.Add((int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups[2].Value, reader.ReadToEnd()));
        }

        return [.. list.OrderBy(m => m.Item1)];
    }

    [GeneratedRegex(@"Migrations\.(\d{4})_([a-z0-9_]+)\.sql$")]
    private static partial Regex ResourcePattern();
}
