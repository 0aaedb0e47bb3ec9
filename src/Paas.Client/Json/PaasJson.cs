using System.Text.Json;
using System.Text.Json.Serialization;

namespace Paas.Client;

/// <summary>
/// The JSON conventions of the /v2 API, shared by the controller and every client:
/// snake_case property names (<c>created_at</c>, <c>process_types</c>), nulls omitted on write,
/// enums as lower-case strings, ISO 8601 timestamps with offset.
/// </summary>
public static class PaasJson
{
    /// <summary>The serializer options of the API. Do not mutate: the instance is shared and read-only.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>Applies the API's conventions to <paramref name="options"/> (used by ASP.NET's JSON options).</summary>
    /// <param name="options">Options to configure in place.</param>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
