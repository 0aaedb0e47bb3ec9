namespace Paas.Scheduling;

/// <summary>One process of an app as its scheduler sees it.</summary>
/// <param name="Name">Type and 1-based index, <c>web.1</c>.</param>
/// <param name="Type">The process type.</param>
/// <param name="State">Its state.</param>
/// <param name="Release">The release version it runs.</param>
/// <param name="Command">The command it runs.</param>
/// <param name="StartedAt">When it was last started, or null.</param>
/// <param name="Restarts">How often the runtime restarted it after a crash (0 when the runtime does not count).</param>
/// <param name="Reason">Why it is not up, in words (<c>CrashLoopBackOff: exited with status 3</c>), or null.</param>
public sealed record ProcessStatus(string Name, string Type, ProcessState State, int Release, string Command, DateTimeOffset? StartedAt, int Restarts = 0, string? Reason = null);
