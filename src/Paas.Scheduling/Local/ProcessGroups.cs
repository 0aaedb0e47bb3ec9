using System.Globalization;
using System.Runtime.InteropServices;

namespace Paas.Scheduling.Local;

/// <summary>Signals to whole process groups (every process runs as the leader of its own session, through <c>setsid</c>).</summary>
internal static partial class ProcessGroups
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>Sends <paramref name="signal"/> to the process group led by <paramref name="pid"/>; false when no such group.</summary>
    public static bool Signal(int pid, int signal) => pid > 1 && Kill(-pid, signal) == 0;

    /// <summary>The start time of a process in clock ticks since boot (field 22 of <c>/proc/PID/stat</c>), or null when it is gone.</summary>
    public static long? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[19], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Whether any process of the group led by <paramref name="pid"/> still exists.</summary>
    public static bool Exists(int pid) => pid > 1 && Kill(-pid, 0) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
