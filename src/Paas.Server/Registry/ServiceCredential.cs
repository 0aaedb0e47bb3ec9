using System.Security.Cryptography;

namespace Paas.Server;

/// <summary>
/// The platform's own credential for the registry (the builder pushes with it, schedulers pull with it): username
/// <see cref="Username"/> and a random secret kept in <c>DATA_DIR/service-token</c> (mode 0600), made at first start, or
/// shared by every process of a split platform through <c>PAAS_SERVICE_TOKEN_FILE</c>. The internal contracts between the
/// parts (<c>/internal/v1</c>) authenticate with it too.
/// Its principal name contains a ':' so no user can ever be mistaken for it (usernames cannot contain one).
/// </summary>
public sealed class ServiceCredential
{
    /// <summary>The username the service presents with HTTP Basic auth.</summary>
    public const string Username = "paas-service";

    /// <summary>The registry principal name of the service.</summary>
    public const string PrincipalName = "paas:service";

    /// <summary>Loads the secret from <c>DATA_DIR/service-token</c>, creating it when missing.</summary>
    /// <param name="dataDir">The platform's data folder.</param>
    public ServiceCredential(string dataDir)
        : this(dataDir, null)
    {
    }

    /// <summary>
    /// Loads the secret from <paramref name="tokenFile"/> when given (<c>PAAS_SERVICE_TOKEN_FILE</c>: the platform's parts in
    /// several processes or pods share it, e.g. from a Kubernetes Secret; it is never created), else from
    /// <c>DATA_DIR/service-token</c>, created when missing.
    /// </summary>
    /// <param name="dataDir">The platform's data folder.</param>
    /// <param name="tokenFile">A file holding the shared secret, or null.</param>
    /// <exception cref="InvalidOperationException"><paramref name="tokenFile"/> cannot be read or holds fewer than 32 characters.</exception>
    public ServiceCredential(string dataDir, string? tokenFile)
    {
        if (!string.IsNullOrWhiteSpace(tokenFile))
        {
            try
            {
                Secret = File.ReadAllText(tokenFile).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"PAAS_SERVICE_TOKEN_FILE '{tokenFile}' cannot be read ({e.Message}): every part of the platform needs the same service secret", e);
            }

            if (Secret.Length < 32)
            {
                throw new InvalidOperationException($"PAAS_SERVICE_TOKEN_FILE '{tokenFile}' holds {Secret.Length} characters; the service secret needs at least 32 random ones (e.g. openssl rand -hex 32)");
            }

            return;
        }

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

    /// <summary>The <c>Authorization</c> header the internal contracts between the parts require: <c>Basic base64(paas-service:SECRET)</c>.</summary>
    /// <returns>The header value.</returns>
    public System.Net.Http.Headers.AuthenticationHeaderValue BasicAuthorization() => Paas.Oci.BasicAuthentication.Header(Username, Secret);

    /// <summary>
    /// Whether an <c>Authorization</c> header is <see cref="BasicAuthorization"/>'s, compared in constant time: the parts'
    /// own clients send exactly that value.
    /// </summary>
    /// <param name="header">The header as received.</param>
    /// <returns>Whether it carries the service credential.</returns>
    public bool IsBasicAuthorization(string header) =>
        System.Net.Http.Headers.AuthenticationHeaderValue.TryParse(header, out var given) && given.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)
        && given.Parameter is { } parameter
        && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(parameter), System.Text.Encoding.ASCII.GetBytes(BasicAuthorization().Parameter!));

    /// <summary>Compares a presented secret in constant time.</summary>
    /// <param name="secret">The presented secret.</param>
    /// <returns>Whether it is the service's.</returns>
    public bool Matches(string secret) =>
        CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(secret), System.Text.Encoding.UTF8.GetBytes(Secret));
}
