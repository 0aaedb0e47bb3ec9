using Paas.Domain;
using Paas.Testing;
using Xunit;

namespace Paas.Data.Tests;

/// <summary>The repository suite: every test runs on SQLite and on PostgreSQL.</summary>
public sealed class DataStoreTests
{
    private static async Task<(PaasDatabase Database, string Dir)> OpenAsync(string backend)
    {
        var dir = Path.Combine(Path.GetTempPath(), "paas-data-" + Guid.NewGuid().ToString("N")[..10]);
        var database = new PaasDatabase(await Backend.DatabaseSettingAsync(backend), dir);
        await new DatabaseMigrator(database).MigrateAsync();
        return (database, dir);
    }

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task Migrations_apply_once(string backend)
    {
        var (database, _) = await OpenAsync(backend);
        using (database)
        {
            Assert.Empty(await new DatabaseMigrator(database).MigrateAsync());
            Assert.NotEmpty(DatabaseMigrator.Known);
        }
    }

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task Only_one_of_simultaneous_first_users_becomes_admin(string backend)
    {
        var (database, _) = await OpenAsync(backend);
        using (database)
        {
            var users = new UserStore(database);
            var created = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => users.CreateAsync($"user{i}", null, "hash", isAdmin: false, firstBecomesAdmin: true, CancellationToken.None)));
            Assert.Equal(1, created.Count(u => u!.IsAdmin));
            Assert.Null(await users.CreateAsync("user0", null, "hash", false, true, CancellationToken.None));
        }
    }

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task Tokens_are_found_by_hash_and_revoked_on_regeneration(string backend)
    {
        var (database, _) = await OpenAsync(backend);
        using (database)
        {
            var users = new UserStore(database);
            var alice = (await users.CreateAsync("alice", "a@example.test", "hash", false, true, CancellationToken.None))!;
            await users.AddTokenAsync(alice.Id, "h1", revokeOthers: false, CancellationToken.None);
            await users.AddTokenAsync(alice.Id, "h2", revokeOthers: false, CancellationToken.None);
            Assert.Equal("alice", (await users.FindByTokenAsync("h1", CancellationToken.None))?.Username);
            await users.AddTokenAsync(alice.Id, "h3", revokeOthers: true, CancellationToken.None);
            Assert.Null(await users.FindByTokenAsync("h1", CancellationToken.None));
            Assert.Null(await users.FindByTokenAsync("h2", CancellationToken.None));
            Assert.NotNull(await users.FindByTokenAsync("h3", CancellationToken.None));
        }
    }

    /// <summary>
    /// The database alone (no in-process lock) keeps versions unique and gapless and loses no change, as it must when
    /// several controller pods write the same app.
    /// </summary>
    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task Concurrent_appends_get_unique_gapless_versions(string backend)
    {
        var (database, _) = await OpenAsync(backend);
        using (database)
        {
            var users = new UserStore(database);
            var alice = (await users.CreateAsync("alice", null, "hash", false, true, CancellationToken.None))!;
            var app = (await new AppStore(database).CreateAsync("busy", alice, CancellationToken.None))!;
            var ledger = new LedgerStore(database);

            const int Writers = 16;
            var releases = await Task.WhenAll(Enumerable.Range(0, Writers).Select(i => Task.Run(() => ledger.AppendAsync(app.Id, snapshot =>
            {
                var change = ConfigChange.Apply(snapshot.Base!.Config, new Dictionary<string, string?> { [$"K{i}"] = "v" });
                return new LedgerEntry(null, false, null, change.Values, ReleaseSummary.ConfigChanged("alice", change), "alice", ReleaseState.Succeeded);
            }, CancellationToken.None))));

            Assert.Equal(Enumerable.Range(2, Writers), releases.Select(r => r.Version).Order());
            var current = await ledger.CurrentAsync(app.Id, CancellationToken.None);
            Assert.Equal(Writers + 1, current!.Version);
            Assert.Equal(Writers, current.Config.Count);
        }
    }

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task Releases_keep_builds_configs_and_states(string backend)
    {
        var (database, _) = await OpenAsync(backend);
        using (database)
        {
            var alice = (await new UserStore(database).CreateAsync("alice", null, "hash", false, true, CancellationToken.None))!;
            var apps = new AppStore(database);
            var app = (await apps.CreateAsync("hello", alice, CancellationToken.None))!;
            Assert.Null(await apps.CreateAsync("hello", alice, CancellationToken.None));
            var ledger = new LedgerStore(database);
            var build = new Build(Ids.New(), app.Id, "hello:1", "abc1234", new Dictionary<string, string> { ["web"] = "npm start" }, "alice", DateTimeOffset.UtcNow);
            var v2 = await ledger.AppendAsync(app.Id, s => new LedgerEntry(build, true, s.Base!.ConfigId, s.Base.Config, "alice deployed abc1234", "alice", ReleaseState.Pending), CancellationToken.None);
            var v3 = await ledger.AppendAsync(app.Id, s => new LedgerEntry(build, false, s.Base!.ConfigId, s.Base.Config, "left pending", "alice", ReleaseState.Pending), CancellationToken.None);
            Assert.True(await ledger.CompleteAsync(v2.Id, ReleaseState.Failed, "did not boot", CancellationToken.None));
            Assert.Equal(1, await ledger.FailPendingAsync("interrupted", CancellationToken.None));
            Assert.Equal("interrupted", (await ledger.FindAsync(app.Id, v3.Version, CancellationToken.None))!.FailureReason);
            Assert.False(await ledger.CompleteAsync(v2.Id, ReleaseState.Succeeded, null, CancellationToken.None));

            var stored = (await ledger.FindAsync(app.Id, 2, CancellationToken.None))!;
            Assert.Equal(ReleaseState.Failed, stored.State);
            Assert.Equal("did not boot", stored.FailureReason);
            Assert.Equal("npm start", stored.Build!.ProcessTypes["web"]);
            Assert.Equal(1, (await ledger.CurrentAsync(app.Id, CancellationToken.None))!.Version);
            var (count, page) = await ledger.ListAsync(app.Id, 10, 0, CancellationToken.None);
            Assert.Equal(3, count);
            Assert.Equal([3, 2, 1], page.Select(r => r.Version));
            Assert.Equal(build.Id, Assert.Single((await ledger.ListBuildsAsync(app.Id, 10, 0, CancellationToken.None)).Page).Id);

            var formations = new FormationStore(database);
            await formations.SetAsync(app.Id, new Dictionary<string, int> { ["web"] = 2 }, CancellationToken.None);
            Assert.Equal(3, (await formations.SetAsync(app.Id, new Dictionary<string, int> { ["web"] = 3 }, CancellationToken.None))["web"]);

            await apps.DeleteAsync(app.Id, CancellationToken.None);
            Assert.Null(await apps.FindAsync("hello", CancellationToken.None));
            Assert.Equal(0, (await ledger.ListAsync(app.Id, 10, 0, CancellationToken.None)).Count);
        }
    }

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task Limits_and_health_checks_travel_with_the_config_and_autoscale_policies_per_type(string backend)
    {
        var (database, _) = await OpenAsync(backend);
        using (database)
        {
            var alice = (await new UserStore(database).CreateAsync("alice", null, "hash", false, true, CancellationToken.None))!;
            var app = (await new AppStore(database).CreateAsync("hello", alice, CancellationToken.None))!;
            var ledger = new LedgerStore(database);

            // v1 (made with the app, as rows made before migration 0004) has none.
            var v1 = (await ledger.FindAsync(app.Id, 1, CancellationToken.None))!;
            Assert.Empty(v1.Limits);
            Assert.Empty(v1.HealthChecks);

            var limits = new Dictionary<string, ProcessLimits> { ["web"] = new(512L << 20, 500), ["worker"] = new(1L << 30, null) };
            var checks = new Dictionary<string, HealthCheck> { ["web"] = new("/health", 3, 10, 2) };
            var v2 = await ledger.AppendAsync(app.Id, s => new LedgerEntry(null, false, null, s.Base!.Config, "alice changed limits web=512M", "alice", ReleaseState.Succeeded) { Limits = limits, HealthChecks = checks }, CancellationToken.None);
            Assert.Equal(limits, v2.Limits);
            var build = new Build(Ids.New(), app.Id, "hello:1", "abc1234", new Dictionary<string, string> { ["web"] = "npm start" }, "alice", DateTimeOffset.UtcNow);
            var v3 = await ledger.AppendAsync(app.Id, s => LedgerEntry.KeepingConfigOf(s.Base!, build, true, "alice deployed abc1234", "alice", ReleaseState.Succeeded), CancellationToken.None);
            Assert.Equal(v2.ConfigId, v3.ConfigId);

            var stored = (await ledger.FindAsync(app.Id, 3, CancellationToken.None))!;
            Assert.Equal(limits, stored.Limits);
            Assert.Equal(new HealthCheck("/health", 3, 10, 2), stored.HealthChecks["web"]);
            Assert.Equal(limits, (await ledger.CurrentAsync(app.Id, CancellationToken.None))!.Limits);
            Assert.Empty((await ledger.FindAsync(app.Id, 1, CancellationToken.None))!.Limits);

            var autoscale = new AutoscaleStore(database);
            Assert.Empty(await autoscale.GetAsync(app.Id, CancellationToken.None));
            await autoscale.SetAsync(app.Id, "web", new AutoscalePolicy(2, 10, 70), CancellationToken.None);
            await autoscale.SetAsync(app.Id, "web", new AutoscalePolicy(3, 12, 60), CancellationToken.None);
            await autoscale.SetAsync(app.Id, "worker", new AutoscalePolicy(1, 2, 50), CancellationToken.None);
            var policies = await autoscale.GetAsync(app.Id, CancellationToken.None);
            Assert.Equal(["web", "worker"], policies.Keys);
            Assert.Equal(new AutoscalePolicy(3, 12, 60), policies["web"]);
            Assert.True(await autoscale.RemoveAsync(app.Id, "worker", CancellationToken.None));
            Assert.False(await autoscale.RemoveAsync(app.Id, "worker", CancellationToken.None));
            Assert.Equal(["web"], (await autoscale.GetAsync(app.Id, CancellationToken.None)).Keys);

            await new AppStore(database).DeleteAsync(app.Id, CancellationToken.None);
            Assert.Empty(await autoscale.GetAsync(app.Id, CancellationToken.None));
        }
    }
}
