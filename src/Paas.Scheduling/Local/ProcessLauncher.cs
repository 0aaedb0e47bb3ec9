using System.Diagnostics;
using System.Globalization;

namespace Paas.Scheduling.Local;

/// <summary>
/// Starts one process of a release the way Heroku starts a dyno: <c>setsid bash -c WRAPPER</c> in the slug's app folder,
/// so the process leads its own process group; the wrapper sources <c>.profile.d/*.sh</c>, then runs the command with
/// <c>bash -c</c>. The environment is built from scratch (nothing of the platform's own environment leaks in).
/// When the release has an <see cref="AppUser"/> (the platform runs as root), the process is confined first:
/// <c>setsid unshare -m sh -c 'mount --bind SLUG /app; mount -t tmpfs tmpfs DATA_DIR; cd /app; exec setpriv --reuid UID
/// --regid GID --clear-groups --no-new-privs bash -c WRAPPER'</c>: it sees its slug at <c>/app</c>, cannot see the data
/// folder (database, registry, other slugs, service token), gets its own empty <c>/tmp</c>, <c>/var/tmp</c> and
/// <c>/dev/shm</c> (tmpfs, 256 MB each), and runs as the app's user. Every step execs, so the pid
/// stays the process group leader.
/// </summary>
internal static class ProcessLauncher
{
    private const string Confine =
        "mount --bind \"$0\" \"$1\" && mount -t tmpfs -o size=64k,mode=0755 tmpfs \"$2\" && " +
        "for t in /tmp /var/tmp /dev/shm; do if [ -d $t ]; then mount -t tmpfs -o size=256m,mode=1777 tmpfs $t || exit 1; fi; done && cd \"$1\" && " +
        "exec setpriv --reuid \"$3\" --regid \"$4\" --clear-groups --no-new-privs bash -c \"$5\" \"$6\" \"$7\"";

    private const string Wrapper = "for f in .profile.d/*.sh; do if [ -r \"$f\" ]; then . \"$f\"; fi; done; exec bash -c \"$1\"";

    public static Process Start(ReleaseContext context, string name, string command, int? port, bool redirectInput)
    {
        var spec = context.Spec;
        var user = context.User;
        var app = user is null ? context.AppDirectory : context.Options.AppMountPoint;
        var start = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = context.AppDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        if (user is null)
        {
            start.ArgumentList.Add("bash");
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(Wrapper);
            start.ArgumentList.Add("paas-" + name);
            start.ArgumentList.Add(command);
        }
        else
        {
            foreach (var arg in (string[])["unshare", "-m", "--propagation", "private", "sh", "-c", Confine,
                context.AppDirectory, app, Path.GetFullPath(context.Options.DataDirectory),
                user.Uid.ToString(CultureInfo.InvariantCulture), user.Gid.ToString(CultureInfo.InvariantCulture),
                Wrapper, "paas-" + name, command])
            {
                start.ArgumentList.Add(arg);
            }
        }

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

    /// <summary>
    /// Copies what the process writes to <paramref name="sink"/> as raw chunks, one per read of each pipe (so partial lines
    /// arrive at once); completes when both streams end. The chunk's buffer is reused once the sink's task completes.
    /// </summary>
    public static Task PumpChunksAsync(Process process, Func<RunOutputChunk, ValueTask> sink) =>
        Task.WhenAll(
            PumpChunks(process.StandardOutput.BaseStream, RunOutputStream.StandardOutput, sink),
            PumpChunks(process.StandardError.BaseStream, RunOutputStream.StandardError, sink));

    private static async Task PumpChunks(Stream pipe, RunOutputStream stream, Func<RunOutputChunk, ValueTask> sink)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await pipe.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                await sink(new RunOutputChunk(stream, buffer.AsMemory(0, read))).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // the process is gone
        }
    }

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
