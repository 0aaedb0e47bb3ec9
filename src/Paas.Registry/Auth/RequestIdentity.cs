namespace Paas.Registry.Auth;

/// <summary>An authenticated request: who, and (for a bearer token) the scopes it carries; Basic auth carries none and asks the policy.</summary>
internal sealed record RequestIdentity(RegistryPrincipal Principal, IReadOnlyList<TokenAccess>? TokenAccess);
