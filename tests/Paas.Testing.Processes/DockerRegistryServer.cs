using System.Diagnostics;
using System.Net;
using System.Text;

namespace Paas.Testing;

/// <summary>
/// A throwaway <c>docker-registry</c> (distribution 2.8, Debian) on 127.0.0.1 with htpasswd basic auth over plain HTTP,
/// as in the v1.28 recordings; user <see cref="User"/>, password <see cref="Password"/>. A registry other than the
/// platform's: kubelets pull from it, apps deploy images from it with a login.
/// </summary>
public sealed class DockerRegistryServer : IAsyncDisposable
{
    /// <summary>The one user htpasswd knows.</summary>
    public const string User = "kubelet";

    /// <summary>Its password.</summary>
    public const string Password = "kubelet-pass";

    // bcrypt (cost 5) of Password, made once with crypt(3); the registry only reads htpasswd files with bcrypt entries.
    private const string Htpasswd = "kubelet:$2a$05$862cZygLuCgibqAAczr2j.w4e231rno0ATIQbr0gfqSXFEPqoRIkO\n";
    private readonly Process _process;
    private readonly DirectoryInfo _dir;

    private DockerRegistryServer(Process process, DirectoryInfo dir, int port)
    {
        _process = process;
        _dir = dir;
        Host = $"127.0.0.1:{port}";
    }

    /// <summary>The registry's <c>127.0.0.1:PORT</c>.</summary>
    public string Host { get; }

    /// <summary>Starts a registry on a free loopback port (skips outside CI when docker-registry is not installed).</summary>
    /// <returns>The running registry.</returns>
    public static Task<DockerRegistryServer> StartAsync()
    {
        ExternalTool.RequireOrSkip("docker-registry", "docker-registry");
        return LoopbackPort.StartOnFreePortsAsync(1, ports => StartOnAsync(ports[0]));
    }

    /// <summary>Starts it on <paramref name="port"/>; an <see cref="IOException"/> when another program took the port (so another is tried).</summary>
    private static async Task<DockerRegistryServer> StartOnAsync(int port)
    {
        var dir = Directory.CreateTempSubdirectory("paas-kubelet-registry-");
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
        var errors = process.StandardError.ReadToEndAsync();
        var registry = new DockerRegistryServer(process, dir, port);
        try
        {
            await registry.WaitUntilUpAsync();
        }
        catch (InvalidOperationException) when (process.HasExited)
        {
            var error = await errors;
            await registry.DisposeAsync();
            throw error.Contains("address already in use", StringComparison.OrdinalIgnoreCase)
                ? new IOException($"docker-registry could not listen on 127.0.0.1:{port}: address already in use")
                : new InvalidOperationException($"docker-registry exited on start: {error.Trim()}");
        }

        return registry;
    }

    /// <summary>Copies an image from another registry into this one with skopeo (<c>docker://SOURCE</c>, plain HTTP on both sides).</summary>
    /// <param name="source">The source reference, <c>HOST/REPOSITORY[:TAG|@DIGEST]</c>.</param>
    /// <param name="sourceCredentials"><c>USER:PASSWORD</c> for the source, or null.</param>
    /// <param name="repositoryAndTag">Where to put it here, <c>REPOSITORY:TAG</c>.</param>
    /// <returns>The reference here, <c>HOST/REPOSITORY:TAG</c>.</returns>
    public async Task<string> CopyFromAsync(string source, string? sourceCredentials, string repositoryAndTag)
    {
        string[] args = ["copy", "--quiet", "--src-tls-verify=false", "--dest-tls-verify=false", "--dest-creds", $"{User}:{Password}"];
        if (sourceCredentials is not null)
        {
            args = [.. args, "--src-creds", sourceCredentials];
        }

        await ExternalTool.RunAsync("skopeo", TimeSpan.FromMinutes(1), [.. args, $"docker://{source}", $"docker://{Host}/{repositoryAndTag}"]);
        return $"{Host}/{repositoryAndTag}";
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
