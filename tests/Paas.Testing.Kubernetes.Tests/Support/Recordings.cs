using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Schema;

namespace Paas.Testing.Kubernetes.Tests.Support;

/// <summary>Reads the recorded exchanges in shared/kubernetes (never copied into the repository).</summary>
public static class Recordings
{
    /// <summary>One exchange file, parsed.</summary>
    public static JsonObject Exchange(string relative) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(SharedRecordings.Directory(), relative)))!.AsObject();
}
