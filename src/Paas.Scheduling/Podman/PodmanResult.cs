namespace Paas.Scheduling.Podman;

/// <summary>What one podman command printed and how it exited.</summary>
/// <param name="ExitCode">Its exit status (125: podman itself failed; 126/127: the command could not run; else the container's).</param>
/// <param name="Output">Standard output.</param>
/// <param name="Error">Standard error.</param>
internal sealed record PodmanResult(int ExitCode, string Output, string Error)
{
    /// <summary>The last non-empty line of standard error (podman's <c>Error: ...</c>), or the exit status.</summary>
    public string Reason =>
        Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() is { } line
            ? line
            : $"exit status {ExitCode}";
}
