using Dapper;

namespace Paas.Data;

/// <summary>The formation of each app: how many processes of each type it should run.</summary>
public sealed class FormationStore
{
    private readonly PaasDatabase _database;

    /// <summary>Creates the store.</summary>
    /// <param name="database">The database.</param>
    public FormationStore(PaasDatabase database)
    {
        _database = database;
    }

    /// <summary>Reads an app's formation.</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Process type to count, sorted by type; empty when never set.</returns>
    public async Task<IReadOnlyDictionary<string, int>> GetAsync(string appId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string, long)>(new CommandDefinition("SELECT process_type, quantity FROM formations WHERE app_id = @appId", new { appId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new SortedDictionary<string, int>(rows.ToDictionary(r => r.Item1, r => (int)r.Item2), StringComparer.Ordinal);
    }

    /// <summary>Sets the counts of the given process types (other types keep theirs).</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="counts">Process type to count.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The whole formation after the change.</returns>
    public async Task<IReadOnlyDictionary<string, int>> SetAsync(string appId, IReadOnlyDictionary<string, int> counts, CancellationToken cancellationToken)
    {
        await using (var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            foreach (var (type, quantity) in counts)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO formations (app_id, process_type, quantity) VALUES (@appId, @type, @quantity) ON CONFLICT (app_id, process_type) DO UPDATE SET quantity = excluded.quantity",
                    new { appId, type, quantity },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return await GetAsync(appId, cancellationToken).ConfigureAwait(false);
    }
}
