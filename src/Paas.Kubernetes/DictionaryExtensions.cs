namespace Paas.Kubernetes;

/// <summary>Look-ups in the <c>IDictionary</c> maps of KubernetesClient's models (labels, annotations, limits).</summary>
internal static class DictionaryExtensions
{
    /// <summary>The value under <paramref name="key"/>, or default when the map or the key is missing.</summary>
    public static TValue? Find<TValue>(this IDictionary<string, TValue>? map, string key) =>
        map is not null && map.TryGetValue(key, out var value) ? value : default;
}
