using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Paas.Data;

namespace Paas.Controller;

/// <summary>Applies pending migrations at start-up, before the server accepts requests (hosted services start first).</summary>
internal sealed partial class DatabaseMigrationService(DatabaseMigrator migrator, PaasDatabase database, ILogger<DatabaseMigrationService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var applied = await migrator.MigrateAsync(cancellationToken).ConfigureAwait(false);
        LogMigrated(logger, database.Description, applied.Count == 0 ? "none" : string.Join(", ", applied));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Database {Database} is ready (migrations applied now: {Applied})")]
    private static partial void LogMigrated(ILogger logger, string database, string applied);
}
