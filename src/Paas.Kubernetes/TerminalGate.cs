using System.Globalization;

namespace Paas.Kubernetes;

/// <summary>
/// Makes a one-off command with a TTY wait until a client has attached, so its first output (a shell's prompt) reaches the
/// caller: <c>pods/attach</c> only sees output written after it connected, and the pod runs as soon as it is created.
/// The signal is the terminal's size: a container's TTY is 0 x 0 until an attach sends one (containerd and runc give
/// none at start, checked with podman and runc here), and <see cref="OneOffRun"/> sends the caller's size first thing.
/// The command is prefixed, in POSIX sh (it runs under the launcher's bash or an image's <c>/bin/sh -c</c>), with a loop
/// that polls <c>stty size</c> every 0.1 s while it says <c>0 0</c>, for at most <see cref="MaxWait"/>; without
/// <c>stty</c>, or on a runtime that sizes terminals itself, the loop ends at once and the command runs as it would have
/// (only output printed before the attach is then lost, as with <c>kubectl run -it</c>).
/// </summary>
internal static class TerminalGate
{
    /// <summary>The longest wait for an attach: 20 s, then the command runs anyway (its output is in the pod's log).</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);

    /// <summary>The command with the wait before it (on a line of its own, so the command is parsed as given).</summary>
    /// <param name="command">The command.</param>
    /// <returns>The wrapped command.</returns>
    public static string Wrap(string command) =>
        string.Create(CultureInfo.InvariantCulture, $"paas_wait=0; while [ \"$(stty size 2>/dev/null)\" = \"0 0\" ] && [ $paas_wait -lt {(int)(MaxWait.TotalSeconds * 10)} ]; do sleep 0.1; paas_wait=$((paas_wait + 1)); done; unset paas_wait\n") + command;
}
