using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Paas.Scheduling.Local;

/// <summary>
/// A Unix98 pseudo-terminal for a one-off run with a TTY (Linux; the local runtime needs Linux anyway):
/// the platform holds the master (<c>posix_openpt</c>, <c>grantpt</c>, <c>unlockpt</c>, <c>ptsname_r</c>, all POSIX; the
/// size with <c>ioctl(TIOCSWINSZ)</c>), the process opens the slave by its path as its standard streams and controlling
/// terminal (<see cref="ProcessLauncher"/>: <c>setsid --ctty</c>). What the process writes is read from the master; what
/// the caller types is written to it, and the terminal's line discipline does the rest (echo, Ctrl+C to SIGINT for the
/// foreground process group, <c>\n</c> shown as <c>\r\n</c>).
/// <para>
/// The platform never opens the slave itself, so once every process holding it has ended the master reads what is left
/// and then fails with EIO (Linux), which <see cref="Output"/> reports as its end. A process that left the session (its
/// own <c>setsid</c>) and kept the slave open keeps that read waiting until it exits; the caller bounds its wait.
/// </para>
/// <para>
/// Why not util-linux <c>script</c> (it allocates a terminal around a command too): it resizes its terminal only from its
/// own, and it has none here, so a resize could not reach the process.
/// </para>
/// </summary>
internal sealed partial class PseudoTerminal : IDisposable
{
    private const int OpenReadWrite = 0x2; // O_RDWR
    private const int OpenNoControllingTerminal = 0x100; // O_NOCTTY
    private const int OpenCloseOnExec = 0x80000; // O_CLOEXEC: the master must not leak into the processes the platform starts
    private const ulong SetWindowSize = 0x5414; // TIOCSWINSZ (asm-generic/ioctls.h: x86-64 and arm64)

    private readonly SafeFileHandle _master;

    private PseudoTerminal(SafeFileHandle master, string slavePath)
    {
        _master = master;
        SlavePath = slavePath;
        Output = new FileStream(master, FileAccess.Read, bufferSize: 0);
        Input = new FileStream(master, FileAccess.Write, bufferSize: 0);
    }

    /// <summary>
    /// The <c>sh -c</c> script that runs a command on the terminal: <c>sh -c SCRIPT SLAVE COMMAND ARGS...</c> makes the slave the
    /// command's standard input, output and error and its controlling terminal (<c>setsid --ctty</c>, util-linux), so the
    /// kernel sends it SIGWINCH on <see cref="Resize"/> and SIGINT for Ctrl+C.
    /// </summary>
    public const string AttachScript = "exec setsid --ctty \"$@\" <\"$0\" >\"$0\" 2>&1";

    /// <summary>The slave's path (<c>/dev/pts/N</c>), for the process to open.</summary>
    public string SlavePath { get; }

    /// <summary>What the terminal shows: blocking reads of the master; the end (EIO once no process holds the slave) throws <see cref="IOException"/>.</summary>
    public Stream Output { get; }

    /// <summary>Keystrokes for the process: writes to the master.</summary>
    public Stream Input { get; }

    /// <summary>Opens a pseudo-terminal of the given size.</summary>
    /// <param name="size">Its size at start.</param>
    /// <returns>The terminal.</returns>
    /// <exception cref="IOException">The system has no pseudo-terminal to give (none left, no <c>/dev/pts</c>).</exception>
    public static PseudoTerminal Open(WindowSize size)
    {
        var fd = PosixOpenPt(OpenReadWrite | OpenNoControllingTerminal | OpenCloseOnExec);
        if (fd < 0)
        {
            throw new IOException($"no pseudo-terminal available (posix_openpt: errno {Marshal.GetLastPInvokeError()})");
        }

        var master = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            Span<byte> name = stackalloc byte[128];
            if (GrantPt(fd) != 0 || UnlockPt(fd) != 0 || PtsNameR(fd, name, (nuint)name.Length) != 0)
            {
                throw new IOException($"the pseudo-terminal could not be set up (errno {Marshal.GetLastPInvokeError()})");
            }

            var terminal = new PseudoTerminal(master, Encoding.ASCII.GetString(name[..name.IndexOf((byte)0)]));
            terminal.Resize(size);
            return terminal;
        }
        catch
        {
            master.Dispose();
            throw;
        }
    }

    /// <summary>Sets the terminal's size; the kernel sends SIGWINCH to its foreground process group when it changes. Best effort.</summary>
    /// <param name="size">The new size (clamped to 1..65535).</param>
    public void Resize(WindowSize size)
    {
        var winsize = new WinSize
        {
            Rows = (ushort)Math.Clamp(size.Rows, 1, ushort.MaxValue),
            Columns = (ushort)Math.Clamp(size.Columns, 1, ushort.MaxValue),
        };
        var added = false;
        try
        {
            _master.DangerousAddRef(ref added);
            _ = Ioctl((int)_master.DangerousGetHandle(), SetWindowSize, ref winsize);
        }
        catch (ObjectDisposedException)
        {
            // the run is over
        }
        finally
        {
            if (added)
            {
                _master.DangerousRelease();
            }
        }
    }

    /// <summary>Copies what the terminal shows to the caller as standard output, until no process holds it (EIO).</summary>
    public async Task PumpAsync(Func<RunOutputChunk, ValueTask> sink)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await Output.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                await sink(new RunOutputChunk(RunOutputStream.StandardOutput, buffer.AsMemory(0, read))).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // EIO: every process on the terminal has ended (or the run is over)
        }
    }

    /// <summary>Writes keystrokes to the terminal; the end of the caller's input only stops the copy (a terminal has no EOF but Ctrl+D, which the caller sends as a byte).</summary>
    public async Task ForwardKeystrokesAsync(Stream input, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await Input.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // the process ended first
        }
    }

    /// <summary>Applies each size the caller's window takes (<see cref="RunTerminal.Resizes"/>) until the run is over.</summary>
    public async Task ApplyResizesAsync(RunTerminal requested, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var size in requested.Resizes.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                Resize(size);
            }
        }
        catch (OperationCanceledException)
        {
            // the run is over
        }
    }

    /// <summary>Closes the master (a process still on the slave then reads EOF and gets SIGHUP).</summary>
    public void Dispose()
    {
        Output.Dispose();
        Input.Dispose();
        _master.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "posix_openpt", SetLastError = true)]
    private static partial int PosixOpenPt(int flags);

    [LibraryImport("libc", EntryPoint = "grantpt", SetLastError = true)]
    private static partial int GrantPt(int fd);

    [LibraryImport("libc", EntryPoint = "unlockpt", SetLastError = true)]
    private static partial int UnlockPt(int fd);

    [LibraryImport("libc", EntryPoint = "ptsname_r", SetLastError = true)]
    private static partial int PtsNameR(int fd, Span<byte> buffer, nuint length);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, ulong request, ref WinSize size);

    /// <summary><c>struct winsize</c>: rows, columns, then two unused pixel sizes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct WinSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort PixelWidth;
        public ushort PixelHeight;
    }
}
