using System.Text;
using System.Text.Json;

namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>
/// Image presence, pulls and ids. Credentials from <c>imagePullSecrets</c> go to podman in a private auth file
/// (<c>--authfile</c>, mode 0600, deleted after the pull), never on the command line.
/// </summary>
internal sealed class ImagePuller(PodmanCli cli)
{
    public async Task<bool> IsPresentAsync(string image, CancellationToken cancellationToken) =>
        (await cli.RunAsync(["image", "exists", image], cancellationToken)).ExitCode == 0;

    public async Task<PodmanResult> PullAsync(string image, FakeRegistryAuth? auth, CancellationToken cancellationToken)
    {
        var args = new List<string> { "pull", "--quiet", $"--tls-verify={(cli.Options.PullTlsVerify ? "true" : "false")}" };
        string? authFile = null;
        try
        {
            if (auth is not null)
            {
                authFile = WriteAuthFile(auth);
                args.Add("--authfile");
                args.Add(authFile);
            }

            args.Add(image);
            var result = await cli.RunAsync(args, cancellationToken);
            if (result.ExitCode == 0)
            {
                cli.PulledImages.TryAdd(image, true);
            }

            return result;
        }
        finally
        {
            if (authFile is not null)
            {
                File.Delete(authFile);
            }
        }
    }

    /// <summary>The image's digest reference, <c>REPO@sha256:...</c>, as <c>imageID</c> shows it (02e).</summary>
    public async Task<string?> ImageIdAsync(string image, CancellationToken cancellationToken)
    {
        var result = await cli.RunAsync(["image", "inspect", "--format", "{{json .RepoDigests}}\t{{.Digest}}", image], cancellationToken);
        if (result.ExitCode != 0)
        {
            return null;
        }

        var parts = result.Stdout.Trim().Split('\t');
        var digests = JsonSerializer.Deserialize<List<string>>(parts[0]) ?? [];
        var repository = Repository(image);
        return digests.FirstOrDefault(d => d.StartsWith(repository + "@", StringComparison.Ordinal))
            ?? digests.FirstOrDefault()
            ?? (parts.Length > 1 ? $"{repository}@{parts[1]}" : null);
    }

    private static string Repository(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        if (at > 0)
        {
            return image[..at];
        }

        var colon = image.LastIndexOf(':');
        return colon > image.LastIndexOf('/') ? image[..colon] : image;
    }

    private static string WriteAuthFile(FakeRegistryAuth auth)
    {
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{auth.Username}:{auth.Password}"));
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["auths"] = new Dictionary<string, object> { [auth.Registry] = new Dictionary<string, string> { ["auth"] = token } },
        });
        return PrivateFile.Create("paas-kubelet-auth", Encoding.UTF8.GetBytes(json));
    }
}
