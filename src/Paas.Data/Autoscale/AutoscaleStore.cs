using Dapper;
using Paas.Domain;

namespace Paas.Data;

/// <summary>
/// The autoscaling policies of each app, per process type (<c>paas autoscale</c>). Not part of a release, like the formation:
/// a deploy or rollback keeps them.
/// </summary>
public sealed class AutoscaleStore
{
    private readonly PaasDatabase _database;

    /// <summary>Creates the store.</summary>
    /// <param name="database">The database.</param>
    public AutoscaleStore(PaasDatabase database)
    {
        _database = database;
    }

    /// <summary>Reads an app's policies.</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Process type to policy, sorted by type; empty when none.</returns>
    public async Task<IReadOnlyDictionary<string, AutoscalePolicy>> GetAsync(string appId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string, long, long, long)>(new CommandDefinition(
            "SELECT process_type, min_processes, max_processes, cpu_percent FROM autoscale_policies WHERE app_id = @appId",
            new { appId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new SortedDictionary<string, AutoscalePolicy>(
            rows.ToDictionary(r => r.Item1, r => new AutoscalePolicy((int)r.Item2, (int)r.Item3, (int)r.Item4)),
            StringComparer.Ordinal);
    }

    /// <summary>Sets (adds or replaces) the policy of one process type.</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="type">The process type.</param>
    /// <param name="policy">The policy (already validated).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task SetAsync(string appId, string type, AutoscalePolicy policy, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO autoscale_policies (app_id, process_type, min_processes, max_processes, cpu_percent) VALUES (@appId, @type, @Min, @Max, @CpuPercent) " +
            "ON CONFLICT (app_id, process_type) DO UPDATE SET min_processes = excluded.min_processes, max_processes = excluded.max_processes, cpu_percent = excluded.cpu_percent",
            new { appId, type, policy.Min, policy.Max, policy.CpuPercent },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Removes the policy of one process type.</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="type">The process type.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether there was one.</returns>
    public async Task<bool> RemoveAsync(string appId, string type, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM autoscale_policies WHERE app_id = @appId AND process_type = @type",
            new { appId, type },
            cancellationToken: cancellationToken)).ConfigureAwait(false) == 1;
    }
}
