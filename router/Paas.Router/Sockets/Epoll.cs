using System.Runtime.InteropServices;

namespace Paas.Router.Sockets;

/// <summary>
/// The Linux <c>epoll(7)</c> calls the router's event loops use, from glibc. <c>struct epoll_event</c> is
/// <c>{ uint32_t events; uint64_t data; }</c>, packed on x86-64 (12 bytes) and naturally aligned elsewhere (16 bytes,
/// data at offset 8): <see cref="EventSize"/> and <see cref="DataOffset"/> say which, and are 0 where the layout is
/// not known (then no event loop is used).
/// </summary>
internal static unsafe partial class Epoll
{
    public const int CtlAdd = 1;
    public const int CtlDel = 2;

    public const uint In = 0x001;
    public const uint Out = 0x004;
    public const uint Err = 0x008;
    public const uint Hup = 0x010;
    public const uint RdHup = 0x2000;
    public const uint EdgeTriggered = 1u << 31;

    public const int CloseOnExec = 0x80000;

    /// <summary>EINTR: a signal arrived during <c>epoll_wait</c>.</summary>
    public const int Interrupted = 4;

    private const string Libc = "libc.so.6";

    /// <summary>Bytes of one <c>struct epoll_event</c> on this architecture, 0 when unsupported.</summary>
    public static readonly int EventSize = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 12,
        Architecture.Arm64 or Architecture.RiscV64 or Architecture.LoongArch64 => 16,
        _ => 0,
    };

    /// <summary>Offset of <c>data</c> in <c>struct epoll_event</c>.</summary>
    public static readonly int DataOffset = EventSize == 12 ? 4 : 8;

    /// <summary>True where the event loops can run: Linux, a known <c>epoll_event</c> layout, and glibc loadable.</summary>
    public static bool IsSupported { get; } = OperatingSystem.IsLinux() && EventSize != 0 && NativeLibrary.TryLoad(Libc, out _);

    [LibraryImport(Libc, EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int Create(int flags);

    [LibraryImport(Libc, EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int Control(int epollFd, int operation, int fd, byte* epollEvent);

    [LibraryImport(Libc, EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int Wait(int epollFd, byte* events, int maxEvents, int timeoutMilliseconds);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary><c>epoll_ctl(ADD)</c> of <paramref name="fd"/> for <paramref name="events"/> with <paramref name="key"/> as its data; errno on failure, else 0.</summary>
    public static int Add(int epollFd, int fd, uint events, ulong key)
    {
        var buffer = stackalloc byte[16];
        *(uint*)buffer = events;
        *(ulong*)(buffer + DataOffset) = key;
        return Control(epollFd, CtlAdd, fd, buffer) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary><c>epoll_ctl(DEL)</c>; errno on failure, else 0.</summary>
    public static int Remove(int epollFd, int fd)
    {
        var buffer = stackalloc byte[16];
        return Control(epollFd, CtlDel, fd, buffer) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }
}
