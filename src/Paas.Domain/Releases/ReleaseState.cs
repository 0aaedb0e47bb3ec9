namespace Paas.Domain;

/// <summary>Where a release stands in its deploy.</summary>
public enum ReleaseState
{
    /// <summary>Recorded; its processes are being started.</summary>
    Pending,

    /// <summary>Deployed, or there was nothing to deploy.</summary>
    Succeeded,

    /// <summary>Its deploy failed; the release before it kept serving.</summary>
    Failed,
}
