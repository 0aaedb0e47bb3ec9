using System.Text.RegularExpressions;

namespace Paas.Domain;

/// <summary>
/// The rule for config var names: POSIX environment variable names (IEEE Std 1003.1-2017, section 8.1:
/// letters, digits and '_', not starting with a digit), at most 256 characters. Names the runtime sets
/// itself for every process (<c>PORT</c>, <c>DYNO</c>, <c>PS</c>, <c>PAAS_*</c> but the <see cref="BuildSettings"/>) are refused, as Heroku
/// refuses to let an app override them (<see cref="IsReserved"/>). The release metadata the platform also sets
/// (<c>SOURCE_VERSION</c>, Heroku's dyno metadata <c>HEROKU_*</c>, Deis Workflow's <c>WORKFLOW_RELEASE*</c>) are not
/// reserved: a config var of one of those names replaces the platform's value, as in Deis Workflow (Paas.Scheduling's
/// <c>DynoEnvironment</c> applies both rules).
/// </summary>
public static partial class ConfigVarName
{
    /// <summary>The longest name, in characters.</summary>
    public const int MaxLength = 256;

    private static readonly HashSet<string> RuntimeNames = new(StringComparer.Ordinal) { "PORT", "DYNO", "PS" };

    /// <summary>
    /// The <c>PAAS_*</c> names an app sets to steer its builds, the only ones not reserved: <c>PAAS_BUILDER</c>
    /// (<c>dockerfile</c> or <c>buildpacks</c>), <c>PAAS_BUILD_ARGS</c> (the config vars a Dockerfile build passes as build
    /// arguments) and <c>PAAS_BUILD_REGISTRY_AUTH</c> (<c>HOST=USER:PASSWORD</c> for the registries a Dockerfile's
    /// <c>FROM</c> names). Like <c>BUILDPACK_URL</c> on Heroku, processes see them as any config var.
    /// </summary>
    public static readonly IReadOnlySet<string> BuildSettings = new HashSet<string>(StringComparer.Ordinal) { Builder, BuildArgs, BuildRegistryAuth };

    /// <summary><c>PAAS_BUILDER</c>: how the app is built, <c>dockerfile</c> or <c>buildpacks</c>; unset, buildpacks are detected and the Dockerfile used when none matches.</summary>
    public const string Builder = "PAAS_BUILDER";

    /// <summary><c>PAAS_BUILD_ARGS</c>: the config vars (separated by spaces or commas) a Dockerfile build passes as <c>--build-arg</c>.</summary>
    public const string BuildArgs = "PAAS_BUILD_ARGS";

    /// <summary><c>PAAS_BUILD_REGISTRY_AUTH</c>: <c>HOST=USER:PASSWORD</c> entries for registries other than the platform's that a Dockerfile's <c>FROM</c> names.</summary>
    public const string BuildRegistryAuth = "PAAS_BUILD_REGISTRY_AUTH";

    private static readonly string[] ContainerToolNames =
    [
        "PATH", "HOME", "TMPDIR", "SHELL", "NOTIFY_SOCKET", "REGISTRY_AUTH_FILE", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "FTP_PROXY",
        "GODEBUG", "GOGC", "GOMAXPROCS", "GOMEMLIMIT", "GOTRACEBACK", "GORACE", // the Go runtime's (pkg.go.dev/runtime)
    ];

    private static readonly string[] ContainerToolPrefixes = ["PODMAN_", "BUILDAH_", "CONTAINERS_", "_CONTAINERS_", "STORAGE_", "XDG_", "LD_", "DBUS_"];

    /// <summary>
    /// Whether the containers tools (podman, buildah: github.com/containers, Go programs) read <paramref name="name"/> from
    /// their own environment and change what they do: where they keep images and credentials (<c>CONTAINERS_*</c>,
    /// <c>STORAGE_*</c>, <c>XDG_*</c>, <c>REGISTRY_AUTH_FILE</c>, <c>HOME</c>), which proxy their pulls go through
    /// (<c>HTTP_PROXY</c>... in either case, as Go reads both), how they load and run (<c>LD_*</c>, the Go runtime's
    /// <c>GODEBUG</c>, <c>GOGC</c>...), or their own
    /// settings (<c>PODMAN_*</c>, <c>BUILDAH_*</c>, <c>NOTIFY_SOCKET</c>). An app's config var of such a name must never reach
    /// the tools' environment: podman passes it through a private env-file, buildah refuses it as a build argument.
    /// Compared without regard to case.
    /// </summary>
    /// <param name="name">An environment variable name.</param>
    /// <returns>True when the tools read it.</returns>
    public static bool IsReadByContainerTools(string name) =>
        ContainerToolNames.Contains(name, StringComparer.OrdinalIgnoreCase)
        || ContainerToolPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>Checks <paramref name="name"/>.</summary>
    /// <param name="name">The candidate name.</param>
    /// <returns>Null when valid, otherwise why not.</returns>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "a config var name cannot be empty";
        }

        if (name.Length > MaxLength || !Pattern().IsMatch(name))
        {
            return $"'{Shorten(name)}' is not a valid config var name: use letters, digits and '_', not starting with a digit (POSIX environment names)";
        }

        if (IsReserved(name))
        {
            return $"'{name}' is set by the platform for every process and cannot be changed";
        }

        return null;
    }

    /// <summary>
    /// Whether the runtime sets <paramref name="name"/> for every process and no config var may:
    /// <c>PORT</c>, <c>DYNO</c>, <c>PS</c> and every <c>PAAS_*</c> name but the <see cref="BuildSettings"/> (case-sensitive, as
    /// environment names are).
    /// </summary>
    /// <param name="name">A variable name.</param>
    /// <returns>True for a name the platform owns.</returns>
    public static bool IsReserved(string name) => RuntimeNames.Contains(name) || (name.StartsWith("PAAS_", StringComparison.Ordinal) && !BuildSettings.Contains(name));

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..37] + "...";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
