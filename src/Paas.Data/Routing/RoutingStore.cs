using Dapper;

namespace Paas.Data;

/// <summary>
/// What the router needs from the database: custom domains, certificates and per-app router settings. Writes that change
/// routes say so through <see cref="PaasDatabase.RouteChanges"/> (a certificate changes routes once attached to a domain).
/// </summary>
public sealed class RoutingStore
{
    private const string SelectDomain =
        "SELECT d.domain, a.name AS app, c.name AS certificate, d.created_at FROM domains d JOIN apps a ON a.id = d.app_id LEFT JOIN certificates c ON c.id = d.certificate_id";

    private readonly PaasDatabase _database;
    private readonly SecretKeyRing _keys;

    /// <summary>Creates the store.</summary>
    /// <param name="database">The database.</param>
    /// <param name="keys">The keys that encrypt certificates' private keys at rest.</param>
    public RoutingStore(PaasDatabase database, SecretKeyRing keys)
    {
        _database = database;
        _keys = keys;
    }

    /// <summary>Lists domains, of one app or of all apps, sorted by domain.</summary>
    /// <param name="appId">The app's id, or null for every app.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The domains.</returns>
    public async Task<IReadOnlyList<StoredDomain>> ListDomainsAsync(string? appId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var sql = appId is null ? $"{SelectDomain} ORDER BY d.domain" : $"{SelectDomain} WHERE d.app_id = @appId ORDER BY d.domain";
        var rows = await connection.QueryAsync<DomainRow>(new CommandDefinition(sql, new { appId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new StoredDomain(r.Domain, r.App, r.Certificate, r.CreatedAt))];
    }

    /// <summary>One page of an app's domains, sorted by domain (<c>GET /v2/apps/{app}/domains</c>).</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="limit">The page size.</param>
    /// <param name="offset">How many domains come before the page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The app's number of domains and the page.</returns>
    public async Task<(int Count, IReadOnlyList<StoredDomain> Page)> ListDomainsAsync(string appId, int limit, int offset, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var args = new { appId, limit, offset };
        var count = await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM domains WHERE app_id = @appId", args, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var rows = await connection.QueryAsync<DomainRow>(new CommandDefinition($"{SelectDomain} WHERE d.app_id = @appId ORDER BY d.domain LIMIT @limit OFFSET @offset", args, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return (count, [.. rows.Select(r => new StoredDomain(r.Domain, r.App, r.Certificate, r.CreatedAt))]);
    }

    /// <summary>Finds a domain.</summary>
    /// <param name="domain">The domain, lower case.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The domain, or null.</returns>
    public async Task<StoredDomain?> FindDomainAsync(string domain, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<DomainRow>(new CommandDefinition($"{SelectDomain} WHERE d.domain = @domain", new { domain }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row is null ? null : new StoredDomain(row.Domain, row.App, row.Certificate, row.CreatedAt);
    }

    /// <summary>Adds a domain to an app.</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="domain">A valid domain, lower case.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when the domain belongs to an app already.</returns>
    public async Task<bool> AddDomainAsync(string appId, string domain, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var added = await UniqueInsert.TryAsync(
            () => connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO domains (id, app_id, domain, certificate_id, created_at) VALUES (@id, @appId, @domain, NULL, @now)",
                new { id = Ids.New(), appId, domain, now = DateTimeOffset.UtcNow },
                cancellationToken: cancellationToken)),
            async () => await FindDomainAsync(domain, cancellationToken).ConfigureAwait(false) is not null).ConfigureAwait(false);
        return await RoutesChangedIfAsync(connection, added).ConfigureAwait(false);
    }

    /// <summary>Removes a domain from an app.</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="domain">The domain.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the app had it.</returns>
    public async Task<bool> RemoveDomainAsync(string appId, string domain, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var removed = await connection.ExecuteAsync(new CommandDefinition("DELETE FROM domains WHERE app_id = @appId AND domain = @domain", new { appId, domain }, cancellationToken: cancellationToken)).ConfigureAwait(false) > 0;
        return await RoutesChangedIfAsync(connection, removed).ConfigureAwait(false);
    }

    /// <summary>Attaches a certificate to a domain, or detaches it.</summary>
    /// <param name="domain">The domain.</param>
    /// <param name="certificateId">The certificate's id, or null to detach.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the domain exists.</returns>
    public async Task<bool> SetDomainCertificateAsync(string domain, string? certificateId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var found = await connection.ExecuteAsync(new CommandDefinition("UPDATE domains SET certificate_id = @certificateId WHERE domain = @domain", new { domain, certificateId }, cancellationToken: cancellationToken)).ConfigureAwait(false) > 0;
        return await RoutesChangedIfAsync(connection, found).ConfigureAwait(false);
    }

    /// <summary>Stores a certificate, its private key encrypted (<see cref="SecretKeyRing"/>).</summary>
    /// <param name="certificate">The certificate (its <see cref="StoredCertificate.Domains"/> are ignored).</param>
    /// <param name="ownerId">The uploader's user id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when the name is taken.</returns>
    public async Task<bool> AddCertificateAsync(StoredCertificate certificate, string ownerId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await UniqueInsert.TryAsync(
            () => connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO certificates (id, name, owner_id, certificate_pem, key_pem, subject, san, fingerprint, expires_at, created_at) VALUES (@Id, @Name, @ownerId, @CertificatePem, @KeyPem, @Subject, @san, @Fingerprint, @ExpiresAt, @CreatedAt)",
                new { certificate.Id, certificate.Name, ownerId, certificate.CertificatePem, KeyPem = _keys.Protect(certificate.KeyPem, StoredSecrets.CertificateKeys.Place(certificate.Id)), certificate.Subject, san = System.Text.Json.JsonSerializer.Serialize(certificate.Names), certificate.Fingerprint, certificate.ExpiresAt, certificate.CreatedAt },
                cancellationToken: cancellationToken)),
            async () => await FindCertificateAsync(certificate.Name, cancellationToken).ConfigureAwait(false) is not null).ConfigureAwait(false);
    }

    /// <summary>Lists every certificate with its domains, by name.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The certificates.</returns>
    public Task<IReadOnlyList<StoredCertificate>> ListCertificatesAsync(CancellationToken cancellationToken) =>
        QueryCertificatesAsync(null, cancellationToken);

    /// <summary>Finds a certificate by name.</summary>
    /// <param name="name">The name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The certificate, or null.</returns>
    public async Task<StoredCertificate?> FindCertificateAsync(string name, CancellationToken cancellationToken) =>
        (await QueryCertificatesAsync(name, cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    /// <summary>Deletes a certificate, detaching it from its domains first.</summary>
    /// <param name="id">The certificate's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task DeleteCertificateAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE domains SET certificate_id = NULL WHERE certificate_id = @id", new { id }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM certificates WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        await _database.RouteChanges.NotifyAsync(connection).ConfigureAwait(false);
    }

    /// <summary>Lists the domain reservations, by zone.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reservations with their team's name.</returns>
    public async Task<IReadOnlyList<StoredDomainReservation>> ListReservationsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<ReservationRow>(new CommandDefinition(
            "SELECT r.zone, t.name AS team, r.team_id, r.reserved_by, r.created_at FROM domain_reservations r JOIN teams t ON t.id = r.team_id ORDER BY r.zone",
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new StoredDomainReservation(r.Zone, r.Team, r.TeamId, r.ReservedBy, r.CreatedAt))];
    }

    /// <summary>Reserves a zone for a team.</summary>
    /// <param name="zone">A normalized domain without wildcard.</param>
    /// <param name="teamId">The team's id.</param>
    /// <param name="reservedBy">The admin's username.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when the zone is reserved already.</returns>
    public async Task<bool> AddReservationAsync(string zone, string teamId, string reservedBy, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await UniqueInsert.TryAsync(
            () => connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO domain_reservations (zone, team_id, reserved_by, created_at) VALUES (@zone, @teamId, @reservedBy, @now)",
                new { zone, teamId, reservedBy, now = DateTimeOffset.UtcNow },
                cancellationToken: cancellationToken)),
            async () => (await ListReservationsAsync(cancellationToken).ConfigureAwait(false)).Any(r => r.Zone == zone)).ConfigureAwait(false);
    }

    /// <summary>Removes a reservation.</summary>
    /// <param name="zone">The zone.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether it existed.</returns>
    public async Task<bool> RemoveReservationAsync(string zone, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition("DELETE FROM domain_reservations WHERE zone = @zone", new { zone }, cancellationToken: cancellationToken)).ConfigureAwait(false) > 0;
    }

    /// <summary>Reads every app's router settings.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>App name to settings.</returns>
    public async Task<IReadOnlyDictionary<string, AppSettings>> ListSettingsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<SettingsRow>(new CommandDefinition("SELECT name, maintenance, https_enforced, grpc FROM apps", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Name, r => new AppSettings(r.Maintenance, r.HttpsEnforced, r.Grpc), StringComparer.Ordinal);
    }

    /// <summary>Changes an app's router settings; null leaves a setting as it is.</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="maintenance">The new maintenance flag, or null.</param>
    /// <param name="httpsEnforced">The new HTTPS enforcement flag, or null.</param>
    /// <param name="grpc">The new gRPC (h2c to the processes) flag, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task SetSettingsAsync(string appId, bool? maintenance, bool? httpsEnforced, bool? grpc, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE apps SET maintenance = COALESCE(@maintenance, maintenance), https_enforced = COALESCE(@httpsEnforced, https_enforced), grpc = COALESCE(@grpc, grpc) WHERE id = @appId",
            new { appId, maintenance, httpsEnforced, grpc },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await _database.RouteChanges.NotifyAsync(connection).ConfigureAwait(false);
    }

    /// <summary>Tells the route feed (<see cref="RouteChangeSignal"/>) when a write changed something.</summary>
    private async Task<bool> RoutesChangedIfAsync(System.Data.Common.DbConnection connection, bool changed)
    {
        if (changed)
        {
            await _database.RouteChanges.NotifyAsync(connection).ConfigureAwait(false);
        }

        return changed;
    }

    private async Task<IReadOnlyList<StoredCertificate>> QueryCertificatesAsync(string? name, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var where = name is null ? "" : " WHERE c.name = @name";
        var rows = (await connection.QueryAsync<CertificateRow>(new CommandDefinition(
            $"SELECT c.id, c.name, u.username AS owner, c.certificate_pem, c.key_pem, c.subject, c.san, c.fingerprint, c.expires_at, c.created_at FROM certificates c JOIN users u ON u.id = c.owner_id{where} ORDER BY c.name",
            new { name },
            cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        var attached = (await connection.QueryAsync<(string, string)>(new CommandDefinition(
            $"SELECT d.certificate_id, d.domain FROM domains d JOIN certificates c ON c.id = d.certificate_id{where} ORDER BY d.domain",
            new { name },
            cancellationToken: cancellationToken)).ConfigureAwait(false)).ToLookup(r => r.Item1, r => r.Item2);
        return [.. rows.Select(r => r.ToCertificate([.. attached[r.Id]], _keys.Unprotect(r.KeyPem, StoredSecrets.CertificateKeys.Place(r.Id))))];
    }

    private sealed class DomainRow
    {
        public string Domain { get; set; } = "";

        public string App { get; set; } = "";

        public string? Certificate { get; set; }

        public DateTimeOffset CreatedAt { get; set; }
    }

    private sealed class ReservationRow
    {
        public string Zone { get; set; } = "";

        public string Team { get; set; } = "";

        public string TeamId { get; set; } = "";

        public string ReservedBy { get; set; } = "";

        public DateTimeOffset CreatedAt { get; set; }
    }

    private sealed class SettingsRow
    {
        public string Name { get; set; } = "";

        public bool Maintenance { get; set; }

        public bool HttpsEnforced { get; set; }

        public bool Grpc { get; set; }
    }

    private sealed class CertificateRow
    {
        public string Id { get; set; } = "";

        public string Name { get; set; } = "";

        public string Owner { get; set; } = "";

        public string CertificatePem { get; set; } = "";

        public string KeyPem { get; set; } = "";

        public string Subject { get; set; } = "";

        public string San { get; set; } = "[]";

        public string Fingerprint { get; set; } = "";

        public DateTimeOffset ExpiresAt { get; set; }

        public DateTimeOffset CreatedAt { get; set; }

        public StoredCertificate ToCertificate(IReadOnlyList<string> domains, string keyPem) =>
            new(Id, Name, Owner, CertificatePem, keyPem, Subject, System.Text.Json.JsonSerializer.Deserialize<string[]>(San) ?? [], Fingerprint, ExpiresAt, CreatedAt, domains);
    }
}
