using System.Text.Json.Nodes;

namespace Paas.Testing.Kubernetes.Api;

/// <summary>An error answered as a <c>Status</c> body with <see cref="Code"/>.</summary>
/// <param name="status">The Status object.</param>
public sealed class ApiException(JsonObject status) : Exception(status["message"]?.GetValue<string>() ?? "error")
{
    /// <summary>The Status body.</summary>
    public JsonObject Status { get; } = status;

    /// <summary>The HTTP status.</summary>
    public int Code => Status["code"]!.GetValue<int>();
}
