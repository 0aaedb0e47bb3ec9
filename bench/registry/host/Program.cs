// The registry alone on one loopback port, for bench/registry/run.sh.
// Usage: RegistryBenchHost <port> <storage root>; user "bench", secret "bench", allowed everywhere.
using Paas.Registry;
using Paas.Registry.Auth;

var port = args.Length > 0 ? args[0] : "5000";
var root = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "paas-registry-bench");
var builder = WebApplication.CreateSlimBuilder();
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Configuration["Registry:RootDirectory"] = root;
builder.Services.AddSingleton<IRegistryCredentialValidator, BenchCredentials>();
builder.Services.AddSingleton<IRegistryAccessPolicy, AllowAll>();
builder.Services.AddPaasRegistry(builder.Configuration);
var app = builder.Build();
app.MapRegistryApi();
app.Run();

internal sealed class BenchCredentials : IRegistryCredentialValidator
{
    public ValueTask<RegistryPrincipal?> ValidateAsync(string username, string secret, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(username == "bench" && secret == "bench" ? new RegistryPrincipal(username) : null);
}

internal sealed class AllowAll : IRegistryAccessPolicy
{
    public ValueTask<bool> IsAllowedAsync(RegistryPrincipal principal, string repository, RegistryAction action, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(true);
}
