namespace Paas.Router.Routing;

/// <summary>
/// Everything the router needs to route traffic, as one immutable snapshot fed by the controller:
/// the apps with their hosts and endpoints, and the uploaded certificates.
/// A new snapshot replaces the previous one atomically (see <see cref="RouteTableStore.Update"/>).
/// </summary>
/// <param name="Apps">The routed apps. An app name appears at most once.</param>
/// <param name="Certificates">Uploaded certificates with the domains they are attached to.</param>
public sealed record RouteTable(IReadOnlyList<AppRoute> Apps, IReadOnlyList<RouteCertificate> Certificates)
{
    /// <summary>A table with no apps and no certificates: every request answers 404.</summary>
    public static RouteTable Empty { get; } = new([], []);
}
