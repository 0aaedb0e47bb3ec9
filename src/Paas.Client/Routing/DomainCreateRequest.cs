namespace Paas.Client;

/// <summary>Body of <c>POST /v2/apps/{app}/domains</c>.</summary>
/// <param name="Domain">The domain to route to the app.</param>
public sealed record DomainCreateRequest(string Domain);
