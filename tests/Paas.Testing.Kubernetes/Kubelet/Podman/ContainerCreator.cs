using System.Text;

namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary><c>podman create</c> for one run of a pod's container, with its environment handed over safely (<see cref="CreateCommand"/>).</summary>
internal static class ContainerCreator
{
    /// <summary>Creates the container and returns its id; a failure is reported as <c>CreateContainerError</c> and thrown.</summary>
    /// <exception cref="FakeKubeletException">podman create failed.</exception>
    public static async Task<string> CreateAsync(PodmanCli cli, FakePodSpec pod, string name, string instance, string podIp, PodStatusReporter status, CancellationToken cancellationToken)
    {
        List<string> args;
        Dictionary<string, string> environment;
        List<string> envFileLines;
        try
        {
            (args, environment, envFileLines) = CreateCommand.Build(pod, name, instance, podIp, cli.Options.CreateArguments);
        }
        catch (FakeKubeletException ex)
        {
            status.Event("Warning", "Failed", $"Error: {ex.Message}");
            status.Waiting("CreateContainerConfigError", ex.Message);
            throw;
        }

        string? envFile = null;
        try
        {
            if (envFileLines.Count > 0)
            {
                envFile = PrivateFile.Create("paas-kubelet-env", Encoding.UTF8.GetBytes(string.Join('\n', envFileLines) + "\n"));
                args.InsertRange(1, ["--env-file", envFile]);
            }

            var result = await cli.RunAsync(args, cancellationToken, environment);
            if (result.ExitCode != 0)
            {
                status.Event("Warning", "Failed", $"Error: {result.ErrorLine}");
                status.Waiting("CreateContainerError", result.ErrorLine);
                throw new FakeKubeletException($"podman create failed for {pod.Key}: {result.ErrorLine}");
            }

            var id = result.Stdout.Trim().Split('\n').Last().Trim();
            status.Created(id);
            status.Event("Normal", "Created", $"Created container {pod.Container}");
            return id;
        }
        finally
        {
            if (envFile is not null)
            {
                File.Delete(envFile);
            }
        }
    }
}
