using System.Data.Common;
using Dapper;
using Paas.Domain;

namespace Paas.Data;

/// <summary>
/// The release ledger: builds, configs and releases. Appends are serialized per app (see
/// <see cref="PaasDatabase.BeginAppWriteAsync"/>) and versions are unique by constraint, so concurrent writers
/// get distinct, gapless versions. Releases are never updated except for their deploy state, once.
/// </summary>
public sealed class LedgerStore
{
    private const string SelectRelease =
        "SELECT r.id, r.app_id, r.version, r.build_id, r.config_id, r.summary, r.created_by, r.state, r.failure_reason, r.created_at, " +
        "c.vars AS config_vars, c.limits AS config_limits, c.healthchecks AS config_healthchecks, b.image AS build_image, b.sha AS build_sha, b.process_types AS build_process_types, " +
        "b.created_by AS build_created_by, b.created_at AS build_created_at " +
        "FROM releases r JOIN configs c ON c.id = r.config_id LEFT JOIN builds b ON b.id = r.build_id";

    private readonly PaasDatabase _database;

    /// <summary>Creates the store.</summary>
    /// <param name="database">The database.</param>
    public LedgerStore(PaasDatabase database)
    {
        _database = database;
    }

    /// <summary>
    /// Appends a release to an app's ledger. <paramref name="decide"/> runs inside the app's write lock with the
    /// ledger as it is; what it returns is recorded as version <see cref="LedgerSnapshot.LatestVersion"/> + 1.
    /// </summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="decide">Chooses the new release's content; throws <see cref="DomainException"/> to refuse (nothing is written).</param>
    /// <param name="cancellationToken">Cancels the call (nothing is written).</param>
    /// <returns>The new release.</returns>
    /// <exception cref="DomainException">From <paramref name="decide"/>, or <see cref="DomainErrorKind.NotFound"/> when the app is gone.</exception>
    public async Task<Release> AppendAsync(string appId, Func<LedgerSnapshot, LedgerEntry> decide, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await _database.BeginAppWriteAsync(connection, appId, cancellationToken).ConfigureAwait(false)
            ?? throw new DomainException(DomainErrorKind.NotFound, "the app was destroyed");

        var latest = (int)await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COALESCE(MAX(version), 0) FROM releases WHERE app_id = @appId", new { appId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var @base = QueryOne(connection, transaction, $"{SelectRelease} WHERE r.app_id = @appId AND r.state <> 'failed' ORDER BY r.version DESC LIMIT 1", new { appId });
        var current = QueryOne(connection, transaction, $"{SelectRelease} WHERE r.app_id = @appId AND r.state = 'succeeded' ORDER BY r.version DESC LIMIT 1", new { appId });
        var snapshot = new LedgerSnapshot(
            latest,
            @base,
            current,
            version => QueryOne(connection, transaction, $"{SelectRelease} WHERE r.app_id = @appId AND r.version = @version", new { appId, version }),
            version => QueryOne(connection, transaction, $"{SelectRelease} WHERE r.app_id = @appId AND r.version < @version AND r.state = 'succeeded' ORDER BY r.version DESC LIMIT 1", new { appId, version }));

        var entry = decide(snapshot);
        var now = DateTimeOffset.UtcNow;
        if (entry is { IsNewBuild: true, Build: { } build })
        {
            await Execute(connection, transaction, "INSERT INTO builds (id, app_id, image, sha, process_types, created_by, created_at) VALUES (@Id, @AppId, @Image, @Sha, @processTypes, @CreatedBy, @CreatedAt)", new { build.Id, build.AppId, build.Image, build.Sha, processTypes = JsonColumn.Write(build.ProcessTypes), build.CreatedBy, build.CreatedAt }, cancellationToken).ConfigureAwait(false);
        }

        var configId = entry.ConfigId;
        if (configId is null)
        {
            configId = Ids.New();
            await Execute(connection, transaction, "INSERT INTO configs (id, app_id, vars, limits, healthchecks, created_by, created_at) VALUES (@configId, @appId, @vars, @limits, @healthChecks, @user, @now)", new { configId, appId, vars = JsonColumn.Write(entry.Config), limits = JsonColumn.WriteOrNull(entry.Limits), healthChecks = JsonColumn.WriteOrNull(entry.HealthChecks), user = entry.CreatedBy, now }, cancellationToken).ConfigureAwait(false);
        }

        var release = new Release(Ids.New(), appId, latest + 1, entry.Build, configId, entry.Config, entry.Summary, entry.CreatedBy, entry.State, null, now)
        {
            Limits = entry.Limits,
            HealthChecks = entry.HealthChecks,
        };
        await Execute(
            connection,
            transaction,
            "INSERT INTO releases (id, app_id, version, build_id, config_id, summary, created_by, state, failure_reason, created_at) VALUES (@Id, @AppId, @Version, @buildId, @ConfigId, @Summary, @CreatedBy, @state, NULL, @CreatedAt)",
            new { release.Id, release.AppId, release.Version, buildId = release.Build?.Id, release.ConfigId, release.Summary, release.CreatedBy, state = StateName(release.State), release.CreatedAt },
            cancellationToken).ConfigureAwait(false);
        await Execute(connection, transaction, "UPDATE apps SET updated_at = @now WHERE id = @appId", new { appId, now }, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return release;
    }

    /// <summary>Records the end of a pending release's deploy. A release that is no longer pending is left as it is.</summary>
    /// <param name="releaseId">The release's id.</param>
    /// <param name="state"><see cref="ReleaseState.Succeeded"/> or <see cref="ReleaseState.Failed"/>.</param>
    /// <param name="failureReason">Why it failed, for a failed deploy.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the state changed.</returns>
    public async Task<bool> CompleteAsync(string releaseId, ReleaseState state, string? failureReason, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE releases SET state = @state, failure_reason = @failureReason WHERE id = @releaseId AND state = 'pending'",
            new { releaseId, state = StateName(state), failureReason },
            cancellationToken: cancellationToken)).ConfigureAwait(false) == 1;
    }

    /// <summary>Marks the app's releases still pending as failed (see <see cref="FailPendingAsync(string, CancellationToken)"/>).</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="reason">The failure reason to record.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many releases were marked.</returns>
    public async Task<int> FailPendingAsync(string appId, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE releases SET state = 'failed', failure_reason = @reason WHERE state = 'pending' AND app_id = @appId",
            new { appId, reason },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// Marks every release still pending as failed: at start-up, a pending release is one whose deploy the platform was
    /// running when it stopped, so its outcome is unknown and the release before it is what the scheduler brings back.
    /// </summary>
    /// <param name="reason">The failure reason to record.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many releases were marked.</returns>
    public async Task<int> FailPendingAsync(string reason, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE releases SET state = 'failed', failure_reason = @reason WHERE state = 'pending'",
            new { reason },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Lists an app's releases, newest first.</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="limit">Page size (1-1000).</param>
    /// <param name="offset">How many to skip.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The total count and the page.</returns>
    public async Task<(int Count, IReadOnlyList<Release> Page)> ListAsync(string appId, int limit, int offset, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM releases WHERE app_id = @appId", new { appId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var rows = await connection.QueryAsync<ReleaseRow>(new CommandDefinition($"{SelectRelease} WHERE r.app_id = @appId ORDER BY r.version DESC LIMIT @limit OFFSET @offset", new { appId, limit, offset }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return ((int)count, [.. rows.Select(r => r.ToRelease())]);
    }

    /// <summary>Finds one release of an app.</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The release, or null.</returns>
    public Task<Release?> FindAsync(string appId, int version, CancellationToken cancellationToken) =>
        QueryOneAsync($"{SelectRelease} WHERE r.app_id = @appId AND r.version = @version", new { appId, version }, cancellationToken);

    /// <summary>The app's current release: its newest succeeded one.</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The release, or null.</returns>
    public Task<Release?> CurrentAsync(string appId, CancellationToken cancellationToken) =>
        QueryOneAsync($"{SelectRelease} WHERE r.app_id = @appId AND r.state = 'succeeded' ORDER BY r.version DESC LIMIT 1", new { appId }, cancellationToken);

    /// <summary>Lists an app's builds, newest first.</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="limit">Page size.</param>
    /// <param name="offset">How many to skip.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The total count and the page.</returns>
    public async Task<(int Count, IReadOnlyList<Build> Page)> ListBuildsAsync(string appId, int limit, int offset, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM builds WHERE app_id = @appId", new { appId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var rows = await connection.QueryAsync<BuildRow>(new CommandDefinition("SELECT id, app_id, image, sha, process_types, created_by, created_at FROM builds WHERE app_id = @appId ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset", new { appId, limit, offset }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return ((int)count, [.. rows.Select(r => r.ToBuild())]);
    }

    private async Task<Release?> QueryOneAsync(string sql, object args, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<ReleaseRow>(new CommandDefinition(sql, args, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToRelease();
    }

    private static Release? QueryOne(DbConnection connection, DbTransaction transaction, string sql, object args) =>
        connection.QuerySingleOrDefault<ReleaseRow>(sql, args, transaction)?.ToRelease();

    private static Task<int> Execute(DbConnection connection, DbTransaction transaction, string sql, object args, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(sql, args, transaction, cancellationToken: cancellationToken));

    private static string StateName(ReleaseState state) => state switch
    {
        ReleaseState.Pending => "pending",
        ReleaseState.Succeeded => "succeeded",
        _ => "failed",
    };

    private sealed class BuildRow
    {
        public string Id { get; set; } = "";

        public string AppId { get; set; } = "";

        public string Image { get; set; } = "";

        public string? Sha { get; set; }

        public string ProcessTypes { get; set; } = "{}";

        public string CreatedBy { get; set; } = "";

        public DateTimeOffset CreatedAt { get; set; }

        public Build ToBuild() => new(Id, AppId, Image, Sha, JsonColumn.Read<string>(ProcessTypes), CreatedBy, CreatedAt);
    }

    private sealed class ReleaseRow
    {
        public string Id { get; set; } = "";

        public string AppId { get; set; } = "";

        public long Version { get; set; }

        public string? BuildId { get; set; }

        public string ConfigId { get; set; } = "";

        public string Summary { get; set; } = "";

        public string CreatedBy { get; set; } = "";

        public string State { get; set; } = "";

        public string? FailureReason { get; set; }

        public DateTimeOffset CreatedAt { get; set; }

        public string ConfigVars { get; set; } = "{}";

        public string? ConfigLimits { get; set; }

        public string? ConfigHealthchecks { get; set; }

        public string? BuildImage { get; set; }

        public string? BuildSha { get; set; }

        public string? BuildProcessTypes { get; set; }

        public string? BuildCreatedBy { get; set; }

        public DateTimeOffset? BuildCreatedAt { get; set; }

        public Release ToRelease()
        {
            var build = BuildId is null
                ? null
                : new Build(BuildId, AppId, BuildImage!, BuildSha, JsonColumn.Read<string>(BuildProcessTypes), BuildCreatedBy!, BuildCreatedAt!.Value);
            var state = State switch
            {
                "pending" => ReleaseState.Pending,
                "succeeded" => ReleaseState.Succeeded,
                _ => ReleaseState.Failed,
            };
            return new Release(Id, AppId, (int)Version, build, ConfigId, JsonColumn.Read<string>(ConfigVars), Summary, CreatedBy, state, FailureReason, CreatedAt)
            {
                Limits = JsonColumn.Read<ProcessLimits>(ConfigLimits),
                HealthChecks = JsonColumn.Read<HealthCheck>(ConfigHealthchecks),
            };
        }
    }
}
