namespace Paas.Registry.Api;

/// <summary>The endpoints of the OCI distribution API ("Endpoints" table, end-1 to end-13).</summary>
internal enum RegistryRouteKind
{
    NotFound,
    Base,
    Token,
    Catalog,
    Blob,
    UploadStart,
    Upload,
    Manifest,
    Tags,
    Referrers,
}
