namespace Paas.Testing.Kubernetes;

/// <summary>One request the fake received.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path.</param>
/// <param name="Query">The query string (with <c>?</c>, or empty).</param>
/// <param name="ContentType">The Content-Type, or null.</param>
/// <param name="Body">The body as text (empty when none).</param>
/// <param name="UserAgent">The User-Agent, or null.</param>
/// <param name="Status">The status code answered (0 while a stream is still open).</param>
public sealed record RecordedRequest(string Method, string Path, string Query, string? ContentType, string Body, string? UserAgent, int Status)
{
    /// <summary>A query parameter's value, or null.</summary>
    public string? QueryValue(string name) => Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Query).TryGetValue(name, out var v) ? v.ToString() : null;

    /// <inheritdoc/>
    public override string ToString() => $"{Method} {Path}{Query} -> {Status}";
}
