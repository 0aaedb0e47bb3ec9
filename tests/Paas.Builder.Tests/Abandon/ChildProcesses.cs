namespace Paas.Builder.Tests;

/// <summary>The test process's descendants, read from <c>/proc</c> (Linux): pid, command line and working folder.</summary>
internal static class ChildProcesses
{
    /// <summary>One descendant.</summary>
    public sealed record Child(int Pid, string CommandLine, string WorkingDirectory);

    /// <summary>Every living descendant of this process whose command line or working folder mentions <paramref name="text"/>.</summary>
    public static IReadOnlyList<Child> Mentioning(string text) =>
        Descendants().Where(c => c.CommandLine.Contains(text, StringComparison.Ordinal) || c.WorkingDirectory.Contains(text, StringComparison.Ordinal)).ToList();

    /// <summary>Every living (not zombie) descendant of <paramref name="root"/> (default: this process).</summary>
    public static IReadOnlyList<Child> Descendants(int? root = null)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Stat(pid) is { State: not 'Z' } stat)
            {
                parents[pid] = stat.Parent;
            }
        }

        var found = new List<Child>();
        var wanted = new HashSet<int> { root ?? Environment.ProcessId };
        bool grew;
        do
        {
            grew = false;
            foreach (var (pid, parent) in parents)
            {
                if (wanted.Contains(parent) && wanted.Add(pid))
                {
                    grew = true;
                    found.Add(new Child(pid, Read($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim(), Link($"/proc/{pid}/cwd")));
                }
            }
        }
        while (grew);
        return found;
    }

    private static (char State, int Parent)? Stat(int pid)
    {
        // "pid (comm) S ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
        var text = Read($"/proc/{pid}/stat");
        var close = text.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var fields = text[(close + 2)..].Split(' ');
        return fields.Length > 1 && int.TryParse(fields[1], out var parent) ? (fields[0][0], parent) : null;
    }

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static string Link(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget ?? "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
