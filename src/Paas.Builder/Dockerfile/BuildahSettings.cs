using System.Text;
using System.Text.Json;

namespace Paas.Builder;

/// <summary>
/// What one Dockerfile build tells buildah beyond its arguments, from the app's config vars and the platform's registry:
/// <list type="bullet">
/// <item><c>registries.conf</c> (containers-registries.conf(5), version 2): short names (<c>FROM paas/stack:paas-22</c>,
/// <c>FROM otherapp:git-abc1234</c>) resolve to the platform's registry, reached over plain HTTP when its URL is <c>http://</c>;</item>
/// <item>the pull credentials (containers-auth.json(5), whose keys may name a repository): the pusher's own username and API token
/// for the platform's registry, so the registry's permission check decides which apps' images a <c>FROM</c> may name, exactly as for a
/// <c>podman pull</c> by that user; the platform's service credential for the stack's repository only; and the app's
/// <c>PAAS_BUILD_REGISTRY_AUTH</c> entries (<c>HOST=USER:PASSWORD</c>, separated by spaces or commas) for other registries;</item>
/// <item>the build arguments: the config vars that <c>PAAS_BUILD_ARGS</c> names (separated by spaces or commas), passed as
/// <c>--build-arg NAME</c> with the value in buildah's environment, never on a command line.</item>
/// </list>
/// </summary>
internal sealed record BuildahSettings(string RegistriesConf, string PullAuth, IReadOnlyList<string> BuildArgs, IReadOnlyDictionary<string, string> BuildArgValues)
{
    /// <summary>The config var that names the build arguments.</summary>
    public const string BuildArgsVar = Paas.Domain.ConfigVarName.BuildArgs;

    /// <summary>The config var that holds credentials for registries other than the platform's.</summary>
    public const string RegistryAuthVar = Paas.Domain.ConfigVarName.BuildRegistryAuth;

    /// <summary>The settings of a build, or the sentence that says which config var is wrong.</summary>
    /// <param name="config">The app's config vars.</param>
    /// <param name="registry">The platform's registry (<c>http://127.0.0.1:5000</c>).</param>
    /// <param name="pusher">The pusher's username and API token.</param>
    /// <param name="service">The platform's service credential (username, secret).</param>
    /// <param name="stackRepository">The stack's repository (<c>paas/stack</c>).</param>
    public static (BuildahSettings? Settings, string? Error) For(
        IReadOnlyDictionary<string, string> config, Uri registry, (string User, string Secret) pusher, (string User, string Secret) service, string stackRepository)
    {
        var host = registry.Authority;
        var auths = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            [host] = Entry(pusher),
            [$"{host}/{stackRepository}"] = Entry(service),
        };
        if (config.TryGetValue(RegistryAuthVar, out var other))
        {
            foreach (var item in Split(other))
            {
                var equals = item.IndexOf('=', StringComparison.Ordinal);
                var colon = equals < 0 ? -1 : item.IndexOf(':', equals);
                if (equals <= 0 || colon < 0 || colon == equals + 1 || colon == item.Length - 1)
                {
                    return (null, $"{RegistryAuthVar} holds '{Redact(item)}', which is not HOST=USER:PASSWORD; set it as e.g. 'registry.example.com=me:TOKEN' (paas config:set {RegistryAuthVar}=...)");
                }

                var name = item[..equals].ToLowerInvariant();
                if (name == host.ToLowerInvariant() || name.StartsWith(host.ToLowerInvariant() + "/", StringComparison.Ordinal))
                {
                    return (null, $"{RegistryAuthVar} names {name}, the platform's own registry: its images are pulled with your own sign-in, so remove that entry");
                }

                auths[name] = Entry((item[(equals + 1)..colon], item[(colon + 1)..]));
            }
        }

        var args = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (config.TryGetValue(BuildArgsVar, out var named))
        {
            foreach (var name in Split(named))
            {
                if (!config.TryGetValue(name, out var value))
                {
                    return (null, $"{BuildArgsVar} names {name}, which is not a config var of this app: set it (paas config:set {name}=...) or remove it from {BuildArgsVar}");
                }

                if (Paas.Domain.ConfigVarName.IsReadByContainerTools(name))
                {
                    return (null, $"{BuildArgsVar} names {name}, a variable buildah itself reads, so it cannot be a build argument: give the ARG another name");
                }

                args.Add(name);
                values[name] = value;
            }
        }

        var conf = new StringBuilder()
            .Append("unqualified-search-registries = [\"").Append(host).Append("\"]\n")
            .Append("short-name-mode = \"permissive\"\n\n")
            .Append("[[registry]]\nlocation = \"").Append(host).Append("\"\n")
            .Append("insecure = ").Append(registry.Scheme == Uri.UriSchemeHttp ? "true" : "false").Append('\n');
        var auth = JsonSerializer.Serialize(new Dictionary<string, object> { ["auths"] = auths });
        return (new BuildahSettings(conf.ToString(), auth, args, values), null);
    }

    /// <summary>An auth file that holds only the credential for <paramref name="repository"/> of <paramref name="registry"/> (for the push).</summary>
    public static string PushAuth(Uri registry, string repository, (string User, string Secret) credential) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["auths"] = new Dictionary<string, object> { [$"{registry.Authority}/{repository}"] = Entry(credential) } });

    private static Dictionary<string, string> Entry((string User, string Secret) credential) =>
        new() { ["auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.User + ":" + credential.Secret)) };

    private static IEnumerable<string> Split(string value) =>
        value.Split([' ', ',', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Redact(string item) => item.Contains(':', StringComparison.Ordinal) ? item[..item.IndexOf(':', StringComparison.Ordinal)] + ":..." : item;
}
