using System.Security.Cryptography;
using System.Text;

namespace Paas.Controller;

/// <summary>
/// API tokens: <c>paas_</c> + 256 random bits in base64url (43 characters). Only their SHA-256 is stored; a
/// fast hash is enough because the token itself carries 256 bits of entropy (no dictionary to attack).
/// </summary>
public static class ApiToken
{
    /// <summary>The prefix every token starts with, so secret scanners can recognize leaked tokens.</summary>
    public const string Prefix = "paas_";

    /// <summary>Makes a new token.</summary>
    /// <returns>The token, shown once to its user.</returns>
    public static string New() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The stored form of a token.</summary>
    /// <param name="token">The token as presented.</param>
    /// <returns>Its SHA-256 as 64 lower-case hex characters.</returns>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
