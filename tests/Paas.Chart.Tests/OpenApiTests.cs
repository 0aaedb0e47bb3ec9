using System.Text.Json.Nodes;
using Paas.Chart.Tests.Rendering;
using Paas.Testing.Kubernetes.Schema;

namespace Paas.Chart.Tests;

/// <summary>
/// Every object the chart renders, in every case, validated against the OpenAPI documents recorded from a real API server
/// (shared/kubernetes/openapi: core/v1, apps/v1, autoscaling/v2, batch/v1, networking.k8s.io/v1): a misspelt field, a
/// wrong type, a missing required field or a bad quantity fails. policy/v1 (PodDisruptionBudget) and
/// rbac.authorization.k8s.io/v1 (ClusterRole, ClusterRoleBinding, Role, RoleBinding) were not recorded: those objects are
/// listed in the test output as not checked against a schema, and held to the fields of their kinds by
/// <see cref="Objects_without_a_recorded_schema_use_only_the_fields_of_their_kind"/> instead.
/// </summary>
public sealed class OpenApiTests(ITestOutputHelper output)
{
    private static readonly OpenApiValidator Validator = new();

    /// <summary>The kinds the chart writes whose group has no recorded OpenAPI document.</summary>
    private static readonly string[] Unrecorded =
    [
        "policy/v1 PodDisruptionBudget",
        "rbac.authorization.k8s.io/v1 ClusterRole",
        "rbac.authorization.k8s.io/v1 ClusterRoleBinding",
        "rbac.authorization.k8s.io/v1 Role",
        "rbac.authorization.k8s.io/v1 RoleBinding",
    ];

    [Theory]
    [MemberData(nameof(ChartCase.All), MemberType = typeof(ChartCase))]
    public void Every_object_is_valid_against_the_recorded_schemas(string name)
    {
        var failures = new List<string>();
        var notChecked = new List<string>();
        foreach (var obj in Rendered.Case(name).Objects)
        {
            var errors = Validator.Validate(obj);
            if (!Validator.HasSchema((string)obj["apiVersion"]!, (string)obj["kind"]!))
            {
                Assert.StartsWith(OpenApiValidator.NoRecordedSchema, Assert.Single(errors), StringComparison.Ordinal);
                notChecked.Add($"{obj["apiVersion"]} {obj["kind"]} {obj["metadata"]!["name"]}");
                continue;
            }

            failures.AddRange(errors.Select(e => $"{obj["kind"]} {obj["metadata"]!["name"]}{e}"));
        }

        output.WriteLine($"{name}: not checked against an OpenAPI document (none recorded for their group in shared/kubernetes/openapi): {string.Join(", ", notChecked)}");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void The_kinds_without_a_recorded_schema_are_only_pdbs_and_rbac()
    {
        var kinds = ChartCase.Names.SelectMany(n => Rendered.Case(n).Objects)
            .Where(o => !Validator.HasSchema((string)o["apiVersion"]!, (string)o["kind"]!))
            .Select(o => $"{o["apiVersion"]} {o["kind"]}")
            .Distinct()
            .Order(StringComparer.Ordinal);

        Assert.Equal(Unrecorded, kinds);
        output.WriteLine($"No OpenAPI document was recorded for: {string.Join(", ", Unrecorded)}. Record apis/policy/v1 and apis/rbac.authorization.k8s.io/v1 into shared/kubernetes/openapi to check them.");
    }

    /// <summary>The fields of the unrecorded kinds, from the Kubernetes API reference (policy/v1, rbac.authorization.k8s.io/v1).</summary>
    [Fact]
    public void Objects_without_a_recorded_schema_use_only_the_fields_of_their_kind()
    {
        string[] meta = ["name", "namespace", "labels", "annotations"];
        var failures = new List<string>();
        foreach (var obj in ChartCase.Names.SelectMany(n => Rendered.Case(n).Objects).Where(o => !Validator.HasSchema((string)o["apiVersion"]!, (string)o["kind"]!)))
        {
            var where = $"{obj["kind"]} {obj["metadata"]!["name"]}";
            Keys(obj["metadata"], meta, [], where + " .metadata", failures);
            switch ((string)obj["kind"]!)
            {
                case "PodDisruptionBudget":
                    Keys(obj, ["apiVersion", "kind", "metadata", "spec"], ["spec"], where, failures);
                    Keys(obj["spec"], ["maxUnavailable", "minAvailable", "selector", "unhealthyPodEvictionPolicy"], ["selector"], where + " .spec", failures);
                    Keys(obj["spec"]!["selector"], ["matchLabels", "matchExpressions"], [], where + " .spec.selector", failures);
                    break;
                case "ClusterRole" or "Role":
                    Keys(obj, ["apiVersion", "kind", "metadata", "rules", "aggregationRule"], [], where, failures);
                    foreach (var rule in obj["rules"]!.AsArray())
                    {
                        Keys(rule, ["apiGroups", "resources", "verbs", "resourceNames", "nonResourceURLs"], ["verbs"], where + " .rules[]", failures);
                        StringLists(rule!.AsObject(), where, failures);
                    }

                    break;
                case "ClusterRoleBinding" or "RoleBinding":
                    Keys(obj, ["apiVersion", "kind", "metadata", "roleRef", "subjects"], ["roleRef"], where, failures);
                    Keys(obj["roleRef"], ["apiGroup", "kind", "name"], ["apiGroup", "kind", "name"], where + " .roleRef", failures);
                    foreach (var subject in obj["subjects"]!.AsArray())
                    {
                        Keys(subject, ["kind", "apiGroup", "name", "namespace"], ["kind", "name"], where + " .subjects[]", failures);
                    }

                    break;
                default:
                    failures.Add($"{where}: no hand-written field list for this kind");
                    break;
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void The_validator_catches_a_misspelt_field_in_a_rendered_object()
    {
        var deployment = (JsonObject)Rendered.Case("default").Get("Deployment", "paas-controller").DeepClone();
        deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["readynessProbe"] = new JsonObject();

        Assert.Contains(Validator.Validate(deployment), e => e.Contains("readynessProbe: field not declared in schema", StringComparison.Ordinal));
    }

    private static void Keys(JsonNode? node, string[] allowed, string[] required, string where, List<string> failures)
    {
        if (node is not JsonObject o)
        {
            failures.Add($"{where}: expected map");
            return;
        }

        failures.AddRange(o.Select(p => p.Key).Except(allowed).Select(k => $"{where}.{k}: field not declared"));
        failures.AddRange(required.Except(o.Select(p => p.Key)).Select(k => $"{where}.{k}: required field missing"));
    }

    private static void StringLists(JsonObject rule, string where, List<string> failures)
    {
        foreach (var (key, value) in rule)
        {
            if (value is not JsonArray list || list.Any(v => v is not JsonValue s || !s.TryGetValue<string>(out _)))
            {
                failures.Add($"{where} .rules[].{key}: expected a list of strings");
            }
        }
    }
}
