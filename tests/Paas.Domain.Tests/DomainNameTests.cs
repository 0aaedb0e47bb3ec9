using Xunit;

namespace Paas.Domain.Tests;

/// <summary>Custom domains: what may be claimed, and which claims overlap.</summary>
public sealed class DomainNameTests
{
    [Theory]
    [InlineData("WWW.Example.COM.", "www.example.com")]
    [InlineData("*.example.com", "*.example.com")]
    [InlineData("*.co.uk", "*.co.uk")]
    public void Host_names_and_wildcards_of_two_labels_are_accepted(string given, string normalized) =>
        Assert.Equal(normalized, DomainName.Normalize(given, "paas.example.org"));

    [Theory]
    [InlineData("*.com", "at least two labels")]
    [InlineData("*.test", "at least two labels")]
    [InlineData("192.168.1.10", "IP address")]
    [InlineData("hello.paas.example.org", "platform domain")]
    [InlineData("*.paas.example.org", "platform domain")]
    [InlineData("bad_name", "is not a domain")]
    public void Claims_that_take_too_much_are_refused(string given, string why)
    {
        var refused = Assert.Throws<DomainException>(() => DomainName.Normalize(given, "paas.example.org"));
        Assert.Contains(why, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("www.example.com", "www.example.com", true)]
    [InlineData("*.example.com", "www.example.com", true)]
    [InlineData("www.example.com", "*.example.com", true)]
    [InlineData("*.example.com", "*.example.com", true)]
    [InlineData("*.example.com", "example.com", false)]
    [InlineData("*.example.com", "a.b.example.com", false)]
    [InlineData("*.example.com", "*.b.example.com", false)]
    [InlineData("www.example.com", "www.example.net", false)]
    public void Overlap_is_what_the_router_would_send_to_both(string a, string b, bool overlaps) =>
        Assert.Equal(overlaps, DomainName.Overlaps(a, b));
}
