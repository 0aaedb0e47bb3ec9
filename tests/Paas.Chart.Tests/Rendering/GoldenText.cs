using System.Text;
using System.Text.RegularExpressions;

namespace Paas.Chart.Tests.Rendering;

/// <summary>
/// helm's output with the values the chart generates at random (the service token, the secret keys and the database password, new on
/// every render without a cluster) replaced by placeholders, so that a golden file stays the same from run to run. The
/// bundled database's connection string is shown decoded, with its password replaced.
/// </summary>
internal static partial class GoldenText
{
    public const string Placeholder = "<generated>";

    public static string Normalize(string text)
    {
        var documents = text.Split("\n---\n");
        for (var i = 0; i < documents.Length; i++)
        {
            if (documents[i].Contains("\nkind: Secret\n", StringComparison.Ordinal))
            {
                documents[i] = Secret(documents[i]);
            }
        }

        return string.Join("\n---\n", documents);
    }

    private static string Secret(string document)
    {
        var password = Value().Matches(document).FirstOrDefault(m => m.Groups["key"].Value == "password") is { } p ? Decode(p.Groups["value"].Value) : null;
        return Value().Replace(document, m => m.Groups["key"].Value switch
        {
            "service-token" or "password" or "secret-keys" => $"{m.Groups["indent"].Value}{m.Groups["key"].Value}: \"{Placeholder}\"",
            "connection-string" when password is not null =>
                $"{m.Groups["indent"].Value}connection-string: \"base64:{Decode(m.Groups["value"].Value).Replace("Password=" + password + ";", $"Password={Placeholder};", StringComparison.Ordinal)}\"",
            _ => m.Value,
        });
    }

    private static string Decode(string base64) => Encoding.UTF8.GetString(Convert.FromBase64String(base64));

    [GeneratedRegex("^(?<indent>  )(?<key>service-token|secret-keys|password|connection-string): \"(?<value>[A-Za-z0-9+/=]*)\"$", RegexOptions.Multiline)]
    private static partial Regex Value();
}
