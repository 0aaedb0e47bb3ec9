using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Paas.Cli.Tests.Terminal;

/// <summary>
/// A real terminal for tests that have none (a test runner's streams are pipes): a pseudo-terminal whose slave is what
/// <c>paas</c> would see as its terminal, and whose master plays the terminal emulator (sets the window size, reads what is
/// shown). Linux (the ioctl numbers and termios offsets used here are Linux's).
/// </summary>
internal sealed partial class PseudoTerminalPair : IDisposable
{
    private readonly SafeFileHandle _master;

    public PseudoTerminalPair()
    {
        var fd = PosixOpenPt(0x2 | 0x100 | 0x80000); // O_RDWR | O_NOCTTY | O_CLOEXEC
        Assert.True(fd >= 0, "posix_openpt failed");
        _master = new SafeFileHandle(fd, ownsHandle: true);
        Span<byte> name = stackalloc byte[128];
        Assert.True(GrantPt(fd) == 0 && UnlockPt(fd) == 0 && PtsNameR(fd, name, (nuint)name.Length) == 0, "the pseudo-terminal could not be set up");
        SlavePath = Encoding.ASCII.GetString(name[..name.IndexOf((byte)0)]);
        Slave = File.OpenHandle(SlavePath, FileMode.Open, FileAccess.ReadWrite);
    }

    public string SlavePath { get; }

    public SafeFileHandle Slave { get; }

    public int SlaveFd => (int)Slave.DangerousGetHandle();

    /// <summary>What the terminal emulator does when its window changes: TIOCSWINSZ on the master.</summary>
    public void SetWindowSize(int columns, int rows)
    {
        var size = new WinSize { Rows = (ushort)rows, Columns = (ushort)columns };
        Assert.Equal(0, Ioctl((int)_master.DangerousGetHandle(), 0x5414, ref size));
    }

    /// <summary>The slave's termios as raw bytes (Linux: 60 bytes; c_lflag at offset 12).</summary>
    public byte[] Settings()
    {
        var buffer = new byte[60];
        Assert.Equal(0, TcGetAttr(SlaveFd, buffer));
        return buffer;
    }

    /// <summary>The local flags (ICANON 0x2, ECHO 0x8, ISIG 0x1).</summary>
    public uint LocalFlags() => BitConverter.ToUInt32(Settings(), 12);

    public void Dispose()
    {
        Slave.Dispose();
        _master.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "posix_openpt")]
    private static partial int PosixOpenPt(int flags);

    [LibraryImport("libc", EntryPoint = "grantpt")]
    private static partial int GrantPt(int fd);

    [LibraryImport("libc", EntryPoint = "unlockpt")]
    private static partial int UnlockPt(int fd);

    [LibraryImport("libc", EntryPoint = "ptsname_r")]
    private static partial int PtsNameR(int fd, Span<byte> buffer, nuint length);

    [LibraryImport("libc", EntryPoint = "ioctl")]
    private static partial int Ioctl(int fd, nuint request, ref WinSize size);

    [LibraryImport("libc", EntryPoint = "tcgetattr")]
    private static partial int TcGetAttr(int fd, Span<byte> termios);

    [StructLayout(LayoutKind.Sequential)]
    private struct WinSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort PixelWidth;
        public ushort PixelHeight;
    }
}
