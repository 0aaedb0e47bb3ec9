namespace Paas.Client;

/// <summary>An app's router settings, as <c>GET/POST /v2/apps/{app}/settings</c> carry them. In a request, null leaves a setting unchanged.</summary>
/// <param name="Maintenance">Whether the router answers 503 with a maintenance page (<c>paas maintenance:on</c>).</param>
/// <param name="HttpsEnforced">Whether HTTP is redirected to HTTPS with HSTS (<c>paas tls:enable</c>).</param>
/// <param name="Grpc">
/// Whether gRPC requests reach the web processes as HTTP/2 without TLS (h2c, <c>paas grpc:enable</c>): clients speak gRPC
/// to the router's HTTPS port; the processes must serve h2c on <c>PORT</c>. Every other request stays HTTP/1.1.
/// </param>
public sealed record AppSettingsInfo(bool? Maintenance = null, bool? HttpsEnforced = null, bool? Grpc = null);
