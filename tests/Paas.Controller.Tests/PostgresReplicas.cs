using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Paas.Data;
using Paas.Testing;
using Xunit;

namespace Paas.Controller.Tests;

/// <summary>
/// Two controller replicas (A and B, each with its own router) on one fresh PostgreSQL database and one key ring, as the
/// chart's replicas share one database and one Secret; plus a small backend app on loopback that answers
/// <c>hello from the app</c>. The route feed's safety re-read is set to an hour, so only notifications carry changes.
/// </summary>
internal sealed class PostgresReplicas : IAsyncDisposable
{
    private readonly WebApplication _backend;
    private readonly string _keys;
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false });

    private PostgresReplicas(WebApplication backend, string database, string keys, TestPlatform a, TestPlatform b)
    {
        _backend = backend;
        Database = database;
        _keys = keys;
        A = a;
        B = b;
    }

    public TestPlatform A { get; }

    public TestPlatform B { get; }

    /// <summary>The database's connection string.</summary>
    public string Database { get; }

    /// <summary>Starts the backend and both replicas, and waits until both listen for route changes.</summary>
    /// <param name="configure">Registers replacements in each replica's services; given the backend's <c>host:port</c>.</param>
    public static async Task<PostgresReplicas> StartAsync(Action<IServiceCollection, string>? configure = null)
    {
        var database = await Backend.DatabaseSettingAsync(Backend.Postgres);
        var backend = await Paas.Testing.LoopbackPort.StartOnFreePortsAsync(1, async ports =>
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls($"http://127.0.0.1:{ports[0]}");
            var app = builder.Build();
            app.MapGet("/", () => "hello from the app");
            await app.StartAsync();
            return app;
        });
        var address = new Uri(backend.Urls.First()).Authority;
        var keys = Path.Combine(Path.GetTempPath(), "paas-test-keys-" + Guid.NewGuid().ToString("N")[..12]);
        var settings = new Dictionary<string, string?>
        {
            ["Paas:Database"] = database,
            ["Paas:SecretKeysFile"] = keys, // one key ring, as the chart's replicas share one Secret
            ["Paas:Routing:RereadInterval"] = "01:00:00",
        };
        var a = await TestPlatform.StartAsync(Backend.Postgres, settings, s => configure?.Invoke(s, address));
        var b = await TestPlatform.StartAsync(Backend.Postgres, settings, s => configure?.Invoke(s, address));
        var replicas = new PostgresReplicas(backend, database, keys, a, b);
        await replicas.WaitForSessionsAsync(RouteChangeSignal.ApplicationName, 2);
        return replicas;
    }

    /// <summary>Asks B's router for <paramref name="host"/> until it answers <paramref name="expected"/>, within <paramref name="within"/>.</summary>
    public async Task ExpectOnBAsync(string host, HttpStatusCode expected, TimeSpan within)
    {
        var watch = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            using var response = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Get, B.RouterHttpUrl + "/") { Headers = { Host = host } });
            status = response.StatusCode;
            if (status == expected)
            {
                return;
            }

            await Task.Delay(25);
        }
        while (watch.Elapsed < within);
        Assert.Fail($"B's router answered {(int)status} for {host} after {watch.Elapsed.TotalSeconds:0.0} s; expected {(int)expected} within {within.TotalSeconds} s");
    }

    /// <summary>Ends the sessions named <paramref name="applicationName"/> (PostgreSQL's pg_terminate_backend) and returns how many.</summary>
    public async Task<int> KillSessionsAsync(string applicationName) =>
        Convert.ToInt32(await ScalarAsync("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND application_name = @name", applicationName), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>How many sessions are named <paramref name="applicationName"/>.</summary>
    public async Task<int> SessionsAsync(string applicationName) =>
        Convert.ToInt32(await ScalarAsync("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = @name", applicationName), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Waits (at most 10 s) until <paramref name="count"/> sessions are named <paramref name="applicationName"/>.</summary>
    public async Task WaitForSessionsAsync(string applicationName, int count)
    {
        var watch = Stopwatch.StartNew();
        while (await SessionsAsync(applicationName) < count)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"fewer than {count} '{applicationName}' sessions after 10 s");
            await Task.Delay(50);
        }
    }

    /// <summary>Runs a query with one text parameter <c>@name</c> on the database and returns its one value.</summary>
    public async Task<object?> ScalarAsync(string sql, string name)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new NpgsqlParameter("name", name) } };
        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await B.DisposeAsync();
        await A.DisposeAsync();
        await _backend.DisposeAsync();
        File.Delete(_keys);
    }
}
