using System.Globalization;
using System.Text.Json;
using Paas.Domain;
using Paas.Scheduling.Local;

namespace Paas.Scheduling.Podman;

/// <summary>
/// Builds <c>podman run</c> for one process of a release (podman-run(1)):
/// <c>run --name paas-APP-web.1-RANDOM --label ... --network paas-APP [--publish 127.0.0.1::PORT] --security-opt
/// no-new-privileges [--memory B --memory-swap B] [--cpus N] --env NAME... [--env-file F] [--entrypoint '["/bin/sh","-c"]']
/// IMAGE COMMAND</c>. The environment is the local runtime's (<see cref="ProcessLauncher.EnvironmentFor"/>) with the slug at
/// <c>/app</c> and the image's own <c>PATH</c> after the slug's folders. Values never appear on the command line: each
/// variable is <c>--env NAME</c> with its value in podman's own environment, except the few names that change how podman
/// itself behaves (<see cref="ConfigVarName.IsReadByContainerTools"/>: <c>PATH</c>, <c>HOME</c>, <c>HTTP_PROXY</c>,
/// <c>CONTAINERS_*</c>...), which go through a
/// private <c>--env-file</c> (one line each, so they cannot hold a newline).
/// Limits (<c>paas limits:set</c>): memory as <c>--memory</c> and <c>--memory-swap</c> of the same size (no swap, the limit
/// is the limit, as on Kubernetes; <see cref="PodmanOptions.DefaultMemory"/> for a type without one), CPU as <c>--cpus</c>
/// (millicores / 1000; none by default).
/// </summary>
internal static class ContainerCommand
{
    /// <summary>The arguments, podman's environment and the env-file's text (null when none is needed).</summary>
    /// <param name="release">The release (its image must be pulled).</param>
    /// <param name="name">The process name (<c>web.1</c>, <c>run.4821</c>).</param>
    /// <param name="type">The process type (<see cref="ContainerLabels.RunType"/> for one-off runs).</param>
    /// <param name="command">The command.</param>
    /// <param name="flags">Mode flags placed first: <c>-d</c> for a supervised process, <c>--rm -i -t</c> for runs.</param>
    /// <param name="terminalType">The run's <c>TERM</c>, or null.</param>
    /// <exception cref="InvalidOperationException">A variable podman itself reads holds a newline.</exception>
    public static (List<string> Args, Dictionary<string, string> Environment, string? EnvFile) Build(
        ContainerRelease release, string name, string type, string command, IReadOnlyList<string> flags, string? terminalType = null)
    {
        var spec = release.Spec;
        var image = release.Image ?? throw new InvalidOperationException($"v{spec.Release} of {spec.App} has no pulled image");
        var web = type == "web";
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var args = new List<string> { "run" };
        args.AddRange(flags);
        args.AddRange([
            "--name", $"paas-{spec.App}-{name}-{suffix}",
            "--label", $"{ContainerLabels.Platform}={release.Platform}",
            "--label", $"{ContainerLabels.App}={spec.App}",
            "--label", $"{ContainerLabels.Release}={spec.Release.ToString(CultureInfo.InvariantCulture)}",
            "--label", $"{ContainerLabels.Process}={name}",
            "--label", $"{ContainerLabels.Type}={type}",
            "--label", $"{ContainerLabels.Image}={spec.Image}",
            "--label", $"{ContainerLabels.Command}={command}",
            "--network", ContainerLabels.Network(spec.App),
            "--security-opt", "no-new-privileges",
        ]);
        args.AddRange(release.Podman.RunArguments);
        if (web)
        {
            args.AddRange(["--publish", $"127.0.0.1::{release.WebPort.ToString(CultureInfo.InvariantCulture)}"]);
        }

        var limits = spec.Limits.GetValueOrDefault(type);
        if ((limits?.MemoryBytes ?? release.Podman.DefaultMemoryBytes()) is { } bytes)
        {
            var text = bytes.ToString(CultureInfo.InvariantCulture);
            args.AddRange(["--memory", text, "--memory-swap", text]);
        }

        if (limits?.CpuMillicores is { } cpu)
        {
            args.AddRange(["--cpus", (cpu / 1000.0).ToString("0.###", CultureInfo.InvariantCulture)]);
        }

        var variables = ProcessLauncher.EnvironmentFor(spec, name, web ? release.WebPort : null, "/app", image.SystemPath);
        if (terminalType is not null)
        {
            variables["TERM"] = terminalType;
        }

        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var envFile = new List<string>();
        foreach (var (key, value) in variables.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (ConfigVarName.IsReadByContainerTools(key))
            {
                if (value.Contains('\n', StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"the config var {key} holds a newline, which podman cannot pass for that name; put it on one line");
                }

                envFile.Add($"{key}={value}");
            }
            else
            {
                args.AddRange(["--env", key]);
                environment[key] = value;
            }
        }

        if (!image.Launcher)
        {
            args.AddRange(["--entrypoint", JsonSerializer.Serialize(new[] { "/bin/sh", "-c" })]);
        }

        args.AddRange(["--", image.Reference, command]);
        return (args, environment, envFile.Count > 0 ? string.Join('\n', envFile) + "\n" : null);
    }

    /// <summary>Writes an env-file (<see cref="PrivateFile"/>) and returns its path, which the caller deletes once podman has read it.</summary>
    public static string WriteEnvFile(string text) => PrivateFile.Write("paas-podman-env", System.Text.Encoding.UTF8.GetBytes(text));
}
