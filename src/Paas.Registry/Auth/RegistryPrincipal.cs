namespace Paas.Registry.Auth;

/// <summary>
/// Who a request acts for: a platform user, or a platform service credential (builder, scheduler)
/// that the access policy allows everywhere.
/// </summary>
/// <param name="Name">The user (or service) name; it is the <c>sub</c> of bearer tokens.</param>
public sealed record RegistryPrincipal(string Name);
