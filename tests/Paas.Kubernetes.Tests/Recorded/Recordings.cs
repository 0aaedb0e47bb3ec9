using System.Text.Json.Nodes;
using k8s;

namespace Paas.Kubernetes.Tests.Recorded;

/// <summary>The recordings of real Kubernetes API servers in <c>shared/kubernetes</c> beside the repository.</summary>
internal static class Recordings
{
    public static string Folder { get; } = Find();

    /// <summary>The parsed file <paramref name="name"/> (relative to <c>shared/kubernetes</c>).</summary>
    public static JsonNode Load(string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, name)))!;

    /// <summary>The response body of exchange <paramref name="name"/> as a KubernetesClient model.</summary>
    public static T Body<T>(string name) => KubernetesJson.Deserialize<T>(Load(name)["response"]!["body"]!.ToJsonString());

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "kubernetes");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"no shared/kubernetes above {AppContext.BaseDirectory}: the recordings live beside the repository checkout");
    }
}
