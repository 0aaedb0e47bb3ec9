using Xunit;

namespace Paas.Domain.Tests;

/// <summary><see cref="ImageReference.TrySplit"/>: the host rule of the distribution reference package.</summary>
public sealed class ImageReferenceSplitTests
{
    [Theory]
    [InlineData("127.0.0.1:5000/hello@sha256:abc", "127.0.0.1:5000", "hello", "sha256:abc")]
    [InlineData("registry.example.com/team/app:1.2", "registry.example.com", "team/app", "1.2")]
    [InlineData("localhost/app", "localhost", "app", "latest")]
    [InlineData("team/app:3", null, "team/app", "3")]
    [InlineData("app", null, "app", "latest")]
    [InlineData("registry:5000/app", "registry:5000", "app", "latest")]
    public void Splits_host_repository_and_tag_or_digest(string reference, string? host, string repository, string tagOrDigest)
    {
        Assert.True(ImageReference.TrySplit(reference, out var h, out var r, out var t));
        Assert.Equal((host, repository, tagOrDigest), (h, r, t));
    }

    [Fact]
    public void A_reference_without_repository_does_not_split() => Assert.False(ImageReference.TrySplit("example.com/", out _, out _, out _));
}
