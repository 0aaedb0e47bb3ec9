using System.Formats.Tar;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Paas.Oci;
using Paas.Registry;
using Paas.Registry.Auth;

namespace Paas.Scheduling.Tests.Fixtures;

/// <summary>The platform's real registry on Kestrel on 127.0.0.1 (a port from <c>LoopbackPort</c>); only <see cref="Username"/>/<see cref="Secret"/> may sign in.</summary>
internal sealed class TestRegistry : IAsyncDisposable
{
    public const string Username = "paas-service";
    public const string Secret = "paas_svc_test";
    private readonly WebApplication _app;
    private readonly string _root;
    private readonly bool _ownsRoot;

    private TestRegistry(WebApplication app, string root, bool ownsRoot)
    {
        _app = app;
        _root = root;
        _ownsRoot = ownsRoot;
    }

    public string Host { get; private set; } = "";

    /// <summary>
    /// Starts a registry on <paramref name="port"/> (0: a free one, another when a program took it between the choice and
    /// the bind) storing in <paramref name="root"/> (null: a temporary folder removed at dispose; else the caller's, kept).
    /// </summary>
    public static Task<TestRegistry> StartAsync(int port = 0, string? root = null) =>
        port != 0 ? StartOnAsync(port, root) : Paas.Testing.LoopbackPort.StartOnFreePortsAsync(1, ports => StartOnAsync(ports[0], root));

    private static async Task<TestRegistry> StartOnAsync(int port, string? root)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}"); // not the kernel's pick: see FreePorts
        builder.Logging.ClearProviders();
        var ownsRoot = root is null;
        root ??= Directory.CreateTempSubdirectory("paas-sched-registry-").FullName;
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Registry:RootDirectory"] = root, ["Registry:FsyncWrites"] = "false" });
        builder.Services.AddSingleton<IRegistryCredentialValidator, OnlyService>();
        builder.Services.AddSingleton<IRegistryAccessPolicy, Everything>();
        builder.Services.AddPaasRegistry(builder.Configuration);
        var app = builder.Build();
        app.MapRegistryApi();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            if (ownsRoot)
            {
                Directory.Delete(root, recursive: true);
            }

            throw;
        }

        var started = new TestRegistry(app, root, ownsRoot);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        started.Host = $"{address.Host}:{address.Port}";
        return started;
    }

    /// <summary>Pushes an image whose single gzip layer holds <paramref name="files"/> under <c>app/</c>; returns <c>HOST/REPO@DIGEST</c>.</summary>
    public async Task<string> PushSlugAsync(string repository, IReadOnlyDictionary<string, string> files)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{Host}") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Secret}")));
        using var tarBytes = new MemoryStream();
        using (var tar = new TarWriter(tarBytes, TarEntryFormat.Pax, leaveOpen: true))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "app/") { Mode = (UnixFileMode)0b111_101_101 });
            foreach (var (path, content) in files)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "app/" + path)
                {
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                    Mode = (UnixFileMode)0b111_101_101,
                });
            }
        }

        var diffId = Digest.Compute(tarBytes.ToArray());
        using var gz = new MemoryStream();
        using (var gzip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(tarBytes.ToArray());
        }

        var layer = gz.ToArray();
        var config = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            architecture = "amd64",
            os = "linux",
            config = new { Labels = new Dictionary<string, string> { ["io.paas.process-types"] = "{}" } },
            rootfs = new { type = "layers", diff_ids = new[] { diffId.ToString() } },
        }));
        await PushBlobAsync(http, repository, layer);
        await PushBlobAsync(http, repository, config);
        var manifest = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            schemaVersion = 2,
            mediaType = MediaTypes.OciManifest,
            config = new { mediaType = MediaTypes.OciConfig, digest = Digest.Compute(config).ToString(), size = config.Length },
            layers = new[] { new { mediaType = MediaTypes.OciLayerTarGzip, digest = Digest.Compute(layer).ToString(), size = layer.Length } },
        }));
        var digest = Digest.Compute(manifest);
        using var body = new ByteArrayContent(manifest);
        body.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OciManifest);
        (await http.PutAsync($"/v2/{repository}/manifests/{digest}", body)).EnsureSuccessStatusCode();
        return $"{Host}/{repository}@{digest}";
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_ownsRoot)
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static async Task PushBlobAsync(HttpClient http, string repository, byte[] blob)
    {
        using var content = new ByteArrayContent(blob);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        (await http.PostAsync($"/v2/{repository}/blobs/uploads/?digest={Digest.Compute(blob)}", content)).EnsureSuccessStatusCode();
    }

    private sealed class OnlyService : IRegistryCredentialValidator
    {
        public ValueTask<RegistryPrincipal?> ValidateAsync(string username, string secret, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(username == Username && secret == Secret ? new RegistryPrincipal(username) : null);
    }

    private sealed class Everything : IRegistryAccessPolicy
    {
        public ValueTask<bool> IsAllowedAsync(RegistryPrincipal principal, string repository, RegistryAction action, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(true);
    }
}
