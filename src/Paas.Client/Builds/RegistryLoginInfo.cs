namespace Paas.Client;

/// <summary>
/// An app's stored login to a registry other than the platform's own, as <c>/v2/apps/{app}/registry-logins</c> answers:
/// never its password.
/// </summary>
/// <param name="Registry">The registry host (<c>host[:port]</c>, lower case), as image references name it.</param>
/// <param name="Username">The user name.</param>
/// <param name="UpdatedBy">Who stored it last.</param>
/// <param name="UpdatedAt">When.</param>
public sealed record RegistryLoginInfo(string Registry, string Username, string UpdatedBy, DateTimeOffset UpdatedAt);

/// <summary>Body of <c>PUT /v2/apps/{app}/registry-logins/{registry}</c>.</summary>
/// <param name="Username">The user name (1-256 characters, no control characters).</param>
/// <param name="Password">The password or access token (1-4096 characters); stored encrypted, never shown back.</param>
public sealed record RegistryLoginRequest(string Username, string Password)
{
    /// <inheritdoc />
    public override string ToString() => $"RegistryLoginRequest {{ Username = {Username}, Password = *** }}";
}
