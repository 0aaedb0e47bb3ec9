using System.Diagnostics;

namespace Paas.Builder;

/// <summary>Runs the real <c>git</c> program, streaming its standard input and output.</summary>
internal static class GitCommand
{
    /// <summary>
    /// Runs <c>git ARGS</c>; copies <paramref name="input"/> to its stdin and its stdout to <paramref name="output"/>, flushing
    /// each chunk. When <paramref name="cancellationToken"/> fires, or anything else ends the copying early, git's whole
    /// process tree is killed and waited for (at most 10 s) before this returns or throws.
    /// </summary>
    /// <returns>The exit code and what git wrote to stderr (at most 4 KB kept).</returns>
    public static async Task<(int ExitCode, string Error)> RunAsync(
        IEnumerable<string> args,
        Stream? input,
        Stream output,
        IReadOnlyDictionary<string, string>? environment = null,
        CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("git could not be started");
        // A client that goes away ends git and what it started: a receive-pack's pre-receive hook and its callback, whose
        // end is how a running build learns that its push was cancelled (BuildCallbackApi).
        using var kill = cancellationToken.Register(() => Kill(process));
        try
        {
            return await PumpAsync(process, input, output, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Whatever ended the pump early (the client gone, the response failing), git must not outlive it: killed, and
            // waited for, so the caller's clean-up (the push's folder) runs after git and its hook are gone.
            if (!process.HasExited)
            {
                Kill(process);
                try
                {
                    await process.WaitForExitAsync(CancellationToken.None).WaitAsync(KillWait).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    // stuck in the kernel (an unreachable disk): the caller goes on, the OS reaps it later
                }
            }
        }
    }

    /// <summary>How long a killed git is waited for before the caller goes on regardless.</summary>
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);

    private static async Task<(int ExitCode, string Error)> PumpAsync(Process process, Stream? input, Stream output, CancellationToken cancellationToken)
    {
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        var feed = Task.Run(
            async () =>
            {
                try
                {
                    if (input is not null)
                    {
                        await input.CopyToAsync(process.StandardInput.BaseStream, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (IOException)
                {
                    // git stopped reading (it failed); its exit code tells why
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
            },
            cancellationToken);
        var buffer = new byte[64 * 1024];
        var stdout = process.StandardOutput.BaseStream;
        int read;
        while ((read = await stdout.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        await feed.ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var text = await error.ConfigureAwait(false);
        return (process.ExitCode, text.Length > 4096 ? text[..4096] : text);
    }

    /// <summary>Kills git and every process it started (index-pack, the pre-receive hook, its curl).</summary>
    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // already ended
        }
    }

    /// <summary>Runs <c>git ARGS</c> with no input and collects its output as text.</summary>
    /// <returns>The exit code, stdout and stderr.</returns>
    public static async Task<(int ExitCode, string Output, string Error)> CaptureAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        using var output = new MemoryStream();
        var (code, error) = await RunAsync(args, null, output, environment, cancellationToken).ConfigureAwait(false);
        return (code, System.Text.Encoding.UTF8.GetString(output.ToArray()), error);
    }
}
