namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>
/// The <c>terminated</c> state of a finished run, as the recordings show it: <c>DeadlineExceeded</c> when the kubelet
/// killed it for <c>activeDeadlineSeconds</c>, <c>OOMKilled</c> (137), <c>Completed</c> (0), <c>Error</c> (anything else,
/// including 137 after a stop's grace period), and <c>StartError</c> (128, started at the Unix epoch) when the runtime
/// could not start the process.
/// </summary>
internal static class Termination
{
    public static FakeContainerState.Terminated Classify(ContainerExit? exit, int podmanExit, string? killReason, bool oomKilled, string? lastLine)
    {
        var now = DateTimeOffset.UtcNow;
        if (exit?.StartedAt is not { } startedAt)
        {
            // podman start printed why on its stderr, which is the last line read.
            var message = exit?.Error is { Length: > 0 } error ? error
                : lastLine is { } line && line.StartsWith("Error: ", StringComparison.Ordinal) ? line["Error: ".Length..]
                : $"podman start exited with {podmanExit}";
            return new FakeContainerState.Terminated(128, "StartError", DateTimeOffset.UnixEpoch, exit?.FinishedAt ?? now, message);
        }

        var reason = killReason == "deadline" ? "DeadlineExceeded"
            : oomKilled ? "OOMKilled"
            : exit.ExitCode == 0 ? "Completed"
            : "Error";

        // podman stamps StartedAt after runc start returns, so a process that exits at once can "finish" before it started.
        var finishedAt = exit.FinishedAt ?? now;
        return new FakeContainerState.Terminated(exit.ExitCode, reason, startedAt, finishedAt < startedAt ? startedAt : finishedAt);
    }
}
