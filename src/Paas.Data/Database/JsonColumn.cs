using System.Text.Json;

namespace Paas.Data;

/// <summary>Reads and writes the JSON text columns (<c>configs.vars</c>, <c>builds.process_types</c>).</summary>
internal static class JsonColumn
{
    public static string Write<T>(IReadOnlyDictionary<string, T> values) =>
        JsonSerializer.Serialize(new SortedDictionary<string, T>(values.ToDictionary(), StringComparer.Ordinal));

    public static IReadOnlyDictionary<string, T> Read<T>(string? json) =>
        string.IsNullOrEmpty(json)
            ? new Dictionary<string, T>(StringComparer.Ordinal)
            : new SortedDictionary<string, T>(JsonSerializer.Deserialize<Dictionary<string, T>>(json) ?? [], StringComparer.Ordinal);
}
