using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Paas.Testing.Kubernetes.Podman.Tests.Infrastructure;

/// <summary>
/// A throwaway <c>docker-registry</c> (distribution 2.8, Debian) on 127.0.0.1 with htpasswd basic auth over plain HTTP,
/// as in the v1.28 recordings; user <see cref="User"/>, password <see cref="Password"/>.
/// </summary>
public sealed class LocalRegistry : IAsyncDisposable
{
    public const string User = "kubelet";
    public const string Password = "kubelet-pass";

    // bcrypt (cost 5) of Password, made once with crypt(3); the registry only reads htpasswd files with bcrypt entries.
    private const string Htpasswd = "kubelet:$2a$05$862cZygLuCgibqAAczr2j.w4e231rno0ATIQbr0gfqSXFEPqoRIkO\n";
    private readonly Process _process;
    private readonly DirectoryInfo _dir;

    private LocalRegistry(Process process, DirectoryInfo dir, int port)
    {
        _process = process;
        _dir = dir;
        Host = $"127.0.0.1:{port}";
    }

    public string Host { get; }

    public static async Task<LocalRegistry> StartAsync()
    {
        ExternalTool.RequireOrSkip("docker-registry", "docker-registry");
        var dir = Directory.CreateTempSubdirectory("paas-kubelet-registry-");
        var port = FreePort();
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, "htpasswd"), Htpasswd);
        var config = $"""
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: {dir.FullName}/data
            http:
              addr: 127.0.0.1:{port}
            auth:
              htpasswd:
                realm: kubelet-tests
                path: {dir.FullName}/htpasswd
            """;
        var configPath = Path.Combine(dir.FullName, "config.yml");
        await File.WriteAllTextAsync(configPath, config);
        var psi = new ProcessStartInfo("docker-registry") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("serve");
        psi.ArgumentList.Add(configPath);
        var process = Process.Start(psi)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var registry = new LocalRegistry(process, dir, port);
        await registry.WaitUntilUpAsync();
        return registry;
    }

    /// <summary>Pushes a local image to <c>HOST/REPOSITORY</c> with the registry's credentials (auth file, not the command line).</summary>
    public async Task PushAsync(string localImage, string repositoryAndTag)
    {
        var authFile = Path.Combine(_dir.FullName, "auth.json");
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));
        await File.WriteAllTextAsync(authFile, "{\"auths\":{\"" + Host + "\":{\"auth\":\"" + token + "\"}}}");
        await ExternalTool.RunAsync("podman", TimeSpan.FromMinutes(1), "push", "--quiet", "--tls-verify=false", "--authfile", authFile, localImage, $"{Host}/{repositoryAndTag}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        _dir.Delete(recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitUntilUpAsync()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync($"http://{Host}/v2/");
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow >= deadline || _process.HasExited)
            {
                throw new InvalidOperationException($"docker-registry did not come up on {Host}.");
            }

            await Task.Delay(100);
        }
    }
}
