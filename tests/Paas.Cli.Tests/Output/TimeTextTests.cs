using Paas.Cli.Output;

namespace Paas.Cli.Tests.Output;

public sealed class TimeTextTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 8, 41, 12, TimeSpan.Zero);

    [Theory]
    [InlineData(5, "~ 5s ago")]
    [InlineData(60, "~ 1m ago")]
    [InlineData(59 * 60, "~ 59m ago")]
    [InlineData(3 * 3600 + 10, "~ 3h ago")]
    [InlineData(50 * 3600, "~ 2d ago")]
    [InlineData(-30, "~ 0s ago")]
    public void Says_how_long_ago_in_the_largest_whole_unit(int secondsAgo, string expected)
    {
        Assert.Equal(expected, TimeText.Ago(Now.AddSeconds(-secondsAgo), Now));
    }

    [Fact]
    public void Formats_the_local_time_and_the_age()
    {
        var time = Now.AddMinutes(-1);

        var text = TimeText.Format(time, Now);

        Assert.Equal(time.ToLocalTime().ToString("yyyy/MM/dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " (~ 1m ago)", text);
    }
}
