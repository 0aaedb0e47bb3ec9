using Npgsql;

namespace Paas.Images.Tests;

/// <summary>
/// paas/postgresql under podman: first start on an empty volume initializes from POSTGRES_USER / POSTGRES_PASSWORD /
/// POSTGRES_DB (or POSTGRES_PASSWORD_FILE) with scram-sha-256; SIGTERM is a fast shutdown; the data survives a restart.
/// </summary>
public sealed class PostgresqlImageTests(PostgresqlImage image)
{
    private const string Password = "s3cret 'quoted\" pass";

    [Fact]
    public async Task An_empty_volume_is_initialized_takes_the_password_and_keeps_the_data_across_a_restart()
    {
        var reference = await image.RequireAsync();
        var volume = "paas-images-test-" + Guid.NewGuid().ToString("N")[..12];
        await ExternalTool.RunAsync("podman", TimeSpan.FromMinutes(1), "volume", "create", volume);
        try
        {
            var port = LoopbackPort.Free();
            await using var container = await Container.StartAsync(reference,
            [
                "-p", $"127.0.0.1:{port}:5432", "-v", $"{volume}:/var/lib/postgresql/data",
                "-e", "POSTGRES_USER=alice", "-e", "POSTGRES_PASSWORD=" + Password, "-e", "POSTGRES_DB=shop",
            ]);
            var alice = ConnectionString(port, "alice", Password, "shop");
            await using (var connection = await OpenAsync(container, alice))
            {
                Assert.Equal("alice shop", await ScalarAsync(connection, "SELECT current_user || ' ' || current_database()"));
                Assert.Equal("SCRAM-SHA-256", await ScalarAsync(connection, "SELECT split_part(rolpassword, '$', 1) FROM pg_authid WHERE rolname = 'alice'"));
                Assert.Equal("*", await ScalarAsync(connection, "SHOW listen_addresses"));
                await ScalarAsync(connection, "CREATE TABLE orders (id int PRIMARY KEY, item text); INSERT INTO orders VALUES (1, 'kept'); SELECT 'ok'");
            }

            var refused = await Assert.ThrowsAsync<PostgresException>(() => OpenOnceAsync(ConnectionString(port, "alice", "wrong", "shop")));
            Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);

            var took = await container.StopAsync(grace: 30);
            var (running, exitCode) = await container.StateAsync();
            var log = await container.LogsAsync();
            Assert.False(running);
            Assert.True(exitCode == 0, $"postgres exited {exitCode} on SIGTERM; its log:\n{Container.Tail(log)}");
            Assert.Contains("received fast shutdown request", log, StringComparison.Ordinal);
            Assert.True(took < TimeSpan.FromSeconds(15), $"podman stop took {took.TotalSeconds:0.0} s: SIGTERM should be a fast shutdown, not wait for the SIGKILL");

            await container.RestartAsync();
            await using (var connection = await OpenAsync(container, alice))
            {
                Assert.Equal("kept", await ScalarAsync(connection, "SELECT item FROM orders WHERE id = 1"));
            }

            log = await container.LogsAsync();
            Assert.Single(log.Split('\n'), line => line.Contains("paas-postgresql: initializing", StringComparison.Ordinal));
            Assert.Contains("holds a database (PostgreSQL 15): no initialization", log, StringComparison.Ordinal);
        }
        finally
        {
            await ExternalTool.RunRawAsync("podman", TimeSpan.FromMinutes(1), "volume", "rm", "-f", volume);
        }
    }

    [Fact]
    public async Task Started_as_root_with_a_password_file_it_gives_the_data_folder_to_postgres_and_runs_as_postgres()
    {
        var reference = await image.RequireAsync();
        var dir = Directory.CreateTempSubdirectory("paas-images-pg-");
        try
        {
            var data = Directory.CreateDirectory(Path.Combine(dir.FullName, "data")).FullName;
            var secret = Path.Combine(dir.FullName, "password");
            await File.WriteAllTextAsync(secret, "from-a-file\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead); // uid 999 reads it
            }
            var port = LoopbackPort.Free();
            await using var container = await Container.StartAsync(reference,
            [
                "--user", "0:0", "-p", $"127.0.0.1:{port}:5432", "-v", $"{data}:/var/lib/postgresql/data",
                "-v", $"{secret}:/run/secrets/postgres-password:ro", "-e", "POSTGRES_PASSWORD_FILE=/run/secrets/postgres-password",
            ]);

            await using (var connection = await OpenAsync(container, ConnectionString(port, "postgres", "from-a-file", "postgres")))
            {
                Assert.Equal("postgres", await ScalarAsync(connection, "SELECT current_user"));
            }

            var owner = await ExternalTool.RunAsync("stat", TimeSpan.FromSeconds(10), "-c", "%u:%g", Path.Combine(data, "PG_VERSION"));
            Assert.Equal("999:999", owner.Trim());
            var users = await container.ExecAsync("ps", "-o", "user=", "-C", "postgres");
            Assert.All(users.Split('\n', StringSplitOptions.RemoveEmptyEntries), user => Assert.Equal("postgres", user.Trim()));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Without_a_password_an_empty_data_folder_is_refused_with_what_to_set()
    {
        var reference = await image.RequireAsync();
        var (code, _, error) = await Container.RunToEndAsync(reference, []);
        Assert.NotEqual(0, code);
        Assert.Contains("set POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE", error, StringComparison.Ordinal);
    }

    private static string ConnectionString(int port, string user, string password, string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = user,
            Password = password,
            Database = database,
            Pooling = false,
            Timeout = 5,
        }.ConnectionString;

    private static async Task<NpgsqlConnection> OpenOnceAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Connects once the server accepts connections (first start runs initdb), failing with its log if it stops.</summary>
    private static async Task<NpgsqlConnection> OpenAsync(Container container, string connectionString)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            try
            {
                return await OpenOnceAsync(connectionString);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && DateTime.UtcNow < deadline
                && e is not PostgresException { SqlState: PostgresErrorCodes.InvalidPassword })
            {
                await container.AssertRunningAsync("waiting for postgres to accept connections");
                await Task.Delay(250);
            }
        }
    }

    private static async Task<string?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync())?.ToString();
    }
}
