using System.Net;
using System.Text.Json;

namespace Paas.Scheduling.Podman;

/// <summary>
/// Pulls a release's image into podman's storage and reads how it starts. Every deploy and run pulls (a pull of an image
/// already stored only fetches its manifest): the pull proves that the registry lets this app read the repository, so an
/// image stored for one app is never run for another that merely names its digest (as <c>RegistrySlugSource</c> does).
/// Credentials, as the Kubernetes scheduler's pull Secret: the app's pull-only credential (<see cref="IAppPullCredentials"/>)
/// for the platform's own registry, the app's stored login (<see cref="IAppRegistryLogins"/>) for another; podman reads
/// them from a private auth file (containers-auth.json(5), mode 0600, removed after the pull), never the command line.
/// TLS is verified except for the platform's own registry on a loopback address (plain HTTP there, as the local runtime pulls).
/// </summary>
internal sealed class PodmanImages(PodmanCli cli, PodmanOptions options, IAppPullCredentials? pulls, IAppRegistryLogins? logins)
{
    /// <summary>Pulls <paramref name="image"/> for <paramref name="app"/> and inspects it.</summary>
    /// <returns>The facts, or why the image cannot be used (in words a person can act on).</returns>
    public async Task<(ImageFacts? Facts, string? Failure)> PullAsync(string app, string image, CancellationToken cancellationToken)
    {
        var args = new List<string> { "pull", "--quiet" };
        string? authFile = null;
        try
        {
            if (Paas.Domain.ImageReference.TrySplit(image, out var host, out _, out _) && host is not null)
            {
                RegistryPullCredential? credential = pulls?.For(app, host);
                var own = credential is not null;
                if (credential is null && logins is not null && await logins.FindAsync(app, host, cancellationToken).ConfigureAwait(false) is { } login)
                {
                    credential = new RegistryPullCredential(host, login.Username, login.Password);
                }

                args.Add($"--tls-verify={(own && IsLoopback(host) ? "false" : "true")}");
                if (credential is not null)
                {
                    authFile = WriteAuthFile(credential);
                    args.Add("--authfile");
                    args.Add(authFile);
                }
            }

            args.Add(image);
            var pulled = await cli.RunAsync(args, cancellationToken).ConfigureAwait(false);
            if (pulled.ExitCode != 0)
            {
                return (null, $"pulling {image} failed: {pulled.Reason}");
            }
        }
        finally
        {
            if (authFile is not null)
            {
                File.Delete(authFile);
            }
        }

        var inspected = await cli.RunAsync(["image", "inspect", "--format", "{{json .Config.Entrypoint}}\t{{json .Config.Env}}\t{{json .Config.ExposedPorts}}", image], cancellationToken).ConfigureAwait(false);
        if (inspected.ExitCode != 0)
        {
            return (null, $"inspecting {image} failed: {inspected.Reason}");
        }

        var parts = inspected.Output.Trim().Split('\t');
        var entrypoint = JsonSerializer.Deserialize<List<string>?>(parts[0]) ?? [];
        var env = parts.Length > 1 ? JsonSerializer.Deserialize<List<string>?>(parts[1]) ?? [] : [];
        var path = env.FirstOrDefault(e => e.StartsWith("PATH=", StringComparison.Ordinal))?["PATH=".Length..] ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        var exposed = parts.Length > 2 ? JsonSerializer.Deserialize<Dictionary<string, JsonElement>?>(parts[2]) : null;
        return (new ImageFacts(image, entrypoint is [var first] && first == options.LauncherPath, path, ImagePorts.Web(exposed?.Keys)), null);
    }

    /// <summary>Removes an image from podman's storage, best effort (it stays while a container, of any platform, uses it).</summary>
    public async Task RemoveAsync(string image, CancellationToken cancellationToken) =>
        await cli.RunAsync(["rmi", image], cancellationToken).ConfigureAwait(false);

    /// <summary>A registry host on a loopback address (<c>127.0.0.1:5000</c>, <c>localhost:5000</c>, <c>[::1]:5000</c>).</summary>
    internal static bool IsLoopback(string host)
    {
        var name = host.StartsWith('[') ? host[1..host.IndexOf(']', StringComparison.Ordinal)] : host.Split(':')[0];
        return string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(name, out var address) && IPAddress.IsLoopback(address));
    }

    private static string WriteAuthFile(RegistryPullCredential credential)
    {
        // The auth file's "auth" is the token of HTTP Basic (containers-auth.json(5)).
        var token = Paas.Oci.BasicAuthentication.Header(credential.Username, credential.Password).Parameter!;
        var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["auths"] = new Dictionary<string, object> { [credential.Registry] = new Dictionary<string, string> { ["auth"] = token } },
        });
        return PrivateFile.Write("paas-podman-auth", json);
    }
}
