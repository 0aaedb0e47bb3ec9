using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using Paas.Domain;
using Paas.Kubernetes.Objects;
using Paas.Scheduling;
using Paas.Testing;
using Paas.Testing.Kubernetes.Schema;

namespace Paas.Kubernetes.Tests.Objects;

/// <summary>
/// Golden files of the pods of one-off runs (<see cref="RunPodBuilder"/>), with input and with a TTY, each validated against
/// the recorded OpenAPI documents. <c>PAAS_UPDATE_GOLDEN=1</c> rewrites them.
/// </summary>
public sealed class RunPodGoldenTests
{
    private static readonly OpenApiValidator Validator = new();

    public static TheoryData<string> Cases => ["hello-run-stdin", "hello-run-tty"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_pod_matches_its_golden_file_and_the_openapi_documents(string name)
    {
        var objects = AppObjectsGoldenTests.Buildpack();
        var terminal = name.EndsWith("-tty", StringComparison.Ordinal) ? new RunTerminal(new WindowSize(120, 40), "xterm-256color") : null;
        // The TTY case's release sizes one-off processes (paas limits:set run=2G --cpu run=1).
        var spec = terminal is null ? AppObjectsGoldenTests.BuildpackSpec() : AppObjectsGoldenTests.BuildpackSpec() with
        {
            Limits = new Dictionary<string, ProcessLimits> { ["web"] = new(1L << 30, 500), ["run"] = new(2L << 30, 1000) },
        };
        var pod = RunPodBuilder.Build(spec, "bash", TimeSpan.FromMinutes(10), stdin: true, terminal, objects, AppObjectsGoldenTests.Options, "paas-hello", "hello-run-4821");
        var json = JsonNode.Parse(KubernetesJson.Serialize(pod))!;

        var errors = Validator.Validate(json);
        Assert.True(errors.Count == 0, string.Join("; ", errors));
        var actual = json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        var path = Path.Combine(RepoPaths.Root, "tests", "Paas.Kubernetes.Tests", "Golden", name + ".json");
        if (Environment.GetEnvironmentVariable("PAAS_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"{path} is missing: run with PAAS_UPDATE_GOLDEN=1 and review it");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
