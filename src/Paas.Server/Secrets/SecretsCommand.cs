using Paas.Data;

namespace Paas.Server;

/// <summary>
/// <c>paasd secrets status|rotate|reencrypt</c>: the keys that encrypt stored secrets (certificates' private keys,
/// registry passwords; see <see cref="SecretKeyRing"/>), run where the controller runs, with its configuration.
/// <list type="bullet">
/// <item><c>status</c>: the key file, its keys, and how many stored secrets each encrypts.</item>
/// <item><c>rotate</c>: adds a new key to the key file, re-encrypts every stored secret with it and removes the keys
/// nothing uses any more. Needs a writable key file.</item>
/// <item><c>reencrypt</c>: re-encrypts every stored secret with the file's last key, for an operator who manages the file
/// (a Kubernetes Secret): add a line, let the pods see it, run this, then remove the old line.</item>
/// </list>
/// </summary>
internal static class SecretsCommand
{
    /// <summary>Runs the command.</summary>
    /// <param name="services">The controller's services (database, key ring).</param>
    /// <param name="args">The words after <c>secrets</c>.</param>
    /// <param name="output">Where results go.</param>
    /// <param name="error">Where errors go.</param>
    /// <returns>The exit code: 0, 64 (usage), 65 (a secret cannot be decrypted), 73 (the key file cannot be written).</returns>
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        const string Usage = "usage: paasd secrets status | rotate | reencrypt";
        if (args is not [var verb] || verb is not ("status" or "rotate" or "reencrypt"))
        {
            await error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 64; // EX_USAGE
        }

        var keys = services.GetRequiredService<SecretKeyRing>();
        var secrets = services.GetRequiredService<StoredSecrets>();
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync().ConfigureAwait(false);
        try
        {
            if (verb == "rotate")
            {
                string added;
                try
                {
                    added = keys.AddKey();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    await error.WriteLineAsync($"paasd secrets rotate: cannot write the key file {keys.FilePath}: {e.Message}").ConfigureAwait(false);
                    await error.WriteLineAsync("If it is a mounted Kubernetes Secret, add a line 'ID BASE64' at its end (e.g. k2 $(head -c 32 /dev/urandom | base64)), wait until the pods see it, run 'paasd secrets reencrypt', then remove the old line.").ConfigureAwait(false);
                    return 73; // EX_CANTCREAT
                }

                await output.WriteLineAsync($"-----> Added key {added} to {keys.FilePath}").ConfigureAwait(false);
                var result = await secrets.ReencryptAsync(CancellationToken.None).ConfigureAwait(false);
                await output.WriteLineAsync($"       Re-encrypted {result.Rewritten} of {result.Total} stored secrets with it").ConfigureAwait(false);
                var retired = keys.RetireKeys(result.KeysInUse);
                await output.WriteLineAsync(retired.Count == 0 ? "       No key retired" : $"       Retired {string.Join(", ", retired)} (no stored secret uses them)").ConfigureAwait(false);
                return 0;
            }

            if (verb == "reencrypt")
            {
                var result = await secrets.ReencryptAsync(CancellationToken.None).ConfigureAwait(false);
                await output.WriteLineAsync($"-----> Re-encrypted {result.Rewritten} of {result.Total} stored secrets with key {keys.PrimaryKeyId}").ConfigureAwait(false);
                var unused = keys.KeyIds.Where(k => !result.KeysInUse.Contains(k) && k != keys.PrimaryKeyId).ToList();
                if (unused.Count > 0)
                {
                    await output.WriteLineAsync($"       No stored secret uses {string.Join(", ", unused)} any more; their lines may be removed from {keys.FilePath}").ConfigureAwait(false);
                }

                return 0;
            }

            var counts = await secrets.CountByKeyAsync(CancellationToken.None).ConfigureAwait(false);
            await output.WriteLineAsync($"=== Secret keys ({keys.FilePath})").ConfigureAwait(false);
            foreach (var id in keys.KeyIds)
            {
                await output.WriteLineAsync($"{id,-24} {counts.GetValueOrDefault(id),6} secrets{(id == keys.PrimaryKeyId ? "  (encrypts)" : "")}").ConfigureAwait(false);
            }

            if (counts.GetValueOrDefault("") is > 0 and var plain)
            {
                await output.WriteLineAsync($"{"(not encrypted)",-24} {plain,6} secrets  (encrypted at the next start of paasd)").ConfigureAwait(false);
            }

            foreach (var (id, count) in counts.Where(c => c.Key.Length > 0 && !keys.KeyIds.Contains(c.Key)))
            {
                await output.WriteLineAsync($"{id,-24} {count,6} secrets  (MISSING from the key file: these cannot be read)").ConfigureAwait(false);
            }

            return 0;
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            await error.WriteLineAsync($"paasd secrets {verb}: {e.Message}").ConfigureAwait(false);
            return 65; // EX_DATAERR
        }
    }
}
