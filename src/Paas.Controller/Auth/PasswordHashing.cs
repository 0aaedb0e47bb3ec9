using Microsoft.AspNetCore.Identity;
using Paas.Domain;

namespace Paas.Controller;

/// <summary>
/// Password hashing with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2 with HMAC-SHA512,
/// 100,000 iterations, 128-bit salt, versioned format so the parameters can be raised later).
/// </summary>
internal sealed class PasswordHashing
{
    private readonly PasswordHasher<User> _hasher = new();
    private readonly Lazy<string> _dummy;

    public PasswordHashing()
    {
        _dummy = new Lazy<string>(() => _hasher.HashPassword(null!, "not-a-password-" + Guid.NewGuid()));
    }

    public string Hash(string password) => _hasher.HashPassword(null!, password);

    /// <summary>Verifies a password; with no user (unknown name) it still spends the same time, so timing does not tell which names exist.</summary>
    public PasswordCheck Verify(User? user, string password)
    {
        if (user?.PasswordHash is null)
        {
            _hasher.VerifyHashedPassword(null!, _dummy.Value, password);
            return PasswordCheck.Wrong;
        }

        return _hasher.VerifyHashedPassword(user, user.PasswordHash, password) switch
        {
            PasswordVerificationResult.Success => PasswordCheck.Right,
            PasswordVerificationResult.SuccessRehashNeeded => PasswordCheck.RightRehash,
            _ => PasswordCheck.Wrong,
        };
    }
}
