using Paas.Testing;
using Xunit;

namespace Paas.Data.Tests;

/// <summary>
/// What lets several controller replicas share one database: the per-app deploy lock (an advisory lock on PostgreSQL,
/// held across processes: here across two <see cref="PaasDatabase"/> instances, i.e. two connection pools) and leases.
/// </summary>
public sealed class ReplicaCoordinationTests
{
    private static async Task<string> DatabaseAsync(string backend, string dir)
    {
        var setting = await Backend.DatabaseSettingAsync(backend);
        using var database = new PaasDatabase(setting, dir);
        await new DatabaseMigrator(database).MigrateAsync();
        return setting;
    }

    /// <summary>Two controller replicas on one fresh PostgreSQL database: two connection pools, each with its own locks.</summary>
    private static async Task<Replicas> TwoReplicasAsync()
    {
        var dir = Directory.CreateTempSubdirectory("paas-locks-").FullName;
        var setting = await DatabaseAsync(Backend.Postgres, dir);
        return new Replicas(new PaasDatabase(setting, dir), new PaasDatabase(setting, dir));
    }

    [Fact]
    public async Task An_apps_deploy_lock_held_by_one_replica_makes_another_wait_and_try_fail()
    {
        await using var replicas = await TwoReplicasAsync();
        var (locksA, locksB) = (replicas.LocksA, replicas.LocksB);

        var held = await locksA.AcquireAsync("app_1", TestContext.Current.CancellationToken);
        Assert.Null(await locksB.TryAcquireAsync("app_1", TestContext.Current.CancellationToken));
        var other = await locksB.TryAcquireAsync("app_2", TestContext.Current.CancellationToken);
        Assert.NotNull(other); // another app is not blocked
        await other.DisposeAsync();

        var waiting = locksB.AcquireAsync("app_1", TestContext.Current.CancellationToken);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted, "replica B waits while replica A holds the app's lock");
        await held.DisposeAsync();
        var second = await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Null(await locksA.TryAcquireAsync("app_1", TestContext.Current.CancellationToken));
        await second.DisposeAsync();
        var again = await locksA.TryAcquireAsync("app_1", TestContext.Current.CancellationToken);
        Assert.NotNull(again);
        await again.DisposeAsync();
    }

    [Fact]
    public async Task A_wait_for_the_deploy_lock_can_be_cancelled_and_takes_nothing()
    {
        await using var replicas = await TwoReplicasAsync();
        var (locksA, locksB) = (replicas.LocksA, replicas.LocksB);
        var held = await locksA.AcquireAsync("app_1", TestContext.Current.CancellationToken);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<Exception>(() => locksB.AcquireAsync("app_1", cancel.Token));
        await held.DisposeAsync();
        var after = await locksB.TryAcquireAsync("app_1", TestContext.Current.CancellationToken);
        Assert.NotNull(after); // the cancelled wait left no lock behind
        await after.DisposeAsync();
    }

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task A_lease_has_one_holder_until_it_expires_or_is_released(string backend)
    {
        var dir = Directory.CreateTempSubdirectory("paas-leases-").FullName;
        var setting = await DatabaseAsync(backend, dir);
        using var database = new PaasDatabase(setting, dir);
        var clock = new ManualClock(DateTimeOffset.Parse("2026-12-06T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var leases = new LeaseStore(database, clock);
        var ct = TestContext.Current.CancellationToken;

        Assert.True(await leases.TryAcquireAsync("sweep", "a", TimeSpan.FromSeconds(30), ct));
        Assert.False(await leases.TryAcquireAsync("sweep", "b", TimeSpan.FromSeconds(30), ct));
        Assert.True(await leases.TryAcquireAsync("other", "b", TimeSpan.FromSeconds(30), ct));
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.True(await leases.TryAcquireAsync("sweep", "a", TimeSpan.FromSeconds(30), ct)); // renewed: now until 10:00:50
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.False(await leases.TryAcquireAsync("sweep", "b", TimeSpan.FromSeconds(30), ct));
        clock.Advance(TimeSpan.FromSeconds(11));
        Assert.True(await leases.TryAcquireAsync("sweep", "b", TimeSpan.FromSeconds(30), ct)); // a stopped renewing: b takes over
        Assert.False(await leases.TryAcquireAsync("sweep", "a", TimeSpan.FromSeconds(30), ct));
        await leases.ReleaseAsync("sweep", "a", ct); // not a's to release
        Assert.False(await leases.TryAcquireAsync("sweep", "a", TimeSpan.FromSeconds(30), ct));
        await leases.ReleaseAsync("sweep", "b", ct);
        Assert.True(await leases.TryAcquireAsync("sweep", "a", TimeSpan.FromSeconds(30), ct));
    }

    private sealed class Replicas(PaasDatabase a, PaasDatabase b) : IAsyncDisposable
    {
        public AppDeployLocks LocksA { get; } = new(a);

        public AppDeployLocks LocksB { get; } = new(b);

        public ValueTask DisposeAsync()
        {
            a.Dispose();
            b.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
