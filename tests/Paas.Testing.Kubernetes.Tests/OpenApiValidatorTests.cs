using Paas.Testing.Kubernetes.Schema;
using Paas.Testing.Kubernetes.Tests.Support;

namespace Paas.Testing.Kubernetes.Tests;

/// <summary>The validator against the recorded OpenAPI documents.</summary>
public sealed class OpenApiValidatorTests
{
    private static readonly OpenApiValidator Validator = new();

    [Fact]
    public void The_recorded_manifests_are_valid()
    {
        Assert.Empty(Validator.Validate(Manifests.Deployment()));
        Assert.Empty(Validator.Validate(Manifests.Service()));
        Assert.Empty(Validator.Validate(Recordings.Exchange("v1.28/02e-get-pod-running.json")["response"]!["body"]!));
        Assert.Empty(Validator.Validate(Recordings.Exchange("v1.28/11a-apply-hpa.json")["request"]!["body"]!));
    }

    [Fact]
    public void A_wrong_field_name_a_wrong_type_and_a_missing_required_field_are_reported()
    {
        var d = Manifests.Deployment();
        d["spec"]!["template"]!["spec"]!["containers"]![0]!["imagePullPolicyy"] = "Always";
        d["spec"]!["replicas"] = "two";
        d["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"]!["limits"]!["memory"] = "64 MB";
        d["spec"]!.AsObject().Remove("selector");
        var errors = Validator.Validate(d);
        Assert.Contains(".spec.template.spec.containers[name=\"web\"].imagePullPolicyy: field not declared in schema", errors);
        Assert.Contains(".spec.replicas: expected numeric (int or float), got string", errors);
        Assert.Contains(".spec.selector: required field missing", errors);
        Assert.Contains(errors, e => e.StartsWith(".spec.template.spec.containers[name=\"web\"].resources.limits.memory: quantities must match", StringComparison.Ordinal));
    }

    [Fact]
    public void Int_or_string_accepts_both_and_kinds_without_a_recorded_schema_say_so()
    {
        var d = Manifests.Deployment();
        d["spec"]!["strategy"]!["rollingUpdate"]!["maxSurge"] = "25%";
        Assert.Empty(Validator.Validate(d));
        d["spec"]!["strategy"]!["rollingUpdate"]!["maxSurge"] = true;
        Assert.Equal([".spec.strategy.rollingUpdate.maxSurge: expected int or string, got bool"], Validator.Validate(d));
        var pdb = Recordings.Exchange("v1.28/11d-apply-pdb.json")["request"]!["body"]!;
        var result = Assert.Single(Validator.Validate(pdb));
        Assert.StartsWith(OpenApiValidator.NoRecordedSchema + " for policy/v1, Kind=PodDisruptionBudget", result, StringComparison.Ordinal);
        Assert.False(Validator.HasSchema("discovery.k8s.io/v1", "EndpointSlice"));
    }
}
