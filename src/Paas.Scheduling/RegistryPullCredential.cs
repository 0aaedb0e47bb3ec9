namespace Paas.Scheduling;

/// <summary>A credential that may pull one app's repository from the platform's registry, and nothing else.</summary>
/// <param name="Registry">The registry host as nodes or podman reach it (<c>127.0.0.1:5000</c>).</param>
/// <param name="Username">The user name.</param>
/// <param name="Password">The password.</param>
public sealed record RegistryPullCredential(string Registry, string Username, string Password);
