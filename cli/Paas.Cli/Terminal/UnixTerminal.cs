using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Paas.Client;

namespace Paas.Cli.Terminal;

/// <summary>
/// The POSIX terminal on two file descriptors (standard input and output unless a test gives a pseudo-terminal's), through
/// libc: <c>isatty</c>, <c>tcgetattr</c>/<c>cfmakeraw</c>/<c>tcsetattr</c> (raw mode as <c>stty raw -echo</c> sets it, and
/// the exact settings found put back), <c>ioctl(TIOCGWINSZ)</c> for the size, SIGWINCH for its changes. The <c>termios</c>
/// structure is kept opaque (its layout differs between glibc, musl and macOS): read into a buffer larger than any, changed
/// only by <c>cfmakeraw</c>.
/// <para>
/// .NET does not fight these settings as long as <c>paas</c> never reads the console through <see cref="Console"/> while a
/// TTY is on (its own line editor changes them), which is why <see cref="OpenInput"/> reads the descriptor itself. One
/// exception: on SIGCONT .NET restores the settings it saw at start, so raw mode is set again then.
/// </para>
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed partial class UnixTerminal(int input = 0, int output = 1) : ITerminal
{
    private const int TermiosBufferBytes = 256; // struct termios: 60 bytes on glibc and musl, 72 on macOS
    private const int SetNow = 0; // TCSANOW

    public bool IsInteractive => IsATty(input) == 1 && IsATty(output) == 1;

    public TerminalSize? Size
    {
        get
        {
            foreach (var fd in (int[])[output, input])
            {
                if (Ioctl(fd, GetWindowSizeRequest, out var size) == 0 && size.Columns > 0 && size.Rows > 0)
                {
                    return new TerminalSize(size.Columns, size.Rows);
                }
            }

            return null;
        }
    }

    /// <summary>TIOCGWINSZ: Linux's generic ioctl number, or the BSDs' and macOS's.</summary>
    private static nuint GetWindowSizeRequest => OperatingSystem.IsLinux() ? 0x5413u : 0x40087468u;

    public IDisposable EnterRawMode()
    {
        var saved = new byte[TermiosBufferBytes];
        if (TcGetAttr(input, saved) != 0)
        {
            throw new IOException($"cannot read the terminal's settings (errno {Marshal.GetLastPInvokeError()})");
        }

        var raw = (byte[])saved.Clone();
        CfMakeRaw(raw);
        return new RawMode(input, saved, raw);
    }

    public IDisposable WatchSize(Action changed) => PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ => changed());

    public Stream OpenInput() => new FileStream(new SafeFileHandle(input, ownsHandle: false), FileAccess.Read, bufferSize: 0);

    [LibraryImport("libc", EntryPoint = "isatty")]
    private static partial int IsATty(int fd);

    [LibraryImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    private static partial int TcGetAttr(int fd, Span<byte> termios);

    [LibraryImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
    private static partial int TcSetAttr(int fd, int optionalActions, ReadOnlySpan<byte> termios);

    [LibraryImport("libc", EntryPoint = "cfmakeraw")]
    private static partial void CfMakeRaw(Span<byte> termios);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, nuint request, out WinSize size);

    /// <summary><c>struct winsize</c>: rows, columns, then two unused pixel sizes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct WinSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort PixelWidth;
        public ushort PixelHeight;
    }

    /// <summary>Raw mode until disposed: set now, restored once (also from SIGTERM, SIGHUP, SIGQUIT), set again on SIGCONT.</summary>
    private sealed class RawMode : IDisposable
    {
        private readonly int _fd;
        private readonly byte[] _saved;
        private readonly byte[] _raw;
        private readonly PosixSignalRegistration[] _signals;
        private int _restored;

        public RawMode(int fd, byte[] saved, byte[] raw)
        {
            _fd = fd;
            _saved = saved;
            _raw = raw;
            if (TcSetAttr(fd, SetNow, raw) != 0)
            {
                throw new IOException($"cannot put the terminal in raw mode (errno {Marshal.GetLastPInvokeError()})");
            }

            _signals =
            [
                .. new[] { PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT }.Select(s => PosixSignalRegistration.Create(s, _ => Restore())),
                PosixSignalRegistration.Create(PosixSignal.SIGCONT, _ => Reapply()),
            ];
        }

        public void Dispose()
        {
            Restore();
            foreach (var signal in _signals)
            {
                signal.Dispose();
            }
        }

        private void Restore()
        {
            if (Interlocked.Exchange(ref _restored, 1) == 0)
            {
                _ = TcSetAttr(_fd, SetNow, _saved);
            }
        }

        private void Reapply()
        {
            if (Volatile.Read(ref _restored) == 0)
            {
                _ = TcSetAttr(_fd, SetNow, _raw);
            }
        }
    }
}
