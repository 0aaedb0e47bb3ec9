using Xunit;

namespace Paas.Domain.Tests;

/// <summary>The names podman and buildah read from their own environment, which an app's config vars must not reach.</summary>
public sealed class ContainerToolVariablesTests
{
    [Theory]
    [InlineData("PATH")]
    [InlineData("HOME")]
    [InlineData("HTTP_PROXY")]
    [InlineData("https_proxy")]
    [InlineData("no_proxy")]
    [InlineData("NOTIFY_SOCKET")]
    [InlineData("REGISTRY_AUTH_FILE")]
    [InlineData("CONTAINERS_CONF")]
    [InlineData("_CONTAINERS_USERNS_CONFIGURED")]
    [InlineData("STORAGE_DRIVER")]
    [InlineData("XDG_RUNTIME_DIR")]
    [InlineData("LD_PRELOAD")]
    [InlineData("GODEBUG")]
    [InlineData("GOMAXPROCS")]
    [InlineData("PODMAN_USERNS")]
    [InlineData("BUILDAH_ISOLATION")]
    [InlineData("DBUS_SESSION_BUS_ADDRESS")]
    public void Names_the_tools_read_are_recognised_in_any_case(string name)
    {
        Assert.True(ConfigVarName.IsReadByContainerTools(name));
        Assert.True(ConfigVarName.IsReadByContainerTools(name.ToLowerInvariant()));
    }

    [Theory]
    [InlineData("DATABASE_URL")]
    [InlineData("GREETING")]
    [InlineData("PROXY_URL")]
    [InlineData("NODE_ENV")]
    [InlineData("HOMEPAGE_URL")]
    [InlineData("GOOGLE_API_KEY")]
    public void Ordinary_config_vars_are_not(string name) => Assert.False(ConfigVarName.IsReadByContainerTools(name));
}
