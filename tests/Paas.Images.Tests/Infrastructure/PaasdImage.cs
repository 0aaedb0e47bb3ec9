namespace Paas.Images.Tests.Infrastructure;

/// <summary>paas/paasd in podman's storage, from <see cref="ImageLayouts.Paasd"/>.</summary>
public sealed class PaasdImage() : PodmanImage("paasd", ImageLayouts.Paasd);
