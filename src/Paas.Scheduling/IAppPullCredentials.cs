namespace Paas.Scheduling;

/// <summary>
/// Makes the registry credential an app's processes are pulled with from the platform's own registry: pull-only, for that
/// app's repository alone (Kubernetes: the app's image pull Secret; podman: <c>podman pull --authfile</c>).
/// </summary>
public interface IAppPullCredentials
{
    /// <summary>The credential for <paramref name="app"/> at <paramref name="registry"/>, or null when that registry is not the platform's.</summary>
    /// <param name="app">The app.</param>
    /// <param name="registry">The registry host the image is pulled from (<c>127.0.0.1:5000</c>).</param>
    /// <returns>The credential, or null.</returns>
    RegistryPullCredential? For(string app, string registry);
}
