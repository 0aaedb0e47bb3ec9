namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>
/// Turns podman's pull errors into the messages a kubelet on containerd reports (07b, 07d): <c>NotFound</c> for a missing
/// repository or tag, <c>401 Unauthorized</c> for refused credentials, otherwise containerd's wording around podman's reason.
/// </summary>
internal static class PullMessages
{
    public static string ErrImagePull(string image, string podmanError)
    {
        var prefix = $"failed to pull and unpack image \"{image}\": failed to resolve reference \"{image}\"";
        if (Contains(podmanError, "manifest unknown") || Contains(podmanError, "name unknown") || Contains(podmanError, "not found"))
        {
            return $"rpc error: code = NotFound desc = {prefix}: {image}: not found";
        }

        if (Contains(podmanError, "unauthorized") || Contains(podmanError, "authentication required") || Contains(podmanError, "401"))
        {
            return $"rpc error: code = Unknown desc = {prefix}: pulling from host {Host(image)} failed with status code [manifests {Tag(image)}]: 401 Unauthorized";
        }

        return $"rpc error: code = Unknown desc = {prefix}: {podmanError}";
    }

    public static string BackOff(string image) => $"Back-off pulling image \"{image}\"";

    private static bool Contains(string text, string value) => text.Contains(value, StringComparison.OrdinalIgnoreCase);

    private static string Host(string image)
    {
        var slash = image.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 ? image[..slash] : "docker.io";
    }

    private static string Tag(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        if (at > 0)
        {
            return image[(at + 1)..];
        }

        var colon = image.LastIndexOf(':');
        return colon > image.LastIndexOf('/') ? image[(colon + 1)..] : "latest";
    }
}
