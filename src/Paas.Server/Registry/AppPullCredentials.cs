using System.Security.Cryptography;
using System.Text;
using Paas.Scheduling;

namespace Paas.Server;

/// <summary>
/// Pull-only registry credentials, one per app, for the image pull Secret in the app's namespace: user
/// <c>paas-pull+APP</c> (a <c>+</c> no platform username can hold), password an HMAC-SHA256 of the app's name keyed with the
/// platform's <see cref="ServiceCredential"/> secret. Nothing is stored: the registry recomputes it to check a sign-in, and
/// <see cref="PlatformRegistryAccessPolicy"/> lets such a principal pull the app's repositories and do nothing else.
/// </summary>
/// <param name="service">The platform's service credential (the HMAC key).</param>
public sealed class AppPullCredentials(ServiceCredential service) : IAppPullCredentials
{
    /// <summary>The user name prefix of pull credentials.</summary>
    public const string UsernamePrefix = "paas-pull+";

    /// <summary>The registry principal name prefix of pull credentials (<c>paas:pull:APP</c>).</summary>
    public const string PrincipalPrefix = "paas:pull:";

    /// <inheritdoc />
    public RegistryPullCredential For(string app, string registry) => new(registry, UsernamePrefix + app, Password(app));

    /// <summary>The app a pull credential is for, when <paramref name="username"/> and <paramref name="password"/> are one.</summary>
    /// <param name="username">The presented user name.</param>
    /// <param name="password">The presented password.</param>
    /// <returns>The app's name, or null.</returns>
    public string? Validate(string username, string password)
    {
        if (!username.StartsWith(UsernamePrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var app = username[UsernamePrefix.Length..];
        return app.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(Password(app))) ? app : null;
    }

    private string Password(string app) =>
        "paas_pull_" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(service.Secret), Encoding.UTF8.GetBytes("registry-pull:" + app)));
}
