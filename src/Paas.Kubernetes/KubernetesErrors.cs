using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using k8s.Autorest;
using Paas.Scheduling;

namespace Paas.Kubernetes;

/// <summary>
/// Turns the Kubernetes API's refusals into sentences a person can act on (<see cref="SchedulerUnavailableException"/>).
/// The API answers errors with a <c>Status</c> object (<c>{"kind":"Status","status":"Failure","message","reason","code"}</c>,
/// Kubernetes API conventions, "Response Status Kind"); its <c>message</c> names the resource, verb and user for RBAC
/// refusals (<c>deployments.apps is forbidden: User "x" cannot create resource "deployments" in API group "apps" ...</c>).
/// </summary>
internal static class KubernetesErrors
{
    /// <summary>Whether <paramref name="e"/> is an answer of the API server with <paramref name="status"/>.</summary>
    public static bool Is(Exception e, HttpStatusCode status) => e is HttpOperationException { Response.StatusCode: var code } && code == status;

    /// <summary>Translates <paramref name="e"/> when it is an expected refusal; null for anything else.</summary>
    /// <param name="e">The exception.</param>
    /// <param name="server">The API server's URL, for the message.</param>
    /// <param name="doing">What the platform was doing (<c>deploying v7 of hello</c>).</param>
    /// <returns>The translated exception, or null.</returns>
    public static SchedulerUnavailableException? Translate(Exception e, Uri? server, string doing)
    {
        switch (e)
        {
            case HttpOperationException { Response: { } response } http:
                var (message, reason) = StatusOf(response.Content);
                message ??= $"HTTP {(int)response.StatusCode}";
                return response.StatusCode switch
                {
                    HttpStatusCode.Unauthorized => new($"the Kubernetes API server refused the platform's credentials while {doing} (401): check PAAS_KUBECONFIG or the pod's service account token", false, http),
                    HttpStatusCode.Forbidden when message.Contains("being terminated", StringComparison.Ordinal) || reason == "NamespaceTerminating" =>
                        new($"the app's namespace is still being deleted while {doing}; try again in a minute ({message})", true, http),
                    HttpStatusCode.Forbidden when message.Contains("exceeded quota", StringComparison.Ordinal) =>
                        new($"a Kubernetes resource quota refused it while {doing}: {message}; raise the namespace's quota or scale something down", false, http),
                    HttpStatusCode.Forbidden =>
                        new($"the platform's Kubernetes account lacks a permission while {doing}: {message}; grant it the rules in charts/paas/files/rbac.yaml", false, http),
                    HttpStatusCode.UnprocessableEntity or HttpStatusCode.BadRequest =>
                        new($"Kubernetes refused an object while {doing}: {message}", false, http),
                    HttpStatusCode.Conflict => new($"another client changed the app's objects while {doing}: {message}; try again", true, http),
                    HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout or HttpStatusCode.InternalServerError =>
                        new($"the Kubernetes API server is overloaded or failing while {doing}: {message}; try again shortly", true, http),
                    _ => null,
                };
            case HttpRequestException or SocketException or TimeoutException or TaskCanceledException { InnerException: TimeoutException }:
                return new($"the Kubernetes API server{(server is null ? "" : $" at {server}")} cannot be reached while {doing}: {e.Message}; check that it runs and that PAAS_KUBECONFIG points at it", true, e);
            default:
                return null;
        }
    }

    /// <summary>Reads <c>message</c> and <c>reason</c> (and a first cause's reason) from a <c>Status</c> body.</summary>
    internal static (string? Message, string? Reason) StatusOf(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return (null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var message = root.TryGetProperty("message", out var m) ? m.GetString() : null;
            var reason = root.TryGetProperty("details", out var details) && details.TryGetProperty("causes", out var causes) && causes.GetArrayLength() > 0
                && causes[0].TryGetProperty("reason", out var cause)
                ? cause.GetString()
                : root.TryGetProperty("reason", out var r) ? r.GetString() : null;
            return (message, reason);
        }
        catch (JsonException)
        {
            return (body.Length > 200 ? body[..200] : body, null);
        }
    }
}
