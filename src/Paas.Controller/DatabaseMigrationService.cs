using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Paas.Data;

namespace Paas.Controller;

/// <summary>
/// Applies pending migrations at start-up, before the server accepts requests (hosted services start first), then
/// encrypts stored secrets that are in plaintext (rows from before encryption at rest) or under an older key, and
/// reports the stored domains that break the domain rules (<see cref="DomainClaims"/>), which are kept, not dropped.
/// </summary>
internal sealed partial class DatabaseMigrationService(DatabaseMigrator migrator, PaasDatabase database, StoredSecrets secrets, SecretKeyRing keys, DomainClaims domains, ILogger<DatabaseMigrationService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var applied = await migrator.MigrateAsync(cancellationToken).ConfigureAwait(false);
        LogMigrated(logger, database.Description, applied.Count == 0 ? "none" : string.Join(", ", applied));
        var reencrypted = await secrets.ReencryptAsync(cancellationToken).ConfigureAwait(false);
        if (reencrypted.Rewritten > 0)
        {
            LogReencrypted(logger, reencrypted.Rewritten, reencrypted.Total, keys.PrimaryKeyId, keys.FilePath);
        }

        foreach (var conflict in await domains.ConflictsAsync(cancellationToken).ConfigureAwait(false))
        {
            LogDomainConflict(logger, conflict.Domain, conflict.App, conflict.Reason);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Database {Database} is ready (migrations applied now: {Applied})")]
    private static partial void LogMigrated(ILogger logger, string database, string applied);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Domain {Domain} of {App} breaks the domain rules: {Reason}; a platform admin should remove one of them (paas domains:remove) or change the reservation (paas domains:conflicts lists them all)")]
    private static partial void LogDomainConflict(ILogger logger, string domain, string app, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Encrypted {Rewritten} of {Total} stored secrets with key {KeyId} of {KeyFile}")]
    private static partial void LogReencrypted(ILogger logger, int rewritten, int total, string keyId, string keyFile);
}
