namespace Paas.Registry.Api;

/// <summary>Error codes of the OCI distribution spec ("Error Codes", code-1 to code-14).</summary>
internal static class RegistryErrorCodes
{
    public const string BlobUnknown = "BLOB_UNKNOWN";
    public const string BlobUploadInvalid = "BLOB_UPLOAD_INVALID";
    public const string BlobUploadUnknown = "BLOB_UPLOAD_UNKNOWN";
    public const string DigestInvalid = "DIGEST_INVALID";
    public const string ManifestBlobUnknown = "MANIFEST_BLOB_UNKNOWN";
    public const string ManifestInvalid = "MANIFEST_INVALID";
    public const string ManifestUnknown = "MANIFEST_UNKNOWN";
    public const string NameInvalid = "NAME_INVALID";
    public const string NameUnknown = "NAME_UNKNOWN";
    public const string SizeInvalid = "SIZE_INVALID";
    public const string Unauthorized = "UNAUTHORIZED";
    public const string Denied = "DENIED";
    public const string Unsupported = "UNSUPPORTED";
    public const string PaginationNumberInvalid = "PAGINATION_NUMBER_INVALID";
    public const string RangeInvalid = "RANGE_INVALID";

    /// <summary>code-14: the client sent too many requests; here, one more upload session than a repository may hold open.</summary>
    public const string TooManyRequests = "TOOMANYREQUESTS";
    public const string Unknown = "UNKNOWN";

    /// <summary>Docker distribution's code for a registry that cannot serve now (its auth authority is down): 503.</summary>
    public const string Unavailable = "UNAVAILABLE";
}
