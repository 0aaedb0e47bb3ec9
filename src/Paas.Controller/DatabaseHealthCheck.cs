using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Paas.Data;

namespace Paas.Controller;

/// <summary>Healthy when the database answers <c>SELECT 1</c>.</summary>
internal sealed class DatabaseHealthCheck(PaasDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken)).ConfigureAwait(false);
            return HealthCheckResult.Healthy(database.Description);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return HealthCheckResult.Unhealthy($"{database.Description} does not answer: {e.Message}");
        }
    }
}
