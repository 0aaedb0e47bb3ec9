using System.Diagnostics.CodeAnalysis;

namespace Paas.Cli.Git;

/// <summary>
/// The <c>paas</c> git remote of an app: <c>http(s)://HOST[:PORT][/PREFIX]/APP.git</c>, served by the builder
/// on the API port. Maps between that URL, the platform URL and the app name.
/// </summary>
internal sealed record PaasRemote(Uri PlatformUrl, string App)
{
    public const string DefaultName = "paas";

    /// <summary>The remote URL: the platform URL followed by <c>/APP.git</c>.</summary>
    public string GitUrl => PlatformUrl.AbsoluteUri.TrimEnd('/') + "/" + App + ".git";

    public static PaasRemote For(Uri platformUrl, string app) => new(Normalize(platformUrl), app);

    /// <summary>Parses a remote URL; false for anything that is not an http(s) URL whose last segment names an app.</summary>
    public static bool TryParse(string? remoteUrl, [NotNullWhen(true)] out PaasRemote? remote)
    {
        remote = null;
        if (string.IsNullOrWhiteSpace(remoteUrl)
            || !Uri.TryCreate(remoteUrl.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return false;
        }

        var path = uri.AbsolutePath.TrimEnd('/');
        var slash = path.LastIndexOf('/');
        var last = path[(slash + 1)..];
        if (last.EndsWith(".git", StringComparison.Ordinal))
        {
            last = last[..^4];
        }

        if (last.Length == 0 || !IsAppName(last))
        {
            return false;
        }

        var prefix = path[..slash];
        var platform = new UriBuilder(uri.Scheme, uri.Host, uri.Port, prefix.Length == 0 ? "/" : prefix).Uri;
        remote = new PaasRemote(Normalize(platform), last);
        return true;
    }

    /// <summary>The scheme, host, port and path of a platform URL, without user info, query or trailing slash.</summary>
    public static Uri Normalize(Uri platformUrl)
    {
        var builder = new UriBuilder(platformUrl) { UserName = "", Password = "", Query = "", Fragment = "" };
        builder.Path = builder.Path.TrimEnd('/');
        return builder.Uri;
    }

    private static bool IsAppName(string name) =>
        name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or (>= 'A' and <= 'Z') or '_' or '.');
}
