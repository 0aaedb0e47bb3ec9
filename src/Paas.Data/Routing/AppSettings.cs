namespace Paas.Data;

/// <summary>An app's router settings.</summary>
/// <param name="Maintenance">Whether the router answers 503 with a maintenance page instead of forwarding.</param>
/// <param name="HttpsEnforced">Whether the router redirects HTTP to HTTPS and sends HSTS (<c>paas tls:enable</c>).</param>
/// <param name="Grpc">
/// Whether gRPC requests (<c>Content-Type: application/grpc...</c>) go to the web processes as HTTP/2 without TLS (h2c with
/// prior knowledge, RFC 9113 section 3.3; <c>paas grpc:enable</c>); every other request stays HTTP/1.1.
/// </param>
public sealed record AppSettings(bool Maintenance, bool HttpsEnforced, bool Grpc = false);
