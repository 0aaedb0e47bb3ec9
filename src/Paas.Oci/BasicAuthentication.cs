using System.Net.Http.Headers;
using System.Text;

namespace Paas.Oci;

/// <summary>
/// HTTP Basic credentials as clients send them (RFC 7617 section 2: <c>Basic base64(user-id ":" password)</c>, UTF-8):
/// to registries (OCI distribution spec, "Authentication"), and between the platform's parts.
/// </summary>
public static class BasicAuthentication
{
    /// <summary>The <c>Authorization</c> header for <paramref name="username"/> and <paramref name="password"/>.</summary>
    /// <param name="username">The user name (must not contain <c>:</c>).</param>
    /// <param name="password">The password or token.</param>
    /// <returns>The header value.</returns>
    public static AuthenticationHeaderValue Header(string username, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));
}
