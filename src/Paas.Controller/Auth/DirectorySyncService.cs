using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paas.Data;
using Paas.Domain;
using Paas.Ldap;

namespace Paas.Controller;

/// <summary>
/// Reads every active directory user's account and groups again once per <see cref="LdapOptions.RefreshInterval"/>
/// (default 5 minutes), so that someone removed from a group, disabled or deleted in the directory loses that access even
/// without using a token; token use also refreshes (see <see cref="DirectoryAccounts"/>). Idle when no directory is configured.
/// With several controller replicas only the holder of the <see cref="LeaseName"/> lease refreshes (<see cref="LeaseStore"/>).
/// </summary>
internal sealed partial class DirectorySyncService(DirectoryAccounts accounts, UserStore users, LeaseStore leases, IOptionsMonitor<LdapOptions> options, ILogger<DirectorySyncService> logger) : BackgroundService
{
    /// <summary>The lease that makes one controller replica at a time run the refresh.</summary>
    public const string LeaseName = "directory-sync";

    private readonly string _holder = LeaseStore.NewHolder();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var interval = options.CurrentValue.RefreshInterval;
            try
            {
                await Task.Delay(interval < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : interval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (!accounts.Enabled)
            {
                continue;
            }

            try
            {
                // Held for two intervals: renewed at every refresh while this replica lives, taken over after it dies.
                if (!await leases.TryAcquireAsync(LeaseName, _holder, interval * 2, stoppingToken).ConfigureAwait(false))
                {
                    continue;
                }

                foreach (var user in await users.ListAsync(stoppingToken).ConfigureAwait(false))
                {
                    if (user is { Source: UserSource.Directory, IsActive: true })
                    {
                        await accounts.RefreshIfDueAsync(user, stoppingToken).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception e) when (e is DirectoryUnavailableException or System.Data.Common.DbException)
            {
                LogSyncFailed(logger, e.Message);
            }
        }
    }

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "Periodic directory refresh failed: {Reason}")]
    private static partial void LogSyncFailed(ILogger logger, string reason);
}
