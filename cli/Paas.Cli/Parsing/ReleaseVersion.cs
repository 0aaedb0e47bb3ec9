using System.Globalization;

namespace Paas.Cli.Parsing;

/// <summary>Parses a release version as people write it: <c>v2</c>, <c>V2</c> or <c>2</c>.</summary>
internal static class ReleaseVersion
{
    public static int Parse(string text)
    {
        var digits = text.Trim();
        if (digits.StartsWith('v') || digits.StartsWith('V'))
        {
            digits = digits[1..];
        }

        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
        {
            throw CliException.Usage($"'{text}' is not a release version; write it like v2.");
        }

        return version;
    }

    public static string Format(int version) => "v" + version.ToString(CultureInfo.InvariantCulture);
}
