using System.Security.Cryptography;
using System.Text;

namespace Paas.Testing.Ldap;

/// <summary>
/// The <c>{SSHA}</c> password scheme slapd checks simple binds against: base64(SHA-1(password + salt) + salt), with an
/// 8-byte random salt (the same format <c>slappasswd</c> writes; see slapd.conf(5), <c>password-hash</c>).
/// </summary>
internal static class SshaPassword
{
    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(8);
        var secret = Encoding.UTF8.GetBytes(password);
        var digest = SHA1.HashData([.. secret, .. salt]);
        return "{SSHA}" + Convert.ToBase64String([.. digest, .. salt]);
    }
}
