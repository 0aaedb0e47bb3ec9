using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Paas.Registry.Storage;

/// <summary>
/// Starts the kernel's writeback of a file range without waiting for it (Linux
/// <c>sync_file_range(2)</c> with <c>SYNC_FILE_RANGE_WRITE</c>). Kicking writeback while a blob is
/// still streaming in makes the final <c>fsync</c> before the atomic rename cheap: the disk works during
/// the transfer instead of after it. A no-op elsewhere or when the call is unavailable.
/// </summary>
internal static partial class Writeback
{
    private const uint SyncFileRangeWrite = 2;
    private static bool _unavailable = !OperatingSystem.IsLinux();

    public static void Start(SafeFileHandle handle, long offset, long count)
    {
        if (_unavailable || count <= 0)
        {
            return;
        }

        try
        {
            _ = SyncFileRange(handle, offset, count, SyncFileRangeWrite);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
        }
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(SafeFileHandle fd, long offset, long nbytes, uint flags);
}
