using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Paas.Client;
using Paas.Scheduling;
using Paas.Server;

namespace Paas.Testing;

/// <summary>
/// The real platform in the test process: Kestrel on 127.0.0.1 with free ports, a temporary data folder, SQLite or a
/// fresh PostgreSQL database, and a <see cref="RecordingScheduler"/> the test can inspect.
/// </summary>
public sealed class TestPlatform : IAsyncDisposable
{
    private readonly PaasPlatform _platform;

    private TestPlatform(PaasPlatform platform, string dataDir, RecordingScheduler scheduler)
    {
        _platform = platform;
        DataDir = dataDir;
        Scheduler = scheduler;
    }

    /// <summary>The controller API's base URL.</summary>
    public string ApiUrl => _platform.ApiUrl;

    /// <summary>The router's HTTP base URL.</summary>
    public string RouterHttpUrl => _platform.RouterUrls[0];

    /// <summary>The router's HTTPS base URL.</summary>
    public string RouterHttpsUrl => _platform.RouterUrls[1];

    /// <summary>The integrated registry's base URL.</summary>
    public string RegistryUrl => _platform.RegistryUrl;

    /// <summary>The temporary data folder (deleted on dispose).</summary>
    public string DataDir { get; }

    /// <summary>The scheduler double the platform deploys to.</summary>
    public RecordingScheduler Scheduler { get; }

    /// <summary>The platform's services.</summary>
    public IServiceProvider Services => _platform.Services;

    /// <summary>Starts a platform.</summary>
    /// <param name="backend"><see cref="Backend.Sqlite"/> or <see cref="Backend.Postgres"/>.</param>
    /// <param name="settings">Extra settings by configuration key (e.g. <c>Paas:RegistrationMode</c>).</param>
    /// <returns>The started platform.</returns>
    /// <param name="configureServices">Registers more replacements in the controller's services (e.g. an <c>IRouteEndpointSource</c>).</param>
    public static async Task<TestPlatform> StartAsync(string backend = Backend.Sqlite, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "paas-test-" + Guid.NewGuid().ToString("N")[..12]);
        var database = await Backend.DatabaseSettingAsync(backend);
        // Ports below the ephemeral range (LoopbackPort), not 0: see FreePorts for the connection resets that avoids.
        return await LoopbackPort.StartOnFreePortsAsync(4, async ports =>
        {
            var all = new Dictionary<string, string?>
            {
                ["Paas:DataDir"] = dataDir,
                ["Paas:ApiPort"] = ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Paas:HttpPort"] = ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Paas:HttpsPort"] = ports[2].ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Paas:RegistryPort"] = ports[3].ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Paas:Database"] = database,
                ["Logging:LogLevel:Default"] = "Warning",
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                all[key] = value;
            }

            var scheduler = new RecordingScheduler();
            var (platform, errors) = PaasPlatform.Create([], all, services =>
            {
                services.AddSingleton<IScheduler>(scheduler);
                configureServices?.Invoke(services);
            });
            if (errors.Count > 0)
            {
                throw new InvalidOperationException("test platform configuration: " + string.Join("; ", errors));
            }

            try
            {
                await platform.StartAsync();
            }
            catch
            {
                await platform.DisposeAsync();
                throw;
            }

            return new TestPlatform(platform, dataDir, scheduler);
        });
    }

    /// <summary>An HTTP client for the API, unauthenticated.</summary>
    /// <returns>The client.</returns>
    public HttpClient Client() => new() { BaseAddress = new Uri(ApiUrl) };

    /// <summary>Registers a user and signs in.</summary>
    /// <param name="username">The username.</param>
    /// <param name="password">The password.</param>
    /// <returns>A client sending the user's token, and the token.</returns>
    public async Task<(HttpClient Client, string Token)> UserAsync(string username, string password = "correct-horse")
    {
        using var anonymous = Client();
        (await anonymous.PostAsJsonAsync("/v2/auth/register", new RegisterRequest(username, password), PaasJson.Options)).EnsureSuccessStatusCode();
        return await LoginAsync(username, password);
    }

    /// <summary>Signs in an existing user.</summary>
    /// <param name="username">The username.</param>
    /// <param name="password">The password.</param>
    /// <returns>A client sending the new token, and the token.</returns>
    public async Task<(HttpClient Client, string Token)> LoginAsync(string username, string password = "correct-horse")
    {
        using var anonymous = Client();
        var response = await anonymous.PostAsJsonAsync("/v2/auth/login", new LoginRequest(username, password), PaasJson.Options);
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<TokenResponse>(PaasJson.Options))!.Token;
        var client = Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("token", token);
        return (client, token);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _platform.StopAsync();
        await _platform.DisposeAsync();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; the temp folder is cleaned by the OS.
        }
    }
}
