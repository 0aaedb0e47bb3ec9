namespace Paas.Scheduling.Local;

/// <summary>An HTTP check the local runtime makes of a web process at boot: <c>GET Path</c> on its <c>PORT</c> must answer below 400.</summary>
/// <param name="Path">The path, starting with <c>/</c>.</param>
/// <param name="Timeout">How long one check may take.</param>
/// <param name="Interval">The time between checks once the process accepts connections.</param>
internal sealed record HttpCheck(string Path, TimeSpan Timeout, TimeSpan Interval);
