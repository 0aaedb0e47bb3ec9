namespace Paas.Data;

/// <summary>An app's router settings.</summary>
/// <param name="Maintenance">Whether the router answers 503 with a maintenance page instead of forwarding.</param>
/// <param name="HttpsEnforced">Whether the router redirects HTTP to HTTPS and sends HSTS (<c>paas tls:enable</c>).</param>
public sealed record AppSettings(bool Maintenance, bool HttpsEnforced);
