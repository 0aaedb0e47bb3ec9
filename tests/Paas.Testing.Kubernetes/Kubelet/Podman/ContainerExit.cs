using System.Text.Json;

namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>What <c>podman inspect</c> says about a finished container (<c>.State</c>).</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="OomKilled">Whether podman saw the OOM killer.</param>
/// <param name="StartedAt">When it started, or null when it never did.</param>
/// <param name="FinishedAt">When it ended, or null.</param>
/// <param name="Error">The runtime's error (a failed start), or empty.</param>
internal sealed record ContainerExit(int ExitCode, bool OomKilled, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string Error)
{
    public static async Task<ContainerExit?> InspectAsync(PodmanCli cli, string containerId, CancellationToken cancellationToken)
    {
        var result = await cli.RunAsync(["inspect", "--format", "{{json .State}}", containerId], cancellationToken);
        if (result.ExitCode != 0)
        {
            return null;
        }

        using var json = JsonDocument.Parse(result.Stdout);
        var state = json.RootElement;
        return new ContainerExit(
            state.GetProperty("ExitCode").GetInt32(),
            state.GetProperty("OOMKilled").GetBoolean(),
            Time(state, "StartedAt"),
            Time(state, "FinishedAt"),
            state.TryGetProperty("Error", out var error) ? error.GetString() ?? "" : "");
    }

    /// <summary>The <c>.State.Status</c> (<c>created</c>, <c>running</c>, <c>exited</c>...) and start time of a container.</summary>
    public static async Task<(string Status, DateTimeOffset? StartedAt)?> StatusAsync(PodmanCli cli, string containerId, CancellationToken cancellationToken)
    {
        var result = await cli.RunAsync(["inspect", "--format", "{{json .State}}", containerId], cancellationToken);
        if (result.ExitCode != 0)
        {
            return null;
        }

        using var json = JsonDocument.Parse(result.Stdout);
        return (json.RootElement.GetProperty("Status").GetString() ?? "", Time(json.RootElement, "StartedAt"));
    }

    private static DateTimeOffset? Time(JsonElement state, string name) =>
        state.TryGetProperty(name, out var value) && value.TryGetDateTimeOffset(out var time) && time.Year > 1 ? time : null;
}
