using System.Text.Json;

namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>Removes containers of podman kubelets: those whose owning test process is gone, or those of one instance.</summary>
internal static class LeftoverSweeper
{
    /// <summary>Removes every labelled container whose owner process no longer runs (a crashed or killed test run).</summary>
    public static async Task SweepDeadOwnersAsync(PodmanCli cli, CancellationToken cancellationToken)
    {
        var result = await cli.RunAsync(["ps", "--all", "--format", "json", "--filter", $"label={ContainerLabels.Owner}"], cancellationToken);
        if (result.ExitCode != 0 || string.IsNullOrWhiteSpace(result.Stdout))
        {
            return;
        }

        using var json = JsonDocument.Parse(result.Stdout);
        var dead = json.RootElement.EnumerateArray()
            .Where(c => c.TryGetProperty("Labels", out var labels) && labels.ValueKind == JsonValueKind.Object
                && labels.TryGetProperty(ContainerLabels.Owner, out var owner) && !ContainerLabels.IsAlive(owner.GetString() ?? ""))
            .Select(c => c.GetProperty("Id").GetString()!)
            .ToList();
        await RemoveAsync(cli, dead, cancellationToken);
    }

    /// <summary>Kills and removes every container of one kubelet instance.</summary>
    public static async Task RemoveInstanceAsync(PodmanCli cli, string instance, CancellationToken cancellationToken)
    {
        var result = await cli.RunAsync(["ps", "--all", "--quiet", "--no-trunc", "--filter", $"label={ContainerLabels.Instance}={instance}"], cancellationToken);
        var ids = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        await RemoveAsync(cli, ids, cancellationToken);
    }

    private static async Task RemoveAsync(PodmanCli cli, List<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count > 0)
        {
            await cli.RunAsync(["rm", "--force", "--time", "0", .. ids], cancellationToken);
        }
    }
}
