using Xunit;

namespace Paas.Domain.Tests;

public sealed class ProcessRuleTests
{
    private static readonly Dictionary<string, string> Types = new() { ["web"] = "npm start", ["worker"] = "node w.js" };

    [Theory]
    [InlineData("512M", 512L * 1024 * 1024)]
    [InlineData("512m", 512L * 1024 * 1024)]
    [InlineData("512MB", 512L * 1024 * 1024)]
    [InlineData("512Mi", 512L * 1024 * 1024)]
    [InlineData("1G", 1024L * 1024 * 1024)]
    [InlineData("1GiB", 1024L * 1024 * 1024)]
    [InlineData("4M", 4L * 1024 * 1024)]
    [InlineData("4096K", 4L * 1024 * 1024)]
    [InlineData("4194304B", 4L * 1024 * 1024)]
    [InlineData("64G", 64L * 1024 * 1024 * 1024)]
    public void Memory_limits_use_1024_multiples(string text, long bytes)
    {
        Assert.Null(ResourceQuantity.TryParseMemory(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("512", "not a memory limit")]
    [InlineData("M", "not a memory limit")]
    [InlineData("1.5G", "not a memory limit")]
    [InlineData("-1G", "not a memory limit")]
    [InlineData("1T", "not a memory limit")]
    [InlineData("", "not a memory limit")]
    [InlineData("3M", "out of range")]
    [InlineData("65G", "out of range")]
    [InlineData("999999999999G", "out of range")]
    public void Bad_memory_limits_say_what_is_wrong_with_an_example(string text, string fragment)
    {
        var error = ResourceQuantity.TryParseMemory(text, out _);
        Assert.NotNull(error);
        Assert.Contains(fragment, error, StringComparison.Ordinal);
        Assert.Contains("512M", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("500m", 500)]
    [InlineData("1", 1000)]
    [InlineData("1.5", 1500)]
    [InlineData("0.25", 250)]
    [InlineData("10m", 10)]
    [InlineData("64", 64_000)]
    public void Cpu_limits_are_millicores_or_cores(string text, int millicores)
    {
        Assert.Null(ResourceQuantity.TryParseCpu(text, out var parsed));
        Assert.Equal(millicores, parsed);
    }

    [Theory]
    [InlineData("9m", "out of range")]
    [InlineData("65", "out of range")]
    [InlineData("0", "out of range")]
    [InlineData("0.0005", "not a CPU limit")]
    [InlineData("1.5m", "finer than a millicore")]
    [InlineData("500M", "not a CPU limit")]
    [InlineData("half", "not a CPU limit")]
    public void Bad_cpu_limits_are_refused(string text, string fragment)
    {
        var error = ResourceQuantity.TryParseCpu(text, out _);
        Assert.NotNull(error);
        Assert.Contains(fragment, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantities_are_written_in_the_largest_whole_unit()
    {
        Assert.Equal("512M", ResourceQuantity.FormatMemory(512L * 1024 * 1024));
        Assert.Equal("1536M", ResourceQuantity.FormatMemory(1536L * 1024 * 1024));
        Assert.Equal("2G", ResourceQuantity.FormatMemory(2L * 1024 * 1024 * 1024));
        Assert.Equal("4097K", ResourceQuantity.FormatMemory(4097L * 1024));
        Assert.Equal("500m", ResourceQuantity.FormatCpu(500));
        Assert.Equal("2", ResourceQuantity.FormatCpu(2000));
    }

    [Fact]
    public void Limits_changes_set_and_remove_per_type_and_write_the_summary()
    {
        var change = LimitsChange.Apply("hello", new Dictionary<string, ProcessLimits>(), new Dictionary<string, string?> { ["web"] = "512M", ["worker"] = "1G" }, new Dictionary<string, string?> { ["web"] = "500m" }, Types);
        Assert.Equal(new ProcessLimits(512L << 20, 500), change.Values["web"]);
        Assert.Equal(new ProcessLimits(1L << 30, null), change.Values["worker"]);
        Assert.Equal("alice changed limits web=512M, worker=1G, cpu web=500m", ReleaseSummary.LimitsChanged("alice", change));

        var same = LimitsChange.Apply("hello", change.Values, new Dictionary<string, string?> { ["web"] = "512m" }, null, Types);
        Assert.True(same.IsEmpty);

        var removed = LimitsChange.Apply("hello", change.Values, new Dictionary<string, string?> { ["worker"] = null }, new Dictionary<string, string?> { ["web"] = null, ["worker"] = null }, Types);
        Assert.Equal(["web"], removed.Values.Keys);
        Assert.Equal(new ProcessLimits(512L << 20, null), removed.Values["web"]);
        Assert.Equal("alice removed limits worker, cpu web", ReleaseSummary.LimitsChanged("alice", removed));
    }

    [Fact]
    public void One_off_processes_are_sized_as_type_run_which_no_build_may_declare()
    {
        var change = LimitsChange.Apply("hello", new Dictionary<string, ProcessLimits>(), new Dictionary<string, string?> { ["run"] = "2G" }, new Dictionary<string, string?> { ["run"] = "2" }, Types);
        Assert.Equal(new ProcessLimits(2L << 30, 2000), change.Values[ProcessTypes.OneOff]);

        Assert.Contains("'run' is the type of one-off processes", Procfile.Parse("web: node server.js\nrun: node job.js\n").Error, StringComparison.Ordinal);
        Assert.StartsWith("Procfile line 2 ", Procfile.Parse("web: node server.js\nrun: node job.js\n").Error, StringComparison.Ordinal);
        var e = Assert.Throws<DomainException>(() => ProcessTypes.EnsureValid(new Dictionary<string, string> { ["run"] = "node job.js" }));
        Assert.Contains("give the process type another name", e.Message, StringComparison.Ordinal);
        Assert.Null(ProcessTypes.ValidateName("run")); // still a name: paas logs -p run.4821
    }

    [Fact]
    public void Limits_changes_refuse_unknown_types_and_bad_values_at_once()
    {
        var e = Assert.Throws<DomainException>(() => LimitsChange.Apply("hello", new Dictionary<string, ProcessLimits>(), new Dictionary<string, string?> { ["clock"] = "512M", ["web"] = "2M" }, new Dictionary<string, string?> { ["worker"] = "100" }, Types));
        Assert.Contains("no process type 'clock' (its types are web, worker; 'run' sizes one-off processes)", e.Message, StringComparison.Ordinal);
        Assert.Contains("web: '2M' is out of range", e.Message, StringComparison.Ordinal);
        Assert.Contains("worker: '100' is out of range", e.Message, StringComparison.Ordinal);
        Assert.Contains("has no build yet", Assert.Throws<DomainException>(() => LimitsChange.Apply("hello", new Dictionary<string, ProcessLimits>(), new Dictionary<string, string?> { ["web"] = "1G" }, null, null)).Message, StringComparison.Ordinal);
        Assert.Contains("no limits given", Assert.Throws<DomainException>(() => LimitsChange.Apply("hello", new Dictionary<string, ProcessLimits>(), null, null, Types)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/health", null)]
    [InlineData("/", null)]
    [InlineData("/health?full=1", null)]
    [InlineData("health", "does not start with '/'")]
    [InlineData("", "does not start with '/'")]
    [InlineData("/he alth", "a space")]
    [InlineData("/health\n", "a space")]
    [InlineData("/h\u00e9", "a space")]
    public void Health_check_paths_are_absolute_request_targets(string path, string? fragment)
    {
        var error = HealthCheckRules.ValidatePath(path);
        if (fragment is null)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.Contains(fragment, error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Health_checks_need_a_known_type_and_sane_numbers()
    {
        HealthCheckRules.EnsureValid("hello", "web", new HealthCheck("/health"), Types);
        HealthCheckRules.EnsureValid("hello", "worker", new HealthCheck("/", 60, 300, 10), Types);
        var e = Assert.Throws<DomainException>(() => HealthCheckRules.EnsureValid("hello", "clock", new HealthCheck("x", 0, 301, 11), Types));
        Assert.Contains("no process type 'clock'", e.Message, StringComparison.Ordinal);
        Assert.Contains("does not start with '/'", e.Message, StringComparison.Ordinal);
        Assert.Contains("timeout 0 is out of range", e.Message, StringComparison.Ordinal);
        Assert.Contains("interval 301 is out of range", e.Message, StringComparison.Ordinal);
        Assert.Contains("threshold 11 is out of range", e.Message, StringComparison.Ordinal);
        Assert.Contains("has no build yet", Assert.Throws<DomainException>(() => HealthCheckRules.EnsureValid("hello", "web", new HealthCheck("/"), null)).Message, StringComparison.Ordinal);
        Assert.Equal("alice set a health check on web", ReleaseSummary.HealthCheckSet("alice", "web"));
    }

    [Theory]
    [InlineData(1, 1, 1, null)]
    [InlineData(2, 10, 70, null)]
    [InlineData(1, 100, 100, null)]
    [InlineData(0, 10, 70, "min 0 and max 10 are out of range")]
    [InlineData(5, 4, 70, "min 5 and max 4 are out of range")]
    [InlineData(1, 101, 70, "out of range")]
    [InlineData(1, 2, 0, "cpu 0 is out of range")]
    [InlineData(1, 2, 101, "cpu 101 is out of range")]
    public void Autoscale_policies_keep_min_max_and_cpu_in_range(int min, int max, int cpu, string? fragment)
    {
        var policy = new AutoscalePolicy(min, max, cpu);
        if (fragment is null)
        {
            AutoscaleRules.EnsureValid("hello", "web", policy, Types);
        }
        else
        {
            Assert.Contains(fragment, Assert.Throws<DomainException>(() => AutoscaleRules.EnsureValid("hello", "web", policy, Types)).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Autoscale_needs_a_type_of_the_current_build()
    {
        Assert.Contains("no process type 'clock'", Assert.Throws<DomainException>(() => AutoscaleRules.EnsureValid("hello", "clock", new AutoscalePolicy(1, 2, 50), Types)).Message, StringComparison.Ordinal);
        Assert.Contains("has no build yet", Assert.Throws<DomainException>(() => AutoscaleRules.EnsureValid("hello", "web", new AutoscalePolicy(1, 2, 50), null)).Message, StringComparison.Ordinal);
    }
}
