using Microsoft.Extensions.Options;

namespace Paas.Builder.Tests;

/// <summary>Build users for tests of the builder's parts that make no system users: builds run as paasd's own user.</summary>
internal static class TestBuildUsers
{
    /// <summary><see cref="BuildUsers"/> with <see cref="BuilderOptions.RunAsBuildUsers"/> false.</summary>
    public static readonly BuildUsers None = new(Options.Create(new BuilderOptions { RunAsBuildUsers = false }));
}
