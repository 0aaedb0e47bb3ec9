using Paas.Client;
using Paas.Testing;
using Xunit;

namespace Paas.Builder.Tests;

/// <summary>One platform shared by the push tests of a class, with an owner (<c>alice</c>) and a viewer (<c>victor</c>).</summary>
public sealed class BuilderPlatform : IAsyncLifetime
{
    private int _apps;

    public TestPlatform Platform { get; private set; } = null!;

    public string AliceToken { get; private set; } = "";

    public string VictorToken { get; private set; } = "";

    public PaasClient Alice { get; private set; } = null!;

    public static readonly HttpClient Http = new();

    public async ValueTask InitializeAsync()
    {
        Platform = await TestPlatform.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Paas:RegistrationMode"] = "enabled",
            ["Builder:BuildTimeout"] = "00:02:00",
            ["Builder:LocalBuildpacks"] = "true", // the fixtures' buildpacks are folders; LocalBuildpackTests checks the default
        });
        (_, AliceToken) = await Platform.UserAsync("alice");
        (_, VictorToken) = await Platform.UserAsync("victor");
        Alice = new PaasClient(Http, new Uri(Platform.ApiUrl), AliceToken);
    }

    /// <summary>Creates a fresh app owned by alice.</summary>
    public async Task<string> NewAppAsync(string prefix)
    {
        var name = $"{prefix}{Interlocked.Increment(ref _apps)}";
        await Alice.CreateAppAsync(new AppCreateRequest(name));
        return name;
    }

    public string GitUrl(string app) => $"{Platform.ApiUrl}/{app}.git";

    public async ValueTask DisposeAsync() => await Platform.DisposeAsync();
}
