namespace Paas.Images.Tests.Infrastructure;

/// <summary>paas/build in podman's storage, from <see cref="ImageLayouts.Build"/>.</summary>
public sealed class BuildImage() : PodmanImage("build", ImageLayouts.Build);
