namespace Paas.Testing.Kubernetes.Podman.Tests.Units;

public sealed class MessageTests
{
    [Theory]
    [InlineData(10, "10s")]
    [InlineData(80, "1m20s")]
    [InlineData(300, "5m0s")]
    [InlineData(1.808, "1.808s")]
    [InlineData(0.5, "500ms")]
    [InlineData(3725, "1h2m5s")]
    public void Durations_read_as_go_prints_them(double seconds, string expected) =>
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Pull_errors_read_as_containerd_reports_them()
    {
        const string Image = "127.0.0.1:5055/nope:1";

        Assert.Equal(
            "rpc error: code = NotFound desc = failed to pull and unpack image \"127.0.0.1:5055/nope:1\": failed to resolve reference \"127.0.0.1:5055/nope:1\": 127.0.0.1:5055/nope:1: not found",
            PullMessages.ErrImagePull(Image, "initializing source docker://127.0.0.1:5055/nope:1: reading manifest 1 in 127.0.0.1:5055/nope: manifest unknown: manifest unknown"));
        Assert.EndsWith(
            ": pulling from host 127.0.0.1:5055 failed with status code [manifests 1]: 401 Unauthorized",
            PullMessages.ErrImagePull(Image, "reading manifest 1 in 127.0.0.1:5055/nope: unauthorized: authentication required"),
            StringComparison.Ordinal);
        Assert.Equal("Back-off pulling image \"127.0.0.1:5055/nope:1\"", PullMessages.BackOff(Image));
    }

    [Fact]
    public void Crash_back_off_restarts_at_once_then_doubles_up_to_the_cap_and_starts_over_after_a_quiet_spell()
    {
        var backOff = new CrashBackOff(new PodmanFakeKubeletOptions());
        var at = DateTimeOffset.UtcNow;
        FakeContainerState.Terminated Exit(double seconds) => new(3, "Error", at, at.AddSeconds(seconds));

        var delays = new[] { 0, 1, 12, 33, 74, 155, 316, 637, 958 }.Select(s => backOff.Next(Exit(s))).ToList();

        Assert.Equal([null, 10, 20, 40, 80, 160, 300, 300, 300], delays.Select(d => d?.TotalSeconds));
        Assert.Null(backOff.Next(Exit(958 + 601)));
    }
}
