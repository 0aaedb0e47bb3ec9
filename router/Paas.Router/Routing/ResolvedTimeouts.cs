namespace Paas.Router.Routing;

/// <summary>The timeouts in force for one app: its overrides, else the router defaults.</summary>
internal sealed record ResolvedTimeouts(TimeSpan Connect, TimeSpan FirstByte, TimeSpan Idle);
