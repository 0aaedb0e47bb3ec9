using System.Text.Json;
using Paas.Cli.Git;
using Paas.Cli.Settings;
using Paas.Cli.Terminal;
using Paas.Client;

namespace Paas.Cli.Hosting;

/// <summary>
/// What a command runs against: the console, the environment, the credentials file, the platform client
/// and the current git repository. Built once per run by <see cref="CliApplication"/>.
/// </summary>
internal sealed class CliContext(
    TextWriter output,
    TextWriter error,
    TextReader input,
    bool inputIsTerminal,
    Func<string, string?> environment,
    string workingDirectory,
    HttpClient http,
    Func<Stream>? openInput = null,
    ITerminal? terminal = null)
{
    public const string DefaultUrl = "http://localhost:7000";

    private static readonly JsonSerializerOptions IndentedJson = new(PaasJson.Options) { WriteIndented = true };

    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    public TextReader In { get; } = input;

    public bool InputIsTerminal { get; } = inputIsTerminal;

    /// <summary>The terminal, for <c>paas run</c> with a TTY: <see cref="NoTerminal"/> in tests and when there is none.</summary>
    public ITerminal Terminal { get; } = terminal ?? NoTerminal.Instance;

    /// <summary>An environment variable, or null.</summary>
    public string? Variable(string name) => environment(name);

    /// <summary>
    /// Standard input as bytes, for <c>paas run</c> to forward: the console's own stream in the real program; in tests
    /// without one, what <see cref="In"/> holds, as UTF-8.
    /// </summary>
    public Stream OpenInput() => openInput?.Invoke() ?? new MemoryStream(System.Text.Encoding.UTF8.GetBytes(In.ReadToEnd()));

    public SettingsStore Store { get; } = new(HomeDirectory(environment));

    public GitRunner Git { get; } = new(workingDirectory);

    /// <summary>The directory relative paths given to a command are resolved from (the shell's current one).</summary>
    public string WorkingDirectory { get; } = workingDirectory;

    public TimeProvider Clock { get; } = TimeProvider.System;

    /// <summary>The platform URL: the one given, else <c>PAAS_URL</c>, else the logged-in one, else <see cref="DefaultUrl"/>.</summary>
    public Uri PlatformUrl(string? given = null)
    {
        var text = NonEmpty(given) ?? NonEmpty(environment("PAAS_URL")) ?? NonEmpty(Store.Load().Url) ?? DefaultUrl;
        if (!text.Contains("://", StringComparison.Ordinal))
        {
            text = "http://" + text;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw CliException.Usage($"'{text}' is not a platform URL; write it like {DefaultUrl}.");
        }

        return PaasRemote.Normalize(url);
    }

    /// <summary>The token for <paramref name="url"/>: <c>PAAS_TOKEN</c>, else the stored one when it was issued by that same platform.</summary>
    public string? TokenFor(Uri url)
    {
        if (NonEmpty(environment("PAAS_TOKEN")) is { } token)
        {
            return token;
        }

        var settings = Store.Load();
        return settings.Url is not null && SameUrl(settings.Url, url) ? NonEmpty(settings.Token) : null;
    }

    /// <summary>The username for <paramref name="url"/>, from the credentials file.</summary>
    public string? UsernameFor(Uri url)
    {
        var settings = Store.Load();
        return settings.Url is not null && SameUrl(settings.Url, url) ? NonEmpty(settings.Username) : null;
    }

    public PaasClient AnonymousClient(Uri url) => new(http, url);

    /// <summary>A client with the token; throws "not logged in" when there is none.</summary>
    public PaasClient Client()
    {
        var url = PlatformUrl();
        var token = TokenFor(url)
            ?? throw new CliException($"not logged in to {url.AbsoluteUri.TrimEnd('/')}; run `paas login {url.AbsoluteUri.TrimEnd('/')}` (or set PAAS_TOKEN).");
        return new PaasClient(http, url, token);
    }

    /// <summary>The app: the <c>--app</c> value, else the app of the <c>paas</c> git remote of the current repository.</summary>
    public async Task<string> AppAsync(string? given, CancellationToken cancellationToken)
    {
        if (NonEmpty(given) is { } app)
        {
            return app;
        }

        var remoteUrl = await Git.GetRemoteUrlAsync(PaasRemote.DefaultName, cancellationToken);
        if (PaasRemote.TryParse(remoteUrl, out var remote))
        {
            return remote.App;
        }

        throw CliException.Usage(remoteUrl is null
            ? "no app given: use -a APP, or run inside a git repository with a `paas` remote (`paas git:remote -a APP` adds one)."
            : $"the `paas` git remote ({remoteUrl}) does not name an app; use -a APP or fix it with `paas git:remote -a APP`.");
    }

    public void WriteJson<T>(T value) => Out.WriteLine(JsonSerializer.Serialize(value, IndentedJson));

    public static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    public static bool SameUrl(string stored, Uri url) =>
        Uri.TryCreate(stored, UriKind.Absolute, out var parsed)
        && Uri.Compare(PaasRemote.Normalize(parsed), url, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static string HomeDirectory(Func<string, string?> environment) =>
        NonEmpty(environment("HOME")) ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
}
