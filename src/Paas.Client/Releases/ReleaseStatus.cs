namespace Paas.Client;

/// <summary>Where a release stands in its deploy. Serialized in lower case.</summary>
public enum ReleaseStatus
{
    /// <summary>Recorded; its processes are being started.</summary>
    Pending,

    /// <summary>Deployed (or nothing to deploy): it is, or was, the app's current release.</summary>
    Succeeded,

    /// <summary>Its deploy failed; the release before it kept serving. See the failure reason.</summary>
    Failed,
}
