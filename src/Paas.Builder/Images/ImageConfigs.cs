using System.Globalization;
using System.Text.Json;
using Paas.Oci;

namespace Paas.Builder;

/// <summary>
/// The image config of a build (OCI image spec, "Image Configuration"). Both kinds carry the labels
/// <c>io.paas.process-types</c> (JSON object, type to command), <c>io.paas.source-sha</c> and
/// <c>org.opencontainers.image.revision</c> (the commit) and <c>io.paas.buildpacks</c>. No <c>created</c> time, so the same
/// build gives the same config digest.
/// </summary>
internal static class ImageConfigs
{
    /// <summary>
    /// A slug-only image (no stack configured): the slug's layers, <c>Cmd</c> <c>/bin/sh -c WEB</c> when there is a web type. Only
    /// the local process runtime runs it (it takes the slug and the process types from the release).
    /// </summary>
    public static ImageConfig SlugOnly(BuildRun run, string stackName) => new()
    {
        Architecture = "amd64",
        Os = "linux",
        Config = new ImageRunConfig
        {
            Env = ["PATH=/app/.heroku/node/bin:/app/bin:/app/node_modules/.bin:/usr/local/bin:/usr/bin:/bin", "HOME=/app", "STACK=" + stackName],
            WorkingDir = "/app",
            Cmd = run.ProcessTypes.TryGetValue("web", out var web) && web.Length > 0 ? ["/bin/sh", "-c", web] : null,
            Labels = Labels(run),
        },
        RootFs = new ImageRootFs { DiffIds = [.. run.SlugLayers.Select(l => l.DiffId)] },
    };

    /// <summary>
    /// An image on the stack: the stack's layers, the slug's layers, the process types layer. Runs as the stack's user
    /// (<c>1000:1000</c>) in <c>/app</c> with <c>Entrypoint [paas-launcher]</c> and <c>Cmd ["web"]</c> when there is a
    /// web type (else no Cmd: the runner names a type or a command); <c>Env</c> PATH (the slug's folders first), HOME=/app,
    /// PORT=5000 (the launcher's default too; a runtime sets its own), LANG=C.UTF-8, STACK. Architecture and OS are the
    /// stack's. Label <c>io.paas.stack</c> = <c>NAME@DIGEST</c> of the stack's manifest.
    /// </summary>
    public static ImageConfig OnStack(BuildRun run, StackImage stack, string stackName)
    {
        var labels = Labels(run);
        labels["io.paas.stack"] = $"{stack.Name}@{stack.ManifestDigest}";
        return new ImageConfig
        {
            Architecture = stack.Config.Architecture,
            Os = stack.Config.Os,
            Config = new ImageRunConfig
            {
                User = string.Create(CultureInfo.InvariantCulture, $"{StackContract.UserId}:{StackContract.UserId}"),
                Env = ["PATH=" + StackContract.Path, "HOME=/app", "PORT=5000", "LANG=C.UTF-8", "STACK=" + stackName],
                Entrypoint = [StackContract.Launcher],
                Cmd = run.ProcessTypes.ContainsKey("web") ? ["web"] : null,
                WorkingDir = "/app",
                Labels = labels,
            },
            RootFs = new ImageRootFs { DiffIds = [.. stack.Config.RootFs.DiffIds, .. run.SlugLayers.Select(l => l.DiffId), run.TypesDiffId] },
        };
    }

    private static Dictionary<string, string> Labels(BuildRun run) => new(StringComparer.Ordinal)
    {
        ["io.paas.process-types"] = JsonSerializer.Serialize(run.ProcessTypes),
        ["io.paas.source-sha"] = run.Sha,
        ["org.opencontainers.image.revision"] = run.Sha,
        ["io.paas.buildpacks"] = string.Join(",", run.Buildpacks.Select(b => b.Name)),
    };
}
