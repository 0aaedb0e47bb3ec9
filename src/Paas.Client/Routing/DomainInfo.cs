namespace Paas.Client;

/// <summary>A custom domain of an app, as <c>/v2/apps/{app}/domains</c> answers.</summary>
/// <param name="Domain">The domain, lower case: exact (<c>www.example.com</c>) or a one-level wildcard (<c>*.example.com</c>).</param>
/// <param name="App">The app it routes to.</param>
/// <param name="Certificate">The name of the certificate served for it, or null (the platform's certificate).</param>
/// <param name="CreatedAt">When it was added.</param>
public sealed record DomainInfo(string Domain, string App, string? Certificate, DateTimeOffset CreatedAt);
