using System.Text.Json.Nodes;
using k8s;
using Paas.Testing.Kubernetes.Schema;

namespace Paas.Kubernetes.Tests.Objects;

/// <summary>
/// Every object the scheduler writes, validated against the OpenAPI documents recorded from a real API server
/// (<c>shared/kubernetes/openapi</c>): a wrong field name or type fails. policy/v1 (PodDisruptionBudget) was not recorded;
/// those objects are checked by the fake API server's own rules only, and this test says so rather than skipping silently.
/// </summary>
public sealed class AppObjectsOpenApiTests
{
    private static readonly OpenApiValidator Validator = new();

    [Theory]
    [MemberData(nameof(AppObjectsGoldenTests.Cases), MemberType = typeof(AppObjectsGoldenTests))]
    public void Every_object_is_valid(string name)
    {
        foreach (var obj in AppObjectsGoldenTests.All(AppObjectsGoldenTests.Case(name)))
        {
            var json = JsonNode.Parse(KubernetesJson.Serialize(obj))!;
            var errors = Validator.Validate(json);
            if (json["apiVersion"]!.GetValue<string>() == "policy/v1")
            {
                Assert.StartsWith(OpenApiValidator.NoRecordedSchema, Assert.Single(errors), StringComparison.Ordinal);
                continue;
            }

            Assert.True(errors.Count == 0, $"{json["kind"]} {json["metadata"]!["name"]}: {string.Join("; ", errors)}");
        }
    }

    [Fact]
    public void The_validator_catches_a_misspelt_field()
    {
        var json = JsonNode.Parse(KubernetesJson.Serialize(AppObjectsGoldenTests.Buildpack().Deployments[0]))!;
        json["spec"]!["replica"] = 2;

        Assert.Contains(Validator.Validate(json), e => e.Contains("replica", StringComparison.Ordinal));
    }
}
