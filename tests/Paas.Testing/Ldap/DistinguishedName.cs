using System.Text;

namespace Paas.Testing.Ldap;

/// <summary>RFC 4514 §2.4 escaping of one attribute value inside a DN (for example <c>Smith, John</c> -> <c>Smith\, John</c>).</summary>
internal static class DistinguishedName
{
    public static string Rdn(string attribute, string value) => $"{attribute}={Escape(value)}";

    public static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length + 4);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var special = c is ',' or '+' or '"' or '\\' or '<' or '>' or ';' or '='
                || (i == 0 && c is ' ' or '#')
                || (i == value.Length - 1 && c == ' ');
            if (special)
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }
}
