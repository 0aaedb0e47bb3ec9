using System.Diagnostics;

namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>
/// Whether the kernel's OOM killer ended a container. podman's <c>.State.OOMKilled</c> stays false on cgroup v1 hosts like
/// these, so for an exit 137 the kubelet also reads the kernel log (<c>dmesg</c>), where the OOM killer names the memory
/// cgroup, <c>oom_memcg=/libpod_parent/libpod-ID</c>. When the kernel log cannot be read, a 137 of a container with a
/// memory limit that nobody killed counts as an OOM kill.
/// </summary>
internal static class OomEvidence
{
    public static async Task<bool> WasOomKilledAsync(string containerId, bool hasMemoryLimit)
    {
        try
        {
            var psi = new ProcessStartInfo("dmesg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(psi);
            if (process is null)
            {
                return hasMemoryLimit;
            }

            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(timeout.Token);
            if (process.ExitCode != 0)
            {
                return hasMemoryLimit;
            }

            var needle = $"libpod-{containerId}";
            return (await output).Split('\n').Any(l => l.Contains("oom", StringComparison.OrdinalIgnoreCase) && l.Contains(needle, StringComparison.Ordinal));
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or OperationCanceledException or IOException)
        {
            return hasMemoryLimit;
        }
    }
}
