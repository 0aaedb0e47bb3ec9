using System.Globalization;

namespace Paas.Scheduling.Local;

/// <summary>
/// One small file per running process (<c>DATA_DIR/processes/PID</c>, content: its start time, app and name), so that a
/// platform that crashed can stop, when it starts again, the processes its previous run left behind.
/// </summary>
internal sealed class ProcessRecords
{
    private readonly string _directory;

    public ProcessRecords(string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
    }

    public void Add(int pid, string app, string name)
    {
        var start = ProcessGroups.StartTime(pid);
        File.WriteAllText(Path.Combine(_directory, pid.ToString(CultureInfo.InvariantCulture)), $"{start}\n{app}\n{name}\n");
    }

    public void Remove(int pid) => File.Delete(Path.Combine(_directory, pid.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Stops every recorded process group that still runs (SIGTERM, up to <paramref name="grace"/>, SIGKILL) and forgets the records.</summary>
    /// <returns>The processes stopped, as <c>app web.1</c>.</returns>
    public async Task<IReadOnlyList<string>> ReapAsync(TimeSpan grace)
    {
        var alive = new List<(int Pid, string What)>();
        foreach (var file in Directory.GetFiles(_directory))
        {
            var lines = File.ReadAllLines(file);
            File.Delete(file);
            if (!int.TryParse(Path.GetFileName(file), CultureInfo.InvariantCulture, out var pid) || lines.Length < 3)
            {
                continue;
            }

            var start = ProcessGroups.StartTime(pid);
            if (start is not null && start.Value.ToString(CultureInfo.InvariantCulture) == lines[0])
            {
                ProcessGroups.Signal(pid, ProcessGroups.SigTerm);
                alive.Add((pid, $"{lines[1]} {lines[2]}"));
            }
        }

        var deadline = DateTimeOffset.UtcNow + grace;
        while (alive.Any(a => ProcessGroups.Exists(a.Pid)) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(50).ConfigureAwait(false);
        }

        foreach (var (pid, _) in alive)
        {
            ProcessGroups.Signal(pid, ProcessGroups.SigKill);
        }

        return [.. alive.Select(a => a.What)];
    }
}
