using Paas.Domain;

namespace Paas.Cli.Parsing;

/// <summary>One <c>KEY=value</c> argument of <c>config:set</c>; the value may hold further '=' and be empty.</summary>
internal sealed record ConfigAssignment(string Key, string Value)
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

    /// <summary>Checks a config var name by the platform's rule (<see cref="ConfigVarName.Validate"/>: a POSIX environment name, not one the platform sets itself).</summary>
    /// <exception cref="CliException">A usage error saying why the name is refused.</exception>
    public static string ValidateKey(string key) =>
        ConfigVarName.Validate(key) is { } why ? throw CliException.Usage(why + ".") : key;
}
