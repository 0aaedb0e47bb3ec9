namespace Paas.Registry.Auth;

/// <summary>The outcome of authorizing a request.</summary>
internal enum AccessDecision
{
    Allowed,

    /// <summary>The bearer token lacks the scope but the policy would grant it: 401 so the client fetches a new token.</summary>
    InsufficientScope,

    /// <summary>The principal may not do this: 403 <c>DENIED</c>.</summary>
    Denied,
}
