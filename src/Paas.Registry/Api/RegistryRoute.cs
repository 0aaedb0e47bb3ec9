namespace Paas.Registry.Api;

/// <summary>
/// A parsed <c>/v2/...</c> path. Repository names contain slashes, so the path is matched from its
/// end: <c>&lt;name&gt;/blobs/uploads/[&lt;id&gt;]</c>, <c>&lt;name&gt;/blobs/&lt;digest&gt;</c>,
/// <c>&lt;name&gt;/manifests/&lt;reference&gt;</c>, <c>&lt;name&gt;/tags/list</c>, <c>&lt;name&gt;/referrers/&lt;digest&gt;</c>.
/// </summary>
internal readonly record struct RegistryRoute(RegistryRouteKind Kind, string Name, string Argument)
{
    public static RegistryRoute Parse(string? path)
    {
        // path is everything after "/v2".
        if (string.IsNullOrEmpty(path) || path == "/")
        {
            return new(RegistryRouteKind.Base, "", "");
        }

        if (path == "/token")
        {
            return new(RegistryRouteKind.Token, "", "");
        }

        if (path == "/_catalog")
        {
            return new(RegistryRouteKind.Catalog, "", "");
        }

        var s = path.TrimStart('/').Split('/');
        var n = s.Length;
        if (n >= 4 && s[n - 3] == "blobs" && s[n - 2] == "uploads")
        {
            return s[n - 1].Length == 0
                ? new(RegistryRouteKind.UploadStart, Join(s, n - 3), "")
                : new(RegistryRouteKind.Upload, Join(s, n - 3), s[n - 1]);
        }

        if (n >= 3 && s[n - 2] == "blobs" && s[n - 1] == "uploads")
        {
            return new(RegistryRouteKind.UploadStart, Join(s, n - 2), "");
        }

        if (n >= 3)
        {
            var kind = s[n - 2] switch
            {
                "blobs" => RegistryRouteKind.Blob,
                "manifests" => RegistryRouteKind.Manifest,
                "referrers" => RegistryRouteKind.Referrers,
                "tags" when s[n - 1] == "list" => RegistryRouteKind.Tags,
                _ => RegistryRouteKind.NotFound,
            };
            if (kind != RegistryRouteKind.NotFound)
            {
                return new(kind, Join(s, n - 2), s[n - 1]);
            }
        }

        return new(RegistryRouteKind.NotFound, "", "");
    }

    private static string Join(string[] segments, int count) => string.Join('/', segments, 0, count);
}
