using System.Text;

namespace Paas.Ldap;

/// <summary>
/// Escapes user-supplied values before they go into LDAP search filters (RFC 4515 section 3) or distinguished names
/// (RFC 4514 section 2.4), so a login such as <c>*)(uid=*</c> is searched for literally instead of widening the filter.
/// </summary>
public static class LdapEscaping
{
    /// <summary>
    /// Escapes an assertion value for a search filter (RFC 4515 section 3): <c>*</c>, <c>(</c>, <c>)</c>, <c>\</c> and
    /// NUL become <c>\2a</c>, <c>\28</c>, <c>\29</c>, <c>\5c</c> and <c>\00</c>; characters outside printable ASCII are
    /// written as the <c>\XX</c> escapes of their UTF-8 bytes.
    /// </summary>
    /// <param name="value">The raw value, e.g. a login name or a DN.</param>
    /// <returns>The value, safe to place between <c>=</c> and <c>)</c> in a filter.</returns>
    public static string FilterValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder(value.Length + 8);
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.Value is '*' or '(' or ')' or '\\' or 0 || rune.Value < 0x20 || rune.Value > 0x7e)
            {
                var length = rune.EncodeToUtf8(bytes);
                foreach (var b in bytes[..length])
                {
                    text.Append('\\').Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            else
            {
                text.Append((char)rune.Value);
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Escapes an attribute value for a distinguished name (RFC 4514 section 2.4): <c>"</c>, <c>+</c>, <c>,</c>,
    /// <c>;</c>, <c>&lt;</c>, <c>&gt;</c> and <c>\</c> get a backslash; a leading space or <c>#</c> and a trailing
    /// space are escaped; NUL becomes <c>\00</c>.
    /// </summary>
    /// <param name="value">The raw value, e.g. a group name.</param>
    /// <returns>The value, safe to use as the value of one RDN such as <c>cn=VALUE</c>.</returns>
    public static string DnValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var leading = i == 0 && (c == ' ' || c == '#');
            var trailing = i == value.Length - 1 && c == ' ';
            if (c == '\0')
            {
                text.Append("\\00");
            }
            else if (leading || trailing || c is '"' or '+' or ',' or ';' or '<' or '>' or '\\' or '=')
            {
                text.Append('\\').Append(c);
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    /// <summary>Places an escaped value into a configured filter template: each <c>{0}</c> becomes <see cref="FilterValue"/> of <paramref name="value"/>.</summary>
    /// <param name="template">A filter with <c>{0}</c> placeholders, e.g. <c>(&amp;(objectClass=inetOrgPerson)(uid={0}))</c>.</param>
    /// <param name="value">The raw value.</param>
    /// <returns>The filter.</returns>
    public static string Format(string template, string value) =>
        template.Replace("{0}", FilterValue(value), StringComparison.Ordinal);
}
