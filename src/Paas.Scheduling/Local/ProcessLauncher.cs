using System.Diagnostics;
using System.Globalization;

namespace Paas.Scheduling.Local;

/// <summary>
/// Starts one process of a release the way Heroku starts a dyno: <c>env --default-signal setsid bash -c WRAPPER</c> in the
/// slug's app folder, so the process leads its own process group with every signal's default handling (whatever paasd
/// inherited); the wrapper sources <c>.profile.d/*.sh</c>, then runs the command with
/// <c>bash -c</c>. The environment is built from scratch (nothing of the platform's own environment leaks in): <c>PATH</c>,
/// <c>LANG</c>, then <see cref="DynoEnvironment.Resolve"/> (config vars and the platform's variables; <c>HEROKU_DYNO_ID</c> is a
/// new UUID per start), then <c>HOME</c> and, with a terminal, <c>TERM</c>.
/// When the release has an <see cref="SystemUser"/> (the platform runs as root), the process is confined first:
/// <c>setsid unshare -m sh -c 'mount --bind SLUG /app; mount -t tmpfs tmpfs DATA_DIR; cd /app; exec setpriv --reuid UID
/// --regid GID --clear-groups --no-new-privs bash -c WRAPPER'</c>: it sees its slug at <c>/app</c>, cannot see the data
/// folder (database, registry, other slugs, service token), gets its own empty <c>/tmp</c>, <c>/var/tmp</c> and
/// <c>/dev/shm</c> (tmpfs, 256 MB each), and runs as the app's user. Every step execs, so the pid
/// stays the process group leader.
/// With a terminal (a one-off run with a TTY), <c>sh -c 'exec setsid --ctty ... &lt;PTS &gt;PTS 2&gt;&amp;1' PTS</c> comes
/// first: the process's standard streams are the pseudo-terminal's slave, which becomes its controlling terminal, and
/// <c>TERM</c> is the terminal's type. A confined process keeps the slave it was given (owned by root, mode 0620): its
/// streams and <c>/dev/tty</c> work, reopening <c>/dev/pts/N</c> by name does not.
/// </summary>
internal static class ProcessLauncher
{
    private const string Confine =
        "mount --bind \"$0\" \"$1\" && mount -t tmpfs -o size=64k,mode=0755 tmpfs \"$2\" && " +
        "for t in /tmp /var/tmp /dev/shm; do if [ -d $t ]; then mount -t tmpfs -o size=256m,mode=1777 tmpfs $t || exit 1; fi; done && cd \"$1\" && " +
        "exec setpriv --reuid \"$3\" --regid \"$4\" --clear-groups --no-new-privs bash -c \"$5\" \"$6\" \"$7\"";

    private const string Wrapper = "for f in .profile.d/*.sh; do if [ -r \"$f\" ]; then . \"$f\"; fi; done; exec bash -c \"$1\"";

    /// <summary>Starts the process.</summary>
    /// <param name="context">The release's slug, user and options.</param>
    /// <param name="name">The process name (<c>web.1</c>, <c>run.4821</c>).</param>
    /// <param name="command">The command.</param>
    /// <param name="port">Its <c>PORT</c>, or null.</param>
    /// <param name="redirectInput">Whether the caller writes its standard input (else it is closed at once).</param>
    /// <param name="terminal">A pseudo-terminal to run on (its slave's path and the <c>TERM</c>), or null for pipes.</param>
    /// <returns>The process; with a terminal its pipes stay silent unless the shell cannot open the terminal.</returns>
    public static Process Start(ReleaseContext context, string name, string command, int? port, bool redirectInput, (string Path, string Type)? terminal = null)
    {
        var spec = context.Spec;
        var user = context.User;
        var app = user is null ? context.AppDirectory : context.Options.AppMountPoint;
        // env --default-signal first: a paasd started with SIGINT and SIGQUIT ignored (from a script's background job, or
        // nohup) would hand that on through exec, and Ctrl+C in `paas run` or a SIGINT to stop a process would do nothing.
        var start = new ProcessStartInfo("env")
        {
            WorkingDirectory = context.AppDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add("--default-signal");
        start.ArgumentList.Add(terminal is null ? "setsid" : "sh");
        if (terminal is { } tty)
        {
            foreach (var arg in (string[])["-c", PseudoTerminal.AttachScript, tty.Path])
            {
                start.ArgumentList.Add(arg);
            }
        }

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
        foreach (var (key, value) in EnvironmentFor(spec, name, port, app, context.Options.SystemPath))
        {
            env[key] = value;
        }

        if (terminal is { } type)
        {
            env["TERM"] = type.Type;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("setsid did not start");
        if (!redirectInput)
        {
            process.StandardInput.Close();
        }

        return process;
    }

    /// <summary>
    /// The environment of one process of a release, built from scratch, for every runtime that runs a slug's processes (the
    /// local runtime's processes and podman's containers): <c>PATH</c> (the slug's <c>bin</c> folders, then
    /// <paramref name="systemPath"/>), <c>LANG</c>, then <see cref="DynoEnvironment.Resolve"/> (config vars and the
    /// platform's variables; <c>HEROKU_DYNO_ID</c> a fresh id per start), then <c>HOME</c>.
    /// </summary>
    /// <param name="spec">The release.</param>
    /// <param name="name">The process name (<c>web.1</c>, <c>run.4821</c>).</param>
    /// <param name="port">Its <c>PORT</c>, or null (not a web process).</param>
    /// <param name="app">Where the process sees its slug (its <c>HOME</c>): the slug folder, or <c>/app</c> when confined or in a container.</param>
    /// <param name="systemPath">The <c>PATH</c> after the slug's own folders.</param>
    /// <returns>Variable name to value.</returns>
    public static Dictionary<string, string> EnvironmentFor(DeploymentSpec spec, string name, int? port, string app, string systemPath)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = $"{app}/bin:{app}/.heroku/node/bin:{app}/.heroku/python/bin:{systemPath}",
            ["LANG"] = "C.UTF-8",
        };
        foreach (var (key, value) in DynoEnvironment.Resolve(spec, name, Guid.NewGuid().ToString(), port))
        {
            env[key] = value;
        }

        env["HOME"] = app;
        return env;
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

    /// <summary>Hands one piece of a run's output to its caller; a caller gone (or the run's time limit passed) is not an error: the process is being ended.</summary>
    public static async ValueTask DeliverAsync(Func<ValueTask> send)
    {
        try
        {
            await send().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // the caller went away or the time limit passed; the process is being killed
        }
    }

    /// <summary>Copies a run's standard input to the process until either ends, then closes the process's input (end of file).</summary>
    public static async Task ForwardInputAsync(Stream input, Process process, CancellationToken cancellationToken)
    {
        try
        {
            await input.CopyToAsync(process.StandardInput.BaseStream, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // the process ended first
        }
        finally
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // already gone
            }
        }
    }
}
