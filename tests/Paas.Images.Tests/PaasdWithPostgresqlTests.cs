using System.Net;
using System.Net.Http.Json;
using Npgsql;

namespace Paas.Images.Tests;

/// <summary>
/// The two images together as the chart runs them: paasd's controller on the paas/postgresql database (PAAS_DATABASE,
/// scram-sha-256), its accounts still there after paasd's container is replaced.
/// </summary>
public sealed class PaasdWithPostgresqlTests(PaasdImage paasd, PostgresqlImage postgresql)
{
    [Fact]
    public async Task Paasd_keeps_its_accounts_in_the_postgresql_image_across_a_new_paasd_container()
    {
        var paasdImage = await paasd.RequireAsync();
        var postgresqlImage = await postgresql.RequireAsync();
        var ports = LoopbackPort.FreeDistinct(5);
        await using var database = await Container.StartAsync(postgresqlImage,
            ["-p", $"127.0.0.1:{ports[0]}:5432", "-e", "POSTGRES_USER=paas", "-e", "POSTGRES_PASSWORD=db-secret", "-e", "POSTGRES_DB=paas"]);
        var connection = $"Host=127.0.0.1;Port={ports[0]};Username=paas;Password=db-secret;Database=paas";
        await WaitForDatabaseAsync(database, connection);

        // paasd on the host's network (it reaches the database's published port on 127.0.0.1), on loopback and free ports
        string[] options =
        [
            "--network", "host", "-e", "PAAS_LISTEN_ADDRESS=127.0.0.1", "-e", "PAAS_DATABASE=" + connection,
            "-e", $"PAAS_API_PORT={ports[1]}", "-e", $"PAAS_REGISTRY_PORT={ports[2]}", "-e", $"PAAS_HTTP_PORT={ports[3]}", "-e", $"PAAS_HTTPS_PORT={ports[4]}",
        ];
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{ports[1]}"), Timeout = TimeSpan.FromSeconds(30) };
        await using (var first = await Container.StartAsync(paasdImage, options))
        {
            await PaasdImageTests.WaitForHealthAsync(first, http);
            using var register = await http.PostAsJsonAsync("/v2/auth/register", new { username = "alice", password = "correct-horse-battery" });
            Assert.True(register.StatusCode == HttpStatusCode.Created, $"register: {(int)register.StatusCode} {await register.Content.ReadAsStringAsync()}\n{Container.Tail(await first.LogsAsync())}");
        }

        await using var second = await Container.StartAsync(paasdImage, options);
        await PaasdImageTests.WaitForHealthAsync(second, http);
        using var login = await http.PostAsJsonAsync("/v2/auth/login", new { username = "alice", password = "correct-horse-battery" });
        Assert.True(login.StatusCode == HttpStatusCode.OK, $"login on a new paasd container: {(int)login.StatusCode} {await login.Content.ReadAsStringAsync()}");
    }

    private static async Task WaitForDatabaseAsync(Container database, string connectionString)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false;Timeout=5");
                await connection.OpenAsync();
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && DateTime.UtcNow < deadline)
            {
                await database.AssertRunningAsync("waiting for postgres to accept connections");
                await Task.Delay(250);
            }
        }
    }
}
