using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Paas.Scheduling.Local;

/// <summary>
/// At start, in the background, removes the system users of platforms whose data folder is gone
/// (<see cref="SystemUsers.RemoveOrphansAsync"/>). Registered by the parts that make users (the local runtimes and the
/// builder); does nothing unless paasd runs as root, as users are made only then.
/// </summary>
public sealed partial class OrphanedUserSweeper(ILogger<OrphanedUserSweeper> logger) : IHostedService
{
    private Task _sweep = Task.CompletedTask;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Environment.IsPrivilegedProcess)
        {
            _sweep = Task.Run(SweepAsync, CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => _sweep.WaitAsync(cancellationToken);

    private async Task SweepAsync()
    {
        try
        {
            if (await SystemUsers.RemoveOrphansAsync().ConfigureAwait(false) is { Count: > 0 } removed)
            {
                LogRemoved(removed.Count, string.Join(", ", removed));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception or OperationCanceledException)
        {
            LogFailed(e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} system users of platforms whose data folder is gone: {Names}")]
    private partial void LogRemoved(int count, string names);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not look for system users of platforms whose data folder is gone: {Reason}")]
    private partial void LogFailed(string reason);
}
