using System.Net;
using Paas.Testing;
using Xunit;

namespace Paas.Controller.Tests;

/// <summary>
/// The platform image listens on every address (PAAS_LISTEN_ADDRESS=0.0.0.0); the platform's own calls to its parts (the
/// builder's pushes and the stack import into the registry) must then go to loopback, as 0.0.0.0 is no address to connect to.
/// </summary>
public sealed class ListenAddressTests
{
    [Fact]
    public async Task On_every_address_the_parts_are_called_on_loopback()
    {
        await using var platform = await TestPlatform.StartAsync(settings: new Dictionary<string, string?> { ["Paas:ListenAddress"] = "0.0.0.0" });

        Assert.StartsWith("http://127.0.0.1:", platform.ApiUrl, StringComparison.Ordinal);
        Assert.StartsWith("http://127.0.0.1:", platform.RegistryUrl, StringComparison.Ordinal);
        using var http = new HttpClient();
        using var health = await http.GetAsync(platform.ApiUrl + "/healthz", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var registry = await http.GetAsync(platform.RegistryUrl + "/v2/", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, registry.StatusCode);
    }
}
