using Paas.Client;
using Paas.Testing;
using Xunit;

namespace Paas.Builder.Tests.Stack;

/// <summary>
/// A platform whose builder makes images on the stack (<c>Builder:StackImage</c> = <see cref="Tools.StackVariable"/>),
/// with the owner <c>alice</c>. Without a stack it starts nothing; each test then skips (or fails in CI).
/// </summary>
public sealed class StackPlatform : IAsyncLifetime
{
    private int _apps;

    public TestPlatform? Platform { get; private set; }

    public string Layout { get; } = Environment.GetEnvironmentVariable(Tools.StackVariable) ?? "";

    public string AliceToken { get; private set; } = "";

    public PaasClient Alice { get; private set; } = null!;

    public static readonly HttpClient Http = new();

    /// <summary>The platform, or skips (fails in CI) when there is no stack or no podman.</summary>
    public TestPlatform Require()
    {
        Tools.StackOrSkip();
        return Platform ?? throw new InvalidOperationException("the stack platform did not start");
    }

    public async ValueTask InitializeAsync()
    {
        if (Layout.Length == 0 || !File.Exists(Path.Combine(Layout, "index.json")))
        {
            return;
        }

        Platform = await TestPlatform.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Paas:RegistrationMode"] = "enabled",
            ["Builder:BuildTimeout"] = "00:05:00",
            ["Builder:StackImage"] = Layout,
        });
        (_, AliceToken) = await Platform.UserAsync("alice");
        Alice = new PaasClient(Http, new Uri(Platform.ApiUrl), AliceToken);
    }

    public async Task<string> NewAppAsync(string prefix)
    {
        var name = $"{prefix}{Interlocked.Increment(ref _apps)}";
        await Alice.CreateAppAsync(new AppCreateRequest(name));
        return name;
    }

    public string GitUrl(string app) => $"{Require().ApiUrl}/{app}.git";

    public async ValueTask DisposeAsync()
    {
        if (Platform is not null)
        {
            await Platform.DisposeAsync();
        }
    }
}
