namespace Paas.Testing.Kubernetes.Api;

/// <summary>One REST resource the fake serves.</summary>
/// <param name="Group">The API group ("" for core).</param>
/// <param name="Version">The version.</param>
/// <param name="Plural">The plural resource name (<c>deployments</c>).</param>
/// <param name="Kind">The kind (<c>Deployment</c>).</param>
/// <param name="Namespaced">Whether it lives in namespaces.</param>
/// <param name="HasGeneration">Whether <c>metadata.generation</c> is kept.</param>
/// <param name="HasStatus">Whether a separate status exists (spec changes bump generation; otherwise every change does).</param>
/// <param name="DeleteReturnsObject">Whether an immediate DELETE returns the object rather than a Success Status.</param>
public sealed record ApiResource(string Group, string Version, string Plural, string Kind, bool Namespaced, bool HasGeneration, bool HasStatus, bool DeleteReturnsObject)
{
    /// <summary>The apiVersion (<c>apps/v1</c> or <c>v1</c>).</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The resource as messages name it (<c>deployments.apps</c>, <c>secrets</c>).</summary>
    public string QualifiedPlural => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>The kind as Invalid messages name it (<c>Deployment.apps</c>, <c>Secret</c>).</summary>
    public string QualifiedKind => Group.Length == 0 ? Kind : $"{Kind}.{Group}";

    /// <summary>The list kind.</summary>
    public string ListKind => Kind + "List";
}
