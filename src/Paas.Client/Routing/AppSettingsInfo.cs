namespace Paas.Client;

/// <summary>An app's router settings, as <c>GET/POST /v2/apps/{app}/settings</c> carry them. In a request, null leaves a setting unchanged.</summary>
/// <param name="Maintenance">Whether the router answers 503 with a maintenance page (<c>paas maintenance:on</c>).</param>
/// <param name="HttpsEnforced">Whether HTTP is redirected to HTTPS with HSTS (<c>paas tls:enable</c>).</param>
public sealed record AppSettingsInfo(bool? Maintenance = null, bool? HttpsEnforced = null);
