namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>What one finished podman command printed.</summary>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="Stdout">Its standard output.</param>
/// <param name="Stderr">Its standard error.</param>
internal sealed record PodmanResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The last non-empty line of standard error, without podman's <c>Error: </c> prefix.</summary>
    public string ErrorLine
    {
        get
        {
            var line = Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? $"exit code {ExitCode}";
            return line.StartsWith("Error: ", StringComparison.Ordinal) ? line["Error: ".Length..] : line;
        }
    }
}
