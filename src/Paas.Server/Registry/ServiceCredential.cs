using System.Security.Cryptography;

namespace Paas.Server;

/// <summary>
/// The platform's own credential for the registry (the builder pushes with it, schedulers pull with it): username
/// <see cref="Username"/> and a random secret kept in <c>DATA_DIR/service-token</c> (mode 0600), made at first start.
/// Its principal name contains a ':' so no user can ever be mistaken for it (usernames cannot contain one).
/// </summary>
public sealed class ServiceCredential
{
    /// <summary>The username the service presents with HTTP Basic auth.</summary>
    public const string Username = "paas-service";

    /// <summary>The registry principal name of the service.</summary>
    public const string PrincipalName = "paas:service";

    /// <summary>Loads the secret from <paramref name="dataDir"/>, creating it when missing.</summary>
    /// <param name="dataDir">The platform's data folder.</param>
    public ServiceCredential(string dataDir)
    {
        var path = Path.Combine(dataDir, "service-token");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(dataDir);
            var secret = "paas_svc_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            File.WriteAllText(path, secret);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        Secret = File.ReadAllText(path).Trim();
    }

    /// <summary>The secret (256 random bits, hex).</summary>
    public string Secret { get; }

    /// <summary>Compares a presented secret in constant time.</summary>
    /// <param name="secret">The presented secret.</param>
    /// <returns>Whether it is the service's.</returns>
    public bool Matches(string secret) =>
        CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(secret), System.Text.Encoding.UTF8.GetBytes(Secret));
}
