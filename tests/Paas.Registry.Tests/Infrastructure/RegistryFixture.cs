using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Paas.Registry.Auth;
using Paas.Registry.Storage;

namespace Paas.Registry.Tests.Infrastructure;

/// <summary>A real Kestrel on 127.0.0.1 (a port from <c>LoopbackPort</c>) hosting the registry over a temporary storage root.</summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    private readonly Action<IServiceCollection>? _configure;
    private readonly IReadOnlyDictionary<string, string?>? _settings;
    private WebApplication? _app;

    public RegistryFixture()
    {
    }

    /// <summary>A registry whose services <paramref name="configure"/> registers first (they win over the defaults).</summary>
    internal RegistryFixture(Action<IServiceCollection> configure, IReadOnlyDictionary<string, string?>? settings = null)
    {
        _configure = configure;
        _settings = settings;
    }

    public string Root { get; } = Directory.CreateTempSubdirectory("paas-registry-tests-").FullName;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary><c>127.0.0.1:PORT</c>, the registry host as podman and skopeo name it.</summary>
    public string Host => $"{BaseAddress.Host}:{BaseAddress.Port}";

    public IServiceProvider Services => _app!.Services;

    public IRegistryStorageDriver Storage => Services.GetRequiredService<IRegistryStorageDriver>();

    public async ValueTask InitializeAsync()
    {
        // Another port when a program took the one chosen between the choice and the bind.
        _app = await Paas.Testing.LoopbackPort.StartOnFreePortsAsync(1, ports => StartOnAsync(ports[0]));
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    private async Task<WebApplication> StartOnAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Registry:RootDirectory"] = Root,
            ["Registry:FsyncWrites"] = "false",
        });
        if (_settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(_settings);
        }

        _configure?.Invoke(builder.Services);
        builder.Services.TryAddSingleton<IRegistryCredentialValidator, FakeCredentialValidator>();
        builder.Services.TryAddSingleton<IRegistryAccessPolicy, FakeAccessPolicy>();
        builder.Services.AddPaasRegistry(builder.Configuration);
        var app = builder.Build();
        app.MapRegistryApi();
        await app.StartAsync();
        return app;
    }

    public HttpClient Client(string? user = "alice", string? secret = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (user is not null)
        {
            var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret ?? user + "-token"}"));
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        }

        return client;
    }

    /// <summary>Counts the blob files under the storage root (for "nothing stored" assertions).</summary>
    public int BlobFileCount() =>
        Directory.Exists(Path.Combine(Root, "blobs")) ? Directory.EnumerateFiles(Path.Combine(Root, "blobs"), "*", SearchOption.AllDirectories).Count() : 0;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
