using Dapper;

namespace Paas.Data;

/// <summary>
/// Every column that holds a secret encrypted by <see cref="SecretKeyRing"/>, and the re-encryption of all of them:
/// at start (values stored in plaintext before encryption at rest, or under an older key), and by
/// <c>paasd secrets rotate</c> / <c>paasd secrets reencrypt</c>.
/// </summary>
public sealed class StoredSecrets
{
    /// <summary>Uploaded certificates' private keys (PKCS#8 PEM), by certificate id.</summary>
    public static SecretColumn CertificateKeys { get; } = new("certificates", "key_pem", ["id"]);

    /// <summary>Apps' passwords for other registries, by app id and registry.</summary>
    public static SecretColumn RegistryPasswords { get; } = new("app_registry_credentials", "password", ["app_id", "registry"]);

    /// <summary>Every secret column.</summary>
    public static IReadOnlyList<SecretColumn> Columns { get; } = [CertificateKeys, RegistryPasswords];

    private readonly PaasDatabase _database;
    private readonly SecretKeyRing _keys;

    /// <summary>Creates the service.</summary>
    /// <param name="database">The database.</param>
    /// <param name="keys">The key ring.</param>
    public StoredSecrets(PaasDatabase database, SecretKeyRing keys)
    {
        _database = database;
        _keys = keys;
    }

    /// <summary>
    /// Rewrites every stored secret that is not encrypted with the primary key (plaintext values included). A row
    /// changed meanwhile by someone else is left as that writer stored it (the update names the old value).
    /// </summary>
    /// <param name="cancellationToken">Cancels between rows.</param>
    /// <returns>How many values were rewritten, how many there are, and the ids of the keys they use afterwards.</returns>
    /// <exception cref="System.Security.Cryptography.CryptographicException">A value cannot be decrypted (its key is missing from the key file); nothing after it is rewritten.</exception>
    public async Task<SecretReencryption> ReencryptAsync(CancellationToken cancellationToken)
    {
        var primary = _keys.PrimaryKeyId;
        var rewritten = 0;
        var total = 0;
        var inUse = new HashSet<string>(StringComparer.Ordinal);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (column, keyValues, stored) in await ScanAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            total++;
            if (SecretKeyRing.KeyIdOf(stored) == primary)
            {
                inUse.Add(primary);
                continue;
            }

            var place = column.Place(keyValues);
            var renewed = _keys.Protect(_keys.Unprotect(stored, place), place);
            var args = new DynamicParameters();
            args.Add("renewed", renewed);
            args.Add("stored", stored);
            for (var i = 0; i < column.RowKey.Count; i++)
            {
                args.Add($"k{i}", keyValues[i]);
            }

            var where = string.Join(" AND ", column.RowKey.Select((k, i) => $"{k} = @k{i}"));
            var changed = await connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE {column.Table} SET {column.Column} = @renewed WHERE {where} AND {column.Column} = @stored", args, cancellationToken: cancellationToken)).ConfigureAwait(false);
            rewritten += changed;
            inUse.Add(changed > 0 ? SecretKeyRing.KeyIdOf(renewed)! : SecretKeyRing.KeyIdOf(stored) ?? primary);
        }

        return new SecretReencryption(rewritten, total, inUse);
    }

    /// <summary>How many stored secrets each key encrypts; plaintext values (not yet encrypted) count under the empty id.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Key id (or <c>""</c>) to count.</returns>
    public async Task<IReadOnlyDictionary<string, int>> CountByKeyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await ScanAsync(connection, cancellationToken).ConfigureAwait(false))
            .GroupBy(v => SecretKeyRing.KeyIdOf(v.Stored) ?? "", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
    }

    private static async Task<List<(SecretColumn Column, string[] RowKey, string Stored)>> ScanAsync(System.Data.Common.DbConnection connection, CancellationToken cancellationToken)
    {
        var values = new List<(SecretColumn, string[], string)>();
        foreach (var column in Columns)
        {
            var rows = await connection.QueryAsync(new CommandDefinition(
                $"SELECT {string.Join(", ", column.RowKey)}, {column.Column} AS secret FROM {column.Table}", cancellationToken: cancellationToken)).ConfigureAwait(false);
            foreach (IDictionary<string, object?> row in rows)
            {
                values.Add((column, [.. column.RowKey.Select(k => Convert.ToString(row[k], System.Globalization.CultureInfo.InvariantCulture)!)], (string)row["secret"]!));
            }
        }

        return values;
    }
}

/// <summary>A database column holding secrets encrypted by <see cref="SecretKeyRing"/>.</summary>
/// <param name="Table">The table.</param>
/// <param name="Column">The column.</param>
/// <param name="RowKey">The columns that identify a row, in the order <see cref="Place"/> takes their values.</param>
public sealed record SecretColumn(string Table, string Column, IReadOnlyList<string> RowKey)
{
    /// <summary>The place of one value, the associated data of its encryption: <c>TABLE.COLUMN/KEY1[/KEY2]</c>.</summary>
    /// <param name="rowKey">The row's key values, in <see cref="RowKey"/> order.</param>
    /// <returns>The place.</returns>
    public string Place(params string[] rowKey) => $"{Table}.{Column}/{string.Join('/', rowKey)}";
}

/// <summary>What <see cref="StoredSecrets.ReencryptAsync"/> did.</summary>
/// <param name="Rewritten">Values rewritten under the primary key.</param>
/// <param name="Total">Values stored.</param>
/// <param name="KeysInUse">Ids of the keys the stored values use now.</param>
public sealed record SecretReencryption(int Rewritten, int Total, IReadOnlySet<string> KeysInUse);
