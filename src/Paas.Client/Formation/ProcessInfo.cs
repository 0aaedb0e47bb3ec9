namespace Paas.Client;

/// <summary>One process of an app (a "dyno" on Heroku, a "pod" on Deis), as <c>GET /v2/apps/{app}/pods</c> answers.</summary>
/// <param name="Name">Type and index: <c>web.1</c>.</param>
/// <param name="Type">The process type (<c>web</c>, <c>worker</c>, ...).</param>
/// <param name="State">One of <c>starting</c>, <c>up</c>, <c>crashed</c>, <c>stopping</c>, <c>down</c>.</param>
/// <param name="Release">The version of the release it runs.</param>
/// <param name="Command">The command it runs.</param>
/// <param name="StartedAt">When it was last started, or null if it never was.</param>
/// <param name="Restarts">How often it was restarted after a crash (0 where the scheduler does not count them).</param>
/// <param name="Reason">Why it is not up (<c>CrashLoopBackOff</c>, <c>ImagePullBackOff: ...</c>), or null.</param>
public sealed record ProcessInfo(string Name, string Type, string State, int Release, string Command, DateTimeOffset? StartedAt, int Restarts = 0, string? Reason = null);
