namespace Paas.Scheduling;

/// <summary>A one-off process (<c>paas run CMD</c>) of an app's current release.</summary>
/// <param name="Spec">The release to run it from (its slug, config vars and source version); its formation is ignored.</param>
/// <param name="Command">The command, run as <c>bash -c "COMMAND"</c> in the slug's app folder.</param>
/// <param name="TimeLimit">Ends the process (SIGKILL of its process group) after this long; null for the runtime's default (1 h).</param>
/// <param name="Detached">When true (<c>paas run:detached</c>) its output goes to the app's logs as <c>app[run.N]</c> instead of the caller.</param>
/// <param name="Input">Bytes forwarded to the process's standard input, then closed; null for none.</param>
public sealed record RunRequest(DeploymentSpec Spec, string Command, TimeSpan? TimeLimit = null, bool Detached = false, Stream? Input = null);
