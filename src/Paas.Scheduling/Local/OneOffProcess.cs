using System.Diagnostics;

namespace Paas.Scheduling.Local;

/// <summary>
/// A one-off process (<c>paas run</c>) a scheduler on this machine started, as the run both share follows it
/// (<see cref="MachineScheduling{TRelease, TProcess}.RunAsync"/>).
/// </summary>
/// <param name="Process">The process whose exit ends the run and whose pipes carry its output and input.</param>
/// <param name="KillAsync">Kills it at its time limit or when its caller went away; completes once it has exited, or once there is no more to do.</param>
/// <param name="Ended">Frees what it held once it has exited or been killed (what is left of its process group, an env file).</param>
internal sealed record OneOffProcess(Process Process, Func<Task> KillAsync, Action Ended);
