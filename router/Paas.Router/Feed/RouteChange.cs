using System.Text.Json.Serialization;
using Paas.Router.Routing;

namespace Paas.Router.Feed;

/// <summary>What a <see cref="RouteChange"/> carries.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RouteChangeType>))]
public enum RouteChangeType
{
    /// <summary>The whole table: <see cref="RouteChange.Apps"/> are all the apps and <see cref="RouteChange.Certificates"/> all the certificates.</summary>
    Snapshot,

    /// <summary>A delta: apps added or changed, apps removed, and the certificates when they changed.</summary>
    Update,

    /// <summary>No change; the stream is alive and at <see cref="RouteChange.Version"/> (as a Kubernetes watch BOOKMARK).</summary>
    Bookmark,
}

/// <summary>
/// One event of the route stream the controller sends the router (<see cref="IRouteChangeSource"/>; on the wire one JSON
/// object per line of <c>GET /internal/v1/routes?origin=O&amp;version=N</c>). Versions increase by one per change; a router resumes
/// from the last version it applied, and gets a <see cref="RouteChangeType.Snapshot"/> first when the controller no longer
/// holds the changes since then (as a Kubernetes watch answers 410 Gone, without the extra round trip).
/// </summary>
/// <param name="Type">Snapshot, update or bookmark.</param>
/// <param name="Version">The table's version once this event is applied.</param>
/// <param name="Origin">
/// Which controller process numbered the versions (random per process): versions of another origin mean nothing here, so
/// a router resuming against another controller replica, or one restarted, gets a snapshot.
/// </param>
public sealed record RouteChange(RouteChangeType Type, long Version, string Origin)
{
    /// <summary>Snapshot: every app. Update: the apps added or changed, whole (hosts, endpoints, flags).</summary>
    public IReadOnlyList<AppRoute> Apps { get; init; } = [];

    /// <summary>Update: the names of the apps removed. Empty otherwise.</summary>
    public IReadOnlyList<string> Removed { get; init; } = [];

    /// <summary>Snapshot: every certificate. Update: every certificate when any changed, null when none did.</summary>
    public IReadOnlyList<RouteCertificate>? Certificates { get; init; }
}

/// <summary>The route stream as JSON (System.Text.Json source generation, camelCase, nulls left out).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RouteChange))]
public sealed partial class RouteChangeJsonContext : JsonSerializerContext;
