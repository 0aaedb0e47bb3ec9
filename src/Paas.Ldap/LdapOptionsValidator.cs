using Microsoft.Extensions.Options;

namespace Paas.Ldap;

/// <summary>Checks <see cref="LdapOptions"/> at start-up and reports every problem at once, naming the environment variable to fix.</summary>
public sealed class LdapOptionsValidator : IValidateOptions<LdapOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, LdapOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        foreach (var server in options.Servers)
        {
            if (!LdapOptions.TryParseServer(server, out var uri))
            {
                errors.Add($"PAAS_LDAP_URL '{server}' is not an LDAP URL: use ldap://host[:389] or ldaps://host[:636]");
            }
        }

        if (options.Flavor is not ("openldap" or "active_directory"))
        {
            errors.Add($"PAAS_LDAP_FLAVOR '{options.Flavor}' is not one of openldap, active_directory");
        }

        if (string.IsNullOrWhiteSpace(options.UserBase))
        {
            errors.Add("PAAS_LDAP_USER_BASE is empty: name the subtree users are searched in, e.g. ou=people,dc=example,dc=com");
        }

        CheckFilter(errors, "PAAS_LDAP_USER_FILTER", options.EffectiveUserFilter, "the login name");
        if (string.IsNullOrWhiteSpace(options.GroupMembershipAttribute))
        {
            CheckFilter(errors, "PAAS_LDAP_GROUP_FILTER", options.EffectiveGroupFilter, "the member's DN");
        }

        if (!string.IsNullOrWhiteSpace(options.RequiredGroup) && string.IsNullOrWhiteSpace(options.GroupBase) && string.IsNullOrWhiteSpace(options.GroupMembershipAttribute))
        {
            errors.Add($"PAAS_LDAP_REQUIRED_GROUP '{options.RequiredGroup}' is set but groups are not read: set PAAS_LDAP_GROUP_BASE to the subtree holding it");
        }

        if (!string.IsNullOrWhiteSpace(options.BindDn) && string.IsNullOrEmpty(options.BindPassword) && string.IsNullOrEmpty(options.BindPasswordFile))
        {
            errors.Add("PAAS_LDAP_BIND_DN is set but no password is: set PAAS_LDAP_BIND_PASSWORD_FILE (or PAAS_LDAP_BIND_PASSWORD); an empty password would be an unauthenticated bind (RFC 4513 section 5.1.2)");
        }

        if (!string.IsNullOrEmpty(options.BindPasswordFile) && !File.Exists(options.BindPasswordFile))
        {
            errors.Add($"PAAS_LDAP_BIND_PASSWORD_FILE '{options.BindPasswordFile}' does not exist");
        }

        if (!string.IsNullOrEmpty(options.CaFile) && !File.Exists(options.CaFile))
        {
            errors.Add($"PAAS_LDAP_CA_FILE '{options.CaFile}' does not exist");
        }

        if (options.RefreshInterval <= TimeSpan.Zero || options.Timeout <= TimeSpan.Zero || options.OutageGrace < TimeSpan.Zero)
        {
            errors.Add("Paas:Ldap:RefreshInterval and Timeout must be positive and OutageGrace not negative (e.g. 00:05:00)");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckFilter(List<string> errors, string variable, string filter, string what)
    {
        if (!filter.Contains("{0}", StringComparison.Ordinal))
        {
            errors.Add($"{variable} '{filter}' has no {{0}} where {what} goes");
        }

        var depth = 0;
        foreach (var c in filter)
        {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth < 0)
            {
                break;
            }
        }

        if (depth != 0 || !filter.StartsWith('(') || !filter.EndsWith(')'))
        {
            errors.Add($"{variable} '{filter}' is not a parenthesised LDAP filter (RFC 4515), e.g. (&(objectClass=inetOrgPerson)(uid={{0}}))");
        }
    }
}
