using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Paas.Registry.Api;

namespace Paas.Registry.Auth;

/// <summary>
/// Issues and verifies the short-lived bearer tokens of the Docker token flow: compact JWTs
/// (<c>header.payload.signature</c>, HS256) whose <c>access</c> claim lists the granted scopes.
/// </summary>
internal sealed class RegistryTokenService
{
    private static readonly byte[] Header = Encoding.UTF8.GetBytes("""{"alg":"HS256","typ":"JWT"}""");
    private readonly RegistryOptions _options;
    private readonly TimeProvider _time;
    private readonly Lazy<byte[]> _key;

    public RegistryTokenService(IOptions<RegistryOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        _key = new Lazy<byte[]>(LoadKey);
    }

    public (string Token, int ExpiresIn, DateTimeOffset IssuedAt) Issue(RegistryPrincipal principal, IReadOnlyList<TokenAccess> access)
    {
        var now = _time.GetUtcNow();
        var claims = new TokenClaims
        {
            Issuer = _options.Service,
            Subject = principal.Name,
            Audience = _options.Service,
            IssuedAt = now.ToUnixTimeSeconds(),
            NotBefore = now.ToUnixTimeSeconds() - 5,
            ExpiresAt = (now + _options.TokenLifetime).ToUnixTimeSeconds(),
            Id = Guid.NewGuid().ToString("N"),
            Access = access,
        };
        var payload = JsonSerializer.SerializeToUtf8Bytes(claims, RegistryJsonContext.Default.TokenClaims);
        var signingInput = $"{Base64Url(Header)}.{Base64Url(payload)}";
        var signature = HMACSHA256.HashData(_key.Value, Encoding.ASCII.GetBytes(signingInput));
        return ($"{signingInput}.{Base64Url(signature)}", (int)_options.TokenLifetime.TotalSeconds, now);
    }

    /// <summary>Verifies signature, audience and lifetime; null when any check fails.</summary>
    public TokenClaims? Verify(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var expected = HMACSHA256.HashData(_key.Value, Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"));
            if (!CryptographicOperations.FixedTimeEquals(expected, System.Buffers.Text.Base64Url.DecodeFromChars(parts[2])))
            {
                return null;
            }

            var claims = JsonSerializer.Deserialize(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1]), RegistryJsonContext.Default.TokenClaims);
            var now = _time.GetUtcNow().ToUnixTimeSeconds();
            return claims is not null && claims.Audience == _options.Service && claims.ExpiresAt > now && claims.NotBefore <= now ? claims : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    private byte[] LoadKey()
    {
        if (_options.TokenSigningKey is { } configured)
        {
            return Convert.FromBase64String(configured);
        }

        var path = Path.Combine(_options.GetRootDirectory(), "token.key");
        if (File.Exists(path))
        {
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = RandomNumberGenerator.GetBytes(32);
        var temp = $"{path}.{Guid.NewGuid():N}";
        File.WriteAllText(temp, Convert.ToBase64String(key));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        try
        {
            // Another replica may have won the race; its key is the one to use.
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException)
        {
            File.Delete(temp);
        }

        return Convert.FromBase64String(File.ReadAllText(path).Trim());
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
