using System.Globalization;
using Paas.Domain;

namespace Paas.Scheduling;

/// <summary>
/// The one rule for the environment the platform gives every process of a release, on every runtime (local processes,
/// podman, Kubernetes pods). In this order:
/// <list type="table">
/// <item><term><c>PORT</c></term><description>the port to listen on, when the process has one</description></item>
/// <item><term><c>DYNO</c>, <c>PS</c></term><description>the process's name (<c>web.1</c>; a pod's name on Kubernetes)</description></item>
/// <item><term><c>PAAS_APP</c>, <c>PAAS_RELEASE</c></term><description>the app's name and the release (<c>v12</c>)</description></item>
/// <item><term><c>SOURCE_VERSION</c></term><description>the build's git commit, when it came from git</description></item>
/// <item><term><c>HEROKU_APP_ID</c>, <c>HEROKU_APP_NAME</c>, <c>HEROKU_DYNO_ID</c>, <c>HEROKU_RELEASE_CREATED_AT</c>
/// (<c>2026-12-06T17:00:42Z</c>), <c>HEROKU_RELEASE_VERSION</c> (<c>v12</c>), <c>HEROKU_SLUG_COMMIT</c>,
/// <c>HEROKU_SLUG_DESCRIPTION</c> (<c>Deploy 1a2b3c4</c>)</term>
/// <description>Heroku's dyno metadata (Heroku Dev Center, "Dyno Metadata": the <c>runtime-dyno-metadata</c> labs
/// feature), each when known</description></item>
/// <item><term><c>WORKFLOW_RELEASE</c> (<c>v12</c>), <c>WORKFLOW_RELEASE_SUMMARY</c> (<c>alice deployed 1a2b3c4</c>),
/// <c>WORKFLOW_RELEASE_CREATED_AT</c> (<c>2026-12-06T17:00:42UTC</c>)</term>
/// <description>what Deis Workflow's controller sets for every container (its <c>DEIS_DATETIME_FORMAT</c>,
/// <c>%Y-%m-%dT%H:%M:%S%Z</c>)</description></item>
/// </list>
/// Precedence: the release's config vars come first; the names the platform owns (<see cref="ConfigVarName.IsReserved"/>:
/// <c>PORT</c>, <c>DYNO</c>, <c>PS</c>, <c>PAAS_*</c>, which no config var can have) are always set; every other name here
/// is release metadata, and a config var of the same name wins over it (Deis Workflow's rule: it merges the config over
/// these defaults; an app moved from Heroku that set <c>HEROKU_APP_NAME</c> by hand keeps its value).
/// </summary>
public static class DynoEnvironment
{
    /// <summary>The port a web process listens on.</summary>
    public const string Port = "PORT";

    /// <summary>The process's name (Heroku).</summary>
    public const string Dyno = "DYNO";

    /// <summary>The process's name (Heroku's older name for <see cref="Dyno"/>).</summary>
    public const string Ps = "PS";

    /// <summary>The Heroku dyno metadata name of the id unique to each start of a process.</summary>
    public const string HerokuDynoId = "HEROKU_DYNO_ID";

    /// <summary>Deis Workflow's release version variable (<c>v12</c>).</summary>
    public const string WorkflowRelease = "WORKFLOW_RELEASE";

    /// <summary>The variables of a process of <paramref name="spec"/>, in order, without the metadata its config sets.</summary>
    /// <param name="spec">The release.</param>
    /// <param name="port">The process's <c>PORT</c>, or null for none.</param>
    /// <returns>The variables; the runtime resolves <see cref="DynoValueSource.DynoName"/> and <see cref="DynoValueSource.DynoId"/>.</returns>
    public static IReadOnlyList<DynoVariable> Variables(DeploymentSpec spec, int? port)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var version = "v" + spec.Release.ToString(CultureInfo.InvariantCulture);
        var sha = spec.SourceVersion is { Length: > 0 } s ? s : null;
        var all = new List<DynoVariable>(18);
        if (port is not null)
        {
            all.Add(new(Port, DynoValueSource.Release, port.Value.ToString(CultureInfo.InvariantCulture)));
        }

        all.Add(new(Dyno, DynoValueSource.DynoName));
        all.Add(new(Ps, DynoValueSource.DynoName));
        all.Add(new("PAAS_APP", DynoValueSource.Release, spec.App));
        all.Add(new("PAAS_RELEASE", DynoValueSource.Release, version));
        Add(all, "SOURCE_VERSION", sha);
        Add(all, "HEROKU_APP_ID", spec.AppId);
        Add(all, "HEROKU_APP_NAME", spec.App);
        all.Add(new(HerokuDynoId, DynoValueSource.DynoId));
        Add(all, "HEROKU_RELEASE_CREATED_AT", spec.ReleaseCreatedAt?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        Add(all, "HEROKU_RELEASE_VERSION", version);
        Add(all, "HEROKU_SLUG_COMMIT", sha);
        Add(all, "HEROKU_SLUG_DESCRIPTION", "Deploy " + (sha is null ? spec.Image : sha[..Math.Min(7, sha.Length)]));
        Add(all, WorkflowRelease, version);
        Add(all, "WORKFLOW_RELEASE_SUMMARY", spec.ReleaseSummary);
        Add(all, "WORKFLOW_RELEASE_CREATED_AT", spec.ReleaseCreatedAt?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'UTC'", CultureInfo.InvariantCulture));
        return all.Where(v => ConfigVarName.IsReserved(v.Name) || !spec.Config.ContainsKey(v.Name)).ToList();
    }

    /// <summary>
    /// The whole environment of one process for a runtime that knows its name and id when it starts it: the config vars,
    /// then <see cref="Variables"/> with their values.
    /// </summary>
    /// <param name="spec">The release.</param>
    /// <param name="dyno">The process's name (<c>web.1</c>).</param>
    /// <param name="dynoId">The id of this start of it (a new UUID per start).</param>
    /// <param name="port">The process's <c>PORT</c>, or null for none.</param>
    /// <returns>Name to value, in that order (config vars first).</returns>
    public static IReadOnlyList<KeyValuePair<string, string>> Resolve(DeploymentSpec spec, string dyno, string dynoId, int? port)
    {
        var variables = Variables(spec, port);
        var platform = variables.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        var env = spec.Config.Where(c => !platform.Contains(c.Key)).ToList();
        foreach (var variable in variables)
        {
            var value = variable.Source switch
            {
                DynoValueSource.DynoName => dyno,
                DynoValueSource.DynoId => dynoId,
                _ => variable.Value,
            };
            env.Add(new(variable.Name, value));
        }

        return env;
    }

    private static void Add(List<DynoVariable> all, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            all.Add(new(name, DynoValueSource.Release, value));
        }
    }
}
