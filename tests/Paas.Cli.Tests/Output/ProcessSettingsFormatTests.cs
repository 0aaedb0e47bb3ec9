using Paas.Cli.Commands;
using Paas.Cli.Output;
using Paas.Client;

namespace Paas.Cli.Tests.Output;

public sealed class ProcessSettingsFormatTests
{
    [Fact]
    public void Limits_print_as_deis_does_with_the_note_of_a_scheduler_that_does_not_enforce_them()
    {
        var limits = new LimitsInfo("hello", 3, new Dictionary<string, ProcessLimitsInfo> { ["worker"] = new("1G", null), ["web"] = new("512M", "500m") }, false, "the local scheduler records these limits but does not enforce them");

        Assert.Equal(
            "=== hello Limits\n\n--- Memory\nweb     512M\nworker  1G\n\n--- CPU\nweb  500m\n\nNote: the local scheduler records these limits but does not enforce them\n",
            LimitsCommands.Format(limits));
        Assert.Equal("=== hello Limits\n\n--- Memory\nUnlimited\n\n--- CPU\nUnlimited\n", LimitsCommands.Format(new LimitsInfo("hello", 1, new Dictionary<string, ProcessLimitsInfo>(), true)));
    }

    [Fact]
    public void Health_checks_print_one_line_per_type()
    {
        var checks = new HealthChecksInfo("hello", 4, new Dictionary<string, HealthCheckInfo> { ["web"] = new("/health", 2, 5, 3) });

        Assert.Equal("=== hello Healthchecks\nweb  GET /health  timeout 2s  interval 5s  threshold 3\n", HealthChecksCommands.Format(checks));
        Assert.Contains("No health checks", HealthChecksCommands.Format(checks with { Healthchecks = new Dictionary<string, HealthCheckInfo>() }), StringComparison.Ordinal);
    }

    [Fact]
    public void Autoscale_prints_policies_and_why_it_cannot_run_here()
    {
        var info = new AutoscaleInfo("hello", true, new Dictionary<string, AutoscalePolicyInfo> { ["web"] = new(2, 10, 70) });

        Assert.Equal("=== hello Autoscale\nweb  min 2  max 10  cpu 70%\n", AutoscaleCommands.Format(info));
        var local = AutoscaleCommands.Format(new AutoscaleInfo("hello", false, new Dictionary<string, AutoscalePolicyInfo>(), "autoscaling needs the Kubernetes scheduler"));
        Assert.EndsWith("\nNote: autoscaling needs the Kubernetes scheduler\n", local, StringComparison.Ordinal);
    }

    [Fact]
    public void Apps_info_lines_leave_out_what_is_not_set()
    {
        var fields = ProcessSettingsText.Fields(
            new Dictionary<string, ProcessLimitsInfo> { ["web"] = new("512M", "500m"), ["worker"] = new(null, "1") },
            new Dictionary<string, HealthCheckInfo> { ["web"] = new("/health", 2, 5, 3) },
            null).ToList();

        Assert.Equal(
            [new("Limits", "web=512M/500m cpu, worker=-/1 cpu"), new("Health checks", "web GET /health")],
            fields);
        Assert.Empty(ProcessSettingsText.Fields(null, new Dictionary<string, HealthCheckInfo>(), null));
    }
}
