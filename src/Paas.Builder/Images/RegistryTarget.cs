namespace Paas.Builder;

/// <summary>The platform's registry the builder pushes to, and the service credential it pushes with.</summary>
/// <param name="Url">The registry's base URL (<c>http://127.0.0.1:5000</c>).</param>
/// <param name="Username">The service credential's username.</param>
/// <param name="Password">Its secret.</param>
internal sealed record RegistryTarget(Uri Url, string Username, string Password)
{
    /// <summary>The sentence a build ends with when the host configured no registry.</summary>
    public const string Missing = "the platform has no registry configured for the builder";

    /// <summary>The target <paramref name="options"/> name (resolved now: the port may be chosen at start), or null when none is configured.</summary>
    public static RegistryTarget? Of(BuilderOptions options) =>
        options.RegistryUrl is null || options.RegistryPassword is null
            ? null
            : new RegistryTarget(new Uri(options.RegistryUrl()), options.RegistryUsername, options.RegistryPassword());

    /// <summary>The credential as a pair.</summary>
    public (string User, string Secret) Credential => (Username, Password);
}
