using Paas.Kubernetes.Objects;

namespace Paas.Kubernetes.Images;

/// <summary>Makes the registry credential an app's pods pull its image with: pull-only, for that app's repository alone.</summary>
public interface IAppPullCredentials
{
    /// <summary>The credential for <paramref name="app"/> at <paramref name="registry"/>, or null when that registry is not the platform's.</summary>
    /// <param name="app">The app.</param>
    /// <param name="registry">The registry host nodes pull from (<c>127.0.0.1:5000</c>).</param>
    /// <returns>The credential, or null.</returns>
    RegistryPullCredential? For(string app, string registry);
}
