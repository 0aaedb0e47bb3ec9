using System.Text;

namespace Paas.Cli.Output;

/// <summary>
/// <c>KEY: value</c> lines with the values aligned, as Heroku prints config vars and app info:
/// <code>
/// A:        1
/// GREETING: hello
/// </code>
/// </summary>
internal static class KeyValueList
{
    public static string Format(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var list = pairs.ToList();
        if (list.Count == 0)
        {
            return "";
        }

        var width = list.Max(p => p.Key.Length) + 1;
        var text = new StringBuilder();
        foreach (var (key, value) in list)
        {
            text.Append((key + ":").PadRight(width)).Append(' ').Append(value).Append('\n');
        }

        return text.ToString();
    }

    public static string Heading(string title) => "=== " + title + "\n";
}
