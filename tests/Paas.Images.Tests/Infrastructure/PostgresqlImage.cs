namespace Paas.Images.Tests.Infrastructure;

/// <summary>paas/postgresql in podman's storage, from <see cref="ImageLayouts.Postgresql"/>.</summary>
public sealed class PostgresqlImage() : PodmanImage("postgresql", ImageLayouts.Postgresql);
