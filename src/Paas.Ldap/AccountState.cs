using System.DirectoryServices.Protocols;
using System.Globalization;

namespace Paas.Ldap;

/// <summary>
/// The one rule for whether a directory account's own state lets it use the platform, applied at sign-in and at every
/// refresh alike. It reads Active Directory's account attributes (MS-ADTS 2.2.16 userAccountControl bits; MS-ADA1/MS-ADA3
/// attributes) and passes entries without them (OpenLDAP):
/// <list type="bullet">
/// <item>disabled: <c>userAccountControl</c> has ACCOUNTDISABLE (0x2);</item>
/// <item>expired: <c>accountExpires</c> is a FILETIME (100 ns ticks since 1601, UTC) in the past; 0 and
/// 0x7FFFFFFFFFFFFFFF mean never;</item>
/// <item>locked out: the constructed <c>msDS-User-Account-Control-Computed</c> has UF_LOCKOUT (0x10), which AD clears
/// itself once the lockout duration has passed; without that attribute, a non-zero <c>lockoutTime</c>;</item>
/// <item>password must be changed: <c>pwdLastSet</c> is 0 (an admin ticked "must change password at next logon"), or the
/// computed attribute has UF_PASSWORD_EXPIRED (0x800000, also set when the password outlived the domain's maximum age).</item>
/// </list>
/// AD itself refuses a bind in these states (invalidCredentials with <c>data 533</c>, <c>701</c>, <c>775</c>, <c>773</c>
/// or <c>532</c>), but a token issued before keeps working unless the refresh applies the same rule.
/// </summary>
internal static class AccountState
{
    /// <summary>The attributes <see cref="Refusal"/> reads; request them with the user entry.</summary>
    public static readonly string[] Attributes = [UserAccountControl, ComputedControl, AccountExpires, PwdLastSet, LockoutTime];

    private const string UserAccountControl = "userAccountControl";
    private const string ComputedControl = "msDS-User-Account-Control-Computed";
    private const string AccountExpires = "accountExpires";
    private const string PwdLastSet = "pwdLastSet";
    private const string LockoutTime = "lockoutTime";
    private const long AccountDisable = 0x2;
    private const long Lockout = 0x10;
    private const long PasswordExpired = 0x800000;

    /// <summary>Why the account may not be used now, or null when its state allows it.</summary>
    /// <param name="entry">The user entry, read with <see cref="Attributes"/>.</param>
    /// <param name="now">The current time.</param>
    /// <returns>A short reason ("the account is disabled"...), or null.</returns>
    public static string? Refusal(SearchResultEntry entry, DateTimeOffset now)
    {
        var control = Number(entry, UserAccountControl) ?? 0;
        var computed = Number(entry, ComputedControl);
        if ((control & AccountDisable) != 0)
        {
            return "the account is disabled";
        }

        if (Number(entry, AccountExpires) is { } expires and > 0 and < long.MaxValue && DateTime.FromFileTimeUtc(expires) <= now.UtcDateTime)
        {
            return $"the account expired on {DateTime.FromFileTimeUtc(expires):yyyy-MM-dd HH:mm} UTC";
        }

        if (computed is { } value ? (value & Lockout) != 0 : Number(entry, LockoutTime) is > 0)
        {
            return "the account is locked out";
        }

        if (Number(entry, PwdLastSet) == 0 || (computed is { } flags && (flags & PasswordExpired) != 0))
        {
            return "the account's password must be changed";
        }

        return null;
    }

    /// <summary>
    /// What AD's refusal of a bind means, from the <c>data</c> code in its diagnostic message (the Win32 error of the
    /// logon, e.g. <c>80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data 701, v4563</c>), or null.
    /// </summary>
    /// <param name="diagnostic">The server's error message.</param>
    /// <returns>The meaning, or null when there is no known code.</returns>
    public static string? BindRefusal(string? diagnostic)
    {
        var at = diagnostic?.IndexOf(", data ", StringComparison.Ordinal) ?? -1;
        if (at < 0)
        {
            return null;
        }

        var code = new string([.. diagnostic![(at + ", data ".Length)..].TakeWhile(char.IsAsciiHexDigit)]);
        return code.ToLowerInvariant() switch
        {
            "525" => "no such user (AD data 525)",
            "52e" => "wrong password (AD data 52e)",
            "530" => "not permitted to log on at this time (AD data 530)",
            "531" => "not permitted to log on from this workstation (AD data 531)",
            "532" => "the password has expired (AD data 532)",
            "533" => "the account is disabled (AD data 533)",
            "701" => "the account has expired (AD data 701)",
            "773" => "the password must be changed (AD data 773)",
            "775" => "the account is locked out (AD data 775)",
            _ => null,
        };
    }

    private static long? Number(SearchResultEntry entry, string attribute)
    {
        var values = entry.Attributes[attribute];
        return values is { Count: > 0 } && values[0] is string text && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : values is { Count: > 0 } && values[0] is byte[] bytes && long.TryParse(System.Text.Encoding.UTF8.GetString(bytes), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : null;
    }
}
