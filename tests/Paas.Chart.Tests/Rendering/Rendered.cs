using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Paas.Chart.Tests.Helm;

namespace Paas.Chart.Tests.Rendering;

/// <summary>The manifests <c>helm template</c> rendered for a case: the text and each object as JSON.</summary>
/// <param name="Text">helm's output.</param>
/// <param name="Objects">The objects, in helm's install order.</param>
internal sealed record Rendered(string Text, IReadOnlyList<JsonObject> Objects)
{
    private static readonly ConcurrentDictionary<string, Lazy<Rendered>> Cache = new(StringComparer.Ordinal);

    /// <summary>A case rendered once per test run.</summary>
    public static Rendered Case(string name) => Cache.GetOrAdd(name, n => new Lazy<Rendered>(() => Template("--values", ChartCase.ValuesFile(n)))).Value;

    /// <summary>Renders the chart with extra helm arguments (values files, --set).</summary>
    public static Rendered Template(params string[] args)
    {
        var text = HelmTool.Instance.Run(null, ["template", ChartCase.Release, ChartCase.ChartDirectory, "--namespace", ChartCase.Namespace, .. args]).Succeeded();
        return new Rendered(text, [.. YamlToJson.Documents(text).OfType<JsonObject>()]);
    }

    /// <summary>The objects of one kind.</summary>
    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => (string?)o["kind"] == kind);

    /// <summary>The one object of a kind and name.</summary>
    public JsonObject Get(string kind, string name) => Objects.Single(o => (string?)o["kind"] == kind && (string?)o["metadata"]?["name"] == name);

    /// <summary>The object of a kind and name, or null.</summary>
    public JsonObject? Find(string kind, string name) => Objects.SingleOrDefault(o => (string?)o["kind"] == kind && (string?)o["metadata"]?["name"] == name);

    /// <summary>Every workload (Deployment, DaemonSet, StatefulSet).</summary>
    public IEnumerable<JsonObject> Workloads => Objects.Where(o => (string?)o["kind"] is "Deployment" or "DaemonSet" or "StatefulSet");

    /// <summary>A workload's containers.</summary>
    public static IEnumerable<JsonObject> Containers(JsonObject workload) => workload["spec"]!["template"]!["spec"]!["containers"]!.AsArray().OfType<JsonObject>();

    /// <summary>A container's environment variable value, or null.</summary>
    public static string? Env(JsonObject container, string name) =>
        container["env"]?.AsArray().OfType<JsonObject>().FirstOrDefault(e => (string?)e["name"] == name)?["value"]?.GetValue<string>();
}
