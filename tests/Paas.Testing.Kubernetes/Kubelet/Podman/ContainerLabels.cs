namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>
/// The labels and names of the containers a <see cref="PodmanFakeKubelet"/> creates. A container is named like dockershim
/// named them, <c>k8s_CONTAINER_POD_NAMESPACE_INSTANCE_RESTARTCOUNT</c>, and labelled with its owner process so that
/// leftovers of a test process that died are found and removed.
/// </summary>
internal static class ContainerLabels
{
    /// <summary>The owning test process: <c>PID-STARTTICKS</c>.</summary>
    public const string Owner = "io.paas.fake-kubelet.owner";

    /// <summary>The kubelet instance (8 hex digits).</summary>
    public const string Instance = "io.paas.fake-kubelet.instance";

    /// <summary>The pod, <c>NAMESPACE/NAME</c>.</summary>
    public const string Pod = "io.paas.fake-kubelet.pod";

    /// <summary>The pod's uid.</summary>
    public const string PodUid = "io.paas.fake-kubelet.pod-uid";

    private static readonly Lazy<string> CurrentOwner = new(() => OwnerOf(Environment.ProcessId) ?? $"{Environment.ProcessId}-0");

    /// <summary>This process's owner label value.</summary>
    public static string ThisProcess => CurrentOwner.Value;

    public static string ContainerName(FakePodSpec pod, string instance, int restartCount) =>
        $"k8s_{pod.Container}_{pod.Key.Name}_{pod.Key.Namespace}_{instance}_{restartCount}";

    /// <summary>Whether the process an owner label names still runs (same pid and start time).</summary>
    public static bool IsAlive(string owner)
    {
        var dash = owner.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && int.TryParse(owner[..dash], out var pid) && OwnerOf(pid) == owner;
    }

    /// <summary>
    /// <c>PID-STARTTIME</c>, the start time being field 22 of <c>/proc/PID/stat</c> (clock ticks since boot): exact and the
    /// same read from any process. (Process.StartTime is derived from the current uptime and differs by milliseconds
    /// between readers, which made one test process take another's live containers for leftovers.)
    /// </summary>
    private static string? OwnerOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19 ? $"{pid}-{fields[19]}" : null; // fields after "(comm)" start at field 3: 22 - 3 = 19
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
