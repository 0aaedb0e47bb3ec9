using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Paas.Registry.Uploads;

/// <summary>
/// Discards expired upload sessions (<see cref="UploadSessions.SweepAsync"/>) at start and then every quarter of
/// <see cref="RegistryOptions.UploadExpiry"/>, at least hourly, so sessions nobody finishes or names again do not keep
/// their bytes: a session lives at most 1.25 times the expiry.
/// </summary>
/// <remarks>
/// No lease: the storage belongs to one registry process (the chart's registry is one pod with a ReadWriteOnce volume,
/// replaced by <c>Recreate</c>). Replicas sharing a storage root would each sweep; that is harmless, as discarding a
/// session twice is a no-op (<c>CancelUploadAsync</c>).
/// </remarks>
internal sealed class UploadExpirySweeper(UploadSessions uploads, IOptions<RegistryOptions> options, TimeProvider time, ILogger<UploadExpirySweeper> logger)
    : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var quarter = options.Value.UploadExpiry / 4;
        var interval = quarter < TimeSpan.FromHours(1) ? quarter : TimeSpan.FromHours(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await uploads.SweepAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                RegistryLog.UploadSweepFailed(logger, e.Message);
            }

            try
            {
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
