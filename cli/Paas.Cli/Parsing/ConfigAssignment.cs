using System.Text.RegularExpressions;

namespace Paas.Cli.Parsing;

/// <summary>One <c>KEY=value</c> argument of <c>config:set</c>; the value may hold further '=' and be empty.</summary>
internal sealed partial record ConfigAssignment(string Key, string Value)
{
    public static ConfigAssignment Parse(string argument)
    {
        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw CliException.Usage($"'{argument}' is not KEY=value; write it like GREETING=hello.");
        }

        var key = argument[..equals];
        ValidateKey(key);
        return new ConfigAssignment(key, argument[(equals + 1)..]);
    }

    /// <summary>Checks a config var name is a POSIX environment name, as the platform requires.</summary>
    public static string ValidateKey(string key)
    {
        if (!KeyPattern().IsMatch(key))
        {
            throw CliException.Usage($"'{key}' is not a valid config var name: use letters, digits and '_', not starting with a digit.");
        }

        return key;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex KeyPattern();
}
