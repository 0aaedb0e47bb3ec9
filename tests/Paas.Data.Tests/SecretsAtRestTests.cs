using System.Security.Cryptography;
using Dapper;
using Paas.Testing;
using Xunit;

namespace Paas.Data.Tests;

/// <summary>Secrets at rest (issue "Tenant isolation", item 7): certificates' private keys and registry passwords are stored encrypted, and the keys rotate.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SecretsAtRestTests
{
    private const string KeyPem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";

    [Fact]
    public void A_missing_key_file_is_created_private_and_values_decrypt_only_in_their_own_place()
    {
        var dir = Directory.CreateTempSubdirectory("paas-keys-").FullName;
        try
        {
            var path = Path.Combine(dir, "sub", "secret-keys");
            var keys = new SecretKeyRing(path);

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            var stored = keys.Protect("hunter2", "t.c/1");
            Assert.StartsWith($"paas:v1:{keys.PrimaryKeyId}:", stored, StringComparison.Ordinal);
            Assert.DoesNotContain("hunter2", stored, StringComparison.Ordinal);
            Assert.NotEqual(stored, keys.Protect("hunter2", "t.c/1")); // a fresh nonce each time
            Assert.Equal("hunter2", keys.Unprotect(stored, "t.c/1"));
            Assert.ThrowsAny<CryptographicException>(() => keys.Unprotect(stored, "t.c/2")); // copied into another row
            var tampered = stored[..^4] + (stored[^4] == 'A' ? 'B' : 'A') + stored[^3..];
            Assert.ThrowsAny<CryptographicException>(() => keys.Unprotect(tampered, "t.c/1"));
            Assert.Equal("legacy plaintext", keys.Unprotect("legacy plaintext", "t.c/1"));

            // Another ring on the same file (another replica) sees a key added here without a restart.
            var replica = new SecretKeyRing(path);
            var added = keys.AddKey();
            var underNewKey = keys.Protect("s3cret", "t.c/1");
            Assert.Equal(added, SecretKeyRing.KeyIdOf(underNewKey));
            Assert.Equal("s3cret", replica.Unprotect(underNewKey, "t.c/1"));
            Assert.Equal(added, replica.PrimaryKeyId);

            // A value under a key the file no longer has says which key and which file.
            keys.RetireKeys(new HashSet<string>());
            var missing = Assert.ThrowsAny<CryptographicException>(() => keys.Unprotect(stored, "t.c/1"));
            Assert.Contains(SecretKeyRing.KeyIdOf(stored)!, missing.Message, StringComparison.Ordinal);
            Assert.Contains(path, missing.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("k1 notbase64!\n", "line 1")]
    [InlineData("# only a comment\n", "has no key")]
    [InlineData("k1 AAAA\n", "32 random bytes")]
    public void A_malformed_key_file_is_refused_naming_the_line(string content, string expected)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, content);
            var error = Assert.Throws<InvalidDataException>(() => new SecretKeyRing(file));
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task Stored_secrets_are_encrypted_old_plaintext_rows_get_encrypted_and_rotation_retires_the_old_key(string backend)
    {
        var dir = Path.Combine(Path.GetTempPath(), "paas-secrets-" + Guid.NewGuid().ToString("N")[..10]);
        using var database = new PaasDatabase(await Backend.DatabaseSettingAsync(backend), dir);
        await new DatabaseMigrator(database).MigrateAsync();
        var keys = new SecretKeyRing(Path.Combine(dir, "secret-keys"));
        var alice = (await new UserStore(database).CreateAsync("alice", null, "hash", false, true, CancellationToken.None))!;
        var app = (await new AppStore(database).CreateAsync("shop", alice, CancellationToken.None))!;
        var routing = new RoutingStore(database, keys);
        var logins = new AppRegistryCredentialStore(database, keys);
        var secrets = new StoredSecrets(database, keys);

        var now = DateTimeOffset.UtcNow;
        Assert.True(await routing.AddCertificateAsync(new StoredCertificate("c1", "shop-cert", "alice", "CERT", KeyPem, "CN=shop", ["shop.example.com"], "ab", now.AddDays(30), now, []), alice.Id, CancellationToken.None));
        await logins.SetAsync(app.Id, "registry.example.com", "robot", "pa55word", "alice", CancellationToken.None);

        await using (var connection = await database.OpenAsync())
        {
            var rawKey = await connection.ExecuteScalarAsync<string>("SELECT key_pem FROM certificates WHERE id = 'c1'");
            var rawPassword = await connection.ExecuteScalarAsync<string>("SELECT password FROM app_registry_credentials");
            Assert.StartsWith(SecretKeyRing.Prefix, rawKey, StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE KEY", rawKey, StringComparison.Ordinal);
            Assert.StartsWith(SecretKeyRing.Prefix, rawPassword, StringComparison.Ordinal);
            Assert.DoesNotContain("pa55word", rawPassword, StringComparison.Ordinal);

            // A row from before encryption at rest, and a ciphertext moved into another row.
            await connection.ExecuteAsync(
                "INSERT INTO certificates (id, name, owner_id, certificate_pem, key_pem, subject, san, fingerprint, expires_at, created_at) VALUES ('c2', 'old-cert', @owner, 'CERT', @key, 'CN=old', '[]', 'cd', @now, @now)",
                new { owner = alice.Id, key = KeyPem, now });
        }

        Assert.Equal(KeyPem, (await routing.FindCertificateAsync("shop-cert", CancellationToken.None))!.KeyPem);
        Assert.Equal(KeyPem, (await routing.FindCertificateAsync("old-cert", CancellationToken.None))!.KeyPem);
        Assert.Equal(("robot", "pa55word"), await logins.FindAsync(app.Id, "registry.example.com", CancellationToken.None));
        Assert.Equal(new Dictionary<string, int> { [keys.PrimaryKeyId] = 2, [""] = 1 }, await secrets.CountByKeyAsync(CancellationToken.None));

        var first = await secrets.ReencryptAsync(CancellationToken.None);
        Assert.Equal((1, 3), (first.Rewritten, first.Total));
        Assert.Equal(new Dictionary<string, int> { [keys.PrimaryKeyId] = 3 }, await secrets.CountByKeyAsync(CancellationToken.None));

        // Rotation: a new key, everything re-encrypted with it, the old key retired, every value still readable.
        var old = keys.PrimaryKeyId;
        var added = keys.AddKey();
        var rotated = await secrets.ReencryptAsync(CancellationToken.None);
        Assert.Equal((3, 3), (rotated.Rewritten, rotated.Total));
        Assert.Equal([old], keys.RetireKeys(rotated.KeysInUse));
        Assert.Equal([added], keys.KeyIds);
        Assert.Equal(KeyPem, (await routing.FindCertificateAsync("old-cert", CancellationToken.None))!.KeyPem);
        Assert.Equal(("robot", "pa55word"), await logins.FindAsync(app.Id, "registry.example.com", CancellationToken.None));

        await using (var connection = await database.OpenAsync())
        {
            var c1 = await connection.ExecuteScalarAsync<string>("SELECT key_pem FROM certificates WHERE id = 'c1'");
            await connection.ExecuteAsync("UPDATE certificates SET key_pem = @c1 WHERE id = 'c2'", new { c1 });
        }

        await Assert.ThrowsAnyAsync<CryptographicException>(() => routing.FindCertificateAsync("old-cert", CancellationToken.None));
        Directory.Delete(dir, recursive: true);
    }
}
