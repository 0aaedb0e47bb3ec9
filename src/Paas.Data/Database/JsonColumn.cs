using System.Text.Json;

namespace Paas.Data;

/// <summary>Reads and writes the JSON text columns (<c>configs.vars</c>, <c>configs.limits</c>, <c>configs.healthchecks</c>, <c>builds.process_types</c>).</summary>
internal static class JsonColumn
{
    public static string Write<T>(IReadOnlyDictionary<string, T> values) =>
        JsonSerializer.Serialize(new SortedDictionary<string, T>(values.ToDictionary(), StringComparer.Ordinal));

    /// <summary>Writes <paramref name="values"/>, or null (SQL NULL) when empty.</summary>
    public static string? WriteOrNull<T>(IReadOnlyDictionary<string, T> values) => values.Count == 0 ? null : Write(values);

    public static IReadOnlyDictionary<string, T> Read<T>(string? json) =>
        string.IsNullOrEmpty(json)
            ? new Dictionary<string, T>(StringComparer.Ordinal)
            : new SortedDictionary<string, T>(JsonSerializer.Deserialize<Dictionary<string, T>>(json) ?? [], StringComparer.Ordinal);
}
