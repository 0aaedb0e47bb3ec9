using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Paas.Testing.Ldap;

/// <summary>
/// What the directory test servers (<see cref="SlapdServer"/>, <see cref="SambaDomainController"/>) do alike with the server
/// process they run: stop it politely, kill it when the test process exits, keep its recent output, wait for its port, and
/// remove their folder.
/// </summary>
internal static class DirectoryProcess
{
    private const int Sigterm = 15;

    /// <summary>SIGTERM, then a kill after 10 s; disposes <paramref name="process"/>.</summary>
    /// <param name="process">The server process.</param>
    /// <param name="wholeTree">Whether the kill takes its children too (Samba forks workers).</param>
    /// <returns>A task completing once it has exited.</returns>
    public static async Task StopAsync(Process process, bool wholeTree)
    {
        using (process)
        {
            if (process.HasExited)
            {
                return;
            }

            _ = Kill(process.Id, Sigterm);
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(wholeTree);
                await process.WaitForExitAsync();
            }
        }
    }

    /// <summary>Kills <paramref name="process"/> at once and waits up to 5 s (when the test process exits); nothing when it has exited.</summary>
    /// <param name="process">The server process, or null.</param>
    /// <param name="wholeTree">Whether its children go too.</param>
    public static void KillNow(Process? process, bool wholeTree)
    {
        try
        {
            process?.Kill(wholeTree);
            process?.WaitForExit(5_000);
        }
        catch (InvalidOperationException)
        {
            // already exited
        }
    }

    /// <summary>Keeps <paramref name="line"/> among the last 200 lines of <paramref name="log"/>.</summary>
    /// <param name="log">The server's recent output.</param>
    /// <param name="line">A line it wrote, or null at the end of its output.</param>
    public static void Remember(ConcurrentQueue<string> log, string? line)
    {
        if (line is null)
        {
            return;
        }

        log.Enqueue(line);
        while (log.Count > 200 && log.TryDequeue(out _))
        {
        }
    }

    /// <summary>Whether a TCP connection to <paramref name="endpoint"/> is accepted.</summary>
    public static async Task<bool> AcceptsAsync(IPEndPoint endpoint)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(endpoint);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Deletes <paramref name="folder"/>, best effort (it is in the temp directory).</summary>
    public static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // best effort: the folder is in the temp directory
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
