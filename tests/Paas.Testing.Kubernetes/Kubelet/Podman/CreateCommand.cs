using System.Globalization;
using System.Text.Json;

namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>
/// Builds <c>podman create</c> for a pod's container. Environment values never appear on the command line: each variable
/// is passed as <c>-e NAME</c> with its value in podman's own environment; the few names that would change how podman
/// itself behaves (PATH, HOME, TMPDIR, XDG_*, CONTAINERS_*...) go through a private <c>--env-file</c> instead.
/// </summary>
internal static class CreateCommand
{
    private static readonly string[] ReservedNames = ["PATH", "HOME", "TMPDIR", "SHELL", "NOTIFY_SOCKET", "REGISTRY_AUTH_FILE"];
    private static readonly string[] ReservedPrefixes = ["XDG_", "CONTAINERS_", "_CONTAINERS_", "LD_", "GO", "PODMAN_", "BUILDAH_", "STORAGE_", "DBUS_"];

    /// <summary>The arguments, the environment for the podman process, and the env-file lines (empty when none).</summary>
    public static (List<string> Args, Dictionary<string, string> Environment, List<string> EnvFileLines) Build(
        FakePodSpec pod, string name, string instance, string podIp, IReadOnlyList<string> extra)
    {
        var args = new List<string>
        {
            "create", "--name", name,
            "--label", $"{ContainerLabels.Owner}={ContainerLabels.ThisProcess}",
            "--label", $"{ContainerLabels.Instance}={instance}",
            "--label", $"{ContainerLabels.Pod}={pod.Key}",
            "--label", $"{ContainerLabels.PodUid}={pod.Uid}",
        };
        args.AddRange(extra);
        if (pod.Stdin)
        {
            args.Add("--interactive");
        }

        if (pod.Tty)
        {
            args.Add("--tty");
        }

        foreach (var (port, protocol) in PublishedPorts(pod))
        {
            args.Add("--publish");
            args.Add(protocol == "UDP" ? $"{podIp}:{port}:{port}/udp" : $"{podIp}:{port}:{port}");
        }

        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var envFile = new List<string>();
        foreach (var (key, value) in Deduplicated(pod.Env))
        {
            if (IsReserved(key))
            {
                if (value.Contains('\n', StringComparison.Ordinal))
                {
                    throw new FakeKubeletException($"the podman kubelet cannot pass a multi-line value for {key}");
                }

                envFile.Add($"{key}={value}");
            }
            else
            {
                args.Add("--env");
                args.Add(key);
                environment[key] = value;
            }
        }

        AddResources(pod, args);
        if (pod.WorkingDir is { } workdir)
        {
            args.Add("--workdir");
            args.Add(workdir);
        }

        if (pod.RunAsUser is { } user)
        {
            args.Add("--user");
            args.Add(user.ToString(CultureInfo.InvariantCulture));
        }

        if (pod.Command is { Count: > 0 } command)
        {
            args.Add("--entrypoint");
            args.Add(JsonSerializer.Serialize(command));
        }

        args.Add("--");
        args.Add(pod.Image);
        if (pod.Args is { Count: > 0 } podArgs)
        {
            args.AddRange(podArgs);
        }

        return (args, environment, envFile);
    }

    /// <summary>Every declared port and every probe port, once.</summary>
    public static IEnumerable<(int Port, string Protocol)> PublishedPorts(FakePodSpec pod)
    {
        var ports = pod.Ports.Select(p => (p.ContainerPort, p.Protocol.ToUpperInvariant())).ToList();
        foreach (var probe in new[] { pod.Readiness, pod.Liveness })
        {
            if ((probe?.TcpPort ?? probe?.HttpPort) is { } port)
            {
                ports.Add((port, "TCP"));
            }
        }

        return ports.Distinct();
    }

    private static void AddResources(FakePodSpec pod, List<string> args)
    {
        if (pod.MemoryLimitBytes is { } memory)
        {
            // No swap, as on a Kubernetes node: the limit is the limit.
            var bytes = memory.ToString(CultureInfo.InvariantCulture);
            args.AddRange(["--memory", bytes, "--memory-swap", bytes]);
        }

        if (pod.CpuLimitMillicores is { } cpu)
        {
            args.Add("--cpus");
            args.Add((cpu / 1000.0).ToString("0.###", CultureInfo.InvariantCulture));
        }
    }

    private static IEnumerable<KeyValuePair<string, string>> Deduplicated(IReadOnlyList<KeyValuePair<string, string>> env)
    {
        var last = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (key, value) in env)
        {
            if (!last.ContainsKey(key))
            {
                order.Add(key);
            }

            last[key] = value;
        }

        return order.Select(k => KeyValuePair.Create(k, last[k]));
    }

    private static bool IsReserved(string name) =>
        ReservedNames.Contains(name, StringComparer.Ordinal) || ReservedPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));
}
