using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Paas.Data;
using Paas.Testing;
using Xunit;

namespace Paas.Controller.Tests;

/// <summary>
/// The pod-logs lease of two replicas on one PostgreSQL database (<see cref="RenewedLease"/>): one holds it, and when it
/// stops the other takes it over; on SQLite it is held without asking the database.
/// </summary>
public sealed class RenewedLeaseTests
{
    private static readonly TimeSpan Renew = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task One_replica_holds_the_lease_and_another_takes_it_over_when_it_stops()
    {
        using var database = new PaasDatabase(await Backend.DatabaseSettingAsync(Backend.Postgres), Path.GetTempPath());
        await new DatabaseMigrator(database).MigrateAsync();
        var leases = new LeaseStore(database, TimeProvider.System);
        using var a = new RenewedLease("pod-logs", database, leases, TimeProvider.System, NullLogger<RenewedLease>.Instance, Renew);
        using var b = new RenewedLease("pod-logs", database, leases, TimeProvider.System, NullLogger<RenewedLease>.Instance, Renew);
        Assert.False(a.IsHeld);

        await a.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => a.IsHeld);
        var changed = 0;
        b.Changed += (_, _) => changed++;
        await b.StartAsync(CancellationToken.None);
        await Task.Delay(Renew * 5);
        Assert.True(a.IsHeld);
        Assert.False(b.IsHeld);

        await a.StopAsync(CancellationToken.None); // gives the lease up
        Assert.False(a.IsHeld);
        await WaitUntilAsync(() => b.IsHeld);
        Assert.Equal(1, changed);
        await b.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task On_sqlite_the_lease_is_always_held()
    {
        var folder = Directory.CreateTempSubdirectory("paas-lease-").FullName;
        using var database = new PaasDatabase(null, folder);
        using var lease = new RenewedLease("pod-logs", database, new LeaseStore(database, TimeProvider.System), TimeProvider.System, NullLogger<RenewedLease>.Instance, Renew);
        Assert.True(lease.IsHeld);
        await lease.StartAsync(CancellationToken.None);
        await lease.StopAsync(CancellationToken.None);
        Directory.Delete(folder, recursive: true);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "timed out");
            await Task.Delay(20);
        }
    }
}
