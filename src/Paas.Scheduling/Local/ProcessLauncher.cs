using System.Diagnostics;
using System.Globalization;

namespace Paas.Scheduling.Local;

/// <summary>
/// Starts one process of a release the way Heroku starts a dyno: <c>setsid bash -c WRAPPER</c> in the slug's app folder,
/// so the process leads its own process group; the wrapper sources <c>.profile.d/*.sh</c>, then runs the command with
/// <c>bash -c</c>. The environment is built from scratch (nothing of the platform's own environment leaks in).
/// </summary>
internal static class ProcessLauncher
{
    private const string Wrapper = "for f in .profile.d/*.sh; do if [ -r \"$f\" ]; then . \"$f\"; fi; done; exec bash -c \"$1\"";

    public static Process Start(ReleaseContext context, string name, string command, int? port, bool redirectInput)
    {
        var spec = context.Spec;
        var app = context.AppDirectory;
        var start = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = app,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add("bash");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Wrapper);
        start.ArgumentList.Add("paas-" + name);
        start.ArgumentList.Add(command);

        var env = start.Environment;
        env.Clear();
        env["PATH"] = $"{app}/bin:{app}/.heroku/node/bin:{app}/.heroku/python/bin:{context.Options.SystemPath}";
        env["LANG"] = "C.UTF-8";
        foreach (var (key, value) in spec.Config)
        {
            env[key] = value;
        }

        env["HOME"] = app;
        env["DYNO"] = name;
        env["PS"] = name;
        env["PAAS_APP"] = spec.App;
        env["PAAS_RELEASE"] = "v" + spec.Release.ToString(CultureInfo.InvariantCulture);
        if (spec.SourceVersion is not null)
        {
            env["SOURCE_VERSION"] = spec.SourceVersion;
        }

        if (port is not null)
        {
            env["PORT"] = port.Value.ToString(CultureInfo.InvariantCulture);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("setsid did not start");
        if (!redirectInput)
        {
            process.StandardInput.Close();
        }

        return process;
    }

    /// <summary>Copies each line the process writes (both streams) to <paramref name="sink"/>; completes when both streams end.</summary>
    public static Task PumpAsync(Process process, Func<string, ValueTask> sink) =>
        Task.WhenAll(Pump(process.StandardOutput, sink), Pump(process.StandardError, sink));

    private static async Task Pump(StreamReader reader, Func<string, ValueTask> sink)
    {
        try
        {
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                await sink(line).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // the process is gone
        }
    }
}
