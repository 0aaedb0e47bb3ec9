namespace Paas.Data;

/// <summary>A custom domain of an app.</summary>
/// <param name="Domain">The domain, lower case, exact or one-level wildcard (<c>*.example.com</c>).</param>
/// <param name="App">The app's name.</param>
/// <param name="Certificate">The name of the attached certificate, or null.</param>
/// <param name="CreatedAt">When it was added.</param>
public sealed record StoredDomain(string Domain, string App, string? Certificate, DateTimeOffset CreatedAt);
