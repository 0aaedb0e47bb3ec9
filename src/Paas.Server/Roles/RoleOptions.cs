namespace Paas.Server;

/// <summary>
/// How the parts of a platform split over several processes find each other (section <c>Paas:Roles</c>). Every URL is
/// needed only when the part it names runs in another process; with the default <see cref="PlatformRoles.All"/> none is read.
/// </summary>
public sealed class RoleOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Paas:Roles";

    /// <summary>The roles of this process (<c>PAAS_ROLE</c>, <c>--role</c>): a comma list; empty means all but the registry proxy.</summary>
    public string? Role { get; set; }

    /// <summary>The controller's public API (<c>PAAS_CONTROLLER_URL</c>, e.g. <c>http://paas-controller:7000</c>): the builder calls it with the pushing user's token.</summary>
    public string? ControllerUrl { get; set; }

    /// <summary>The controller's internal contracts (<c>PAAS_CONTROLLER_INTERNAL_URL</c>, e.g. <c>http://paas-controller:7001</c>): registry sign-in and permissions, the route stream, log lines.</summary>
    public string? ControllerInternalUrl { get; set; }

    /// <summary>The builder (<c>PAAS_BUILDER_URL</c>, e.g. <c>http://paas-builder:7100</c>): the controller forwards git's smart HTTP there.</summary>
    public string? BuilderUrl { get; set; }

    /// <summary>The registry (<c>PAAS_REGISTRY_URL</c>, e.g. <c>http://paas-registry:5000</c>): the builder pushes there, schedulers and the registry proxy pull from there.</summary>
    public string? RegistryUrl { get; set; }

    /// <summary>The controller's internal port (<c>PAAS_INTERNAL_PORT</c>, default 7001), opened when another process runs a part.</summary>
    public int InternalPort { get; set; } = 7001;

    /// <summary>The builder's port when it runs without the controller (<c>PAAS_BUILDER_PORT</c>, default 7100).</summary>
    public int BuilderPort { get; set; } = 7100;

    /// <summary>The registry proxy's port (<c>PAAS_REGISTRY_PROXY_PORT</c>, default 5555).</summary>
    public int RegistryProxyPort { get; set; } = 5555;

    /// <summary>
    /// A port serving only <c>GET /healthz</c> (live) and <c>GET /readyz</c> (ready) for every part of this process
    /// (<c>PAAS_HEALTH_PORT</c>); 0 (default) opens none. Kubernetes probes use it, so the router's own ports stay the apps'.
    /// </summary>
    public int HealthPort { get; set; }

    /// <summary>The file holding the platform's shared service secret (<c>PAAS_SERVICE_TOKEN_FILE</c>); default <c>DATA_DIR/service-token</c>, made at first start.</summary>
    public string? ServiceTokenFile { get; set; }
}
