using System.Text.Json.Serialization;

namespace Paas.Registry.Auth;

/// <summary>One granted scope: <c>{"type":"repository","name":"app","actions":["pull","push"]}</c>.</summary>
internal sealed record TokenAccess(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("actions")] IReadOnlyList<string> Actions)
{
    public bool Grants(string type, string name, string action) =>
        Type == type && Name == name && (Actions.Contains(action) || Actions.Contains("*"));
}
