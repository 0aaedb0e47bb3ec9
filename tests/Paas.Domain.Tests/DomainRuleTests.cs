using Xunit;

namespace Paas.Domain.Tests;

public sealed class DomainRuleTests
{
    [Theory]
    [InlineData("hello", true)]
    [InlineData("a", true)]
    [InlineData("my-app-2", true)]
    [InlineData("abcdefghijabcdefghijabcdefghij", true)]
    [InlineData("abcdefghijabcdefghijabcdefghijk", false)]
    [InlineData("Hello", false)]
    [InlineData("2fast", false)]
    [InlineData("end-", false)]
    [InlineData("www", false)]
    [InlineData("", false)]
    [InlineData("a.b", false)]
    public void App_names_are_dns_labels(string name, bool valid) => Assert.Equal(valid, AppName.Validate(name) is null);

    [Fact]
    public void Generated_app_names_are_valid()
    {
        var generator = new AppNameGenerator(new Random(42));
        for (var i = 0; i < 500; i++)
        {
            var name = generator.Next();
            Assert.Null(AppName.Validate(name));
        }
    }

    [Theory]
    [InlineData("FOO", true)]
    [InlineData("_x1", true)]
    [InlineData("database_url", true)]
    [InlineData("1X", false)]
    [InlineData("A-B", false)]
    [InlineData("PORT", false)]
    [InlineData("PAAS_RELEASE", false)]
    [InlineData("HEROKU_APP_NAME", true)] // release metadata: a config var of that name replaces the platform's value
    [InlineData("WORKFLOW_RELEASE", true)]
    public void Config_names_are_posix_environment_names(string name, bool valid) => Assert.Equal(valid, ConfigVarName.Validate(name) is null);

    [Fact]
    public void Config_changes_report_added_changed_and_removed()
    {
        var current = new Dictionary<string, string> { ["A"] = "1", ["B"] = "2", ["C"] = "3" };
        var change = ConfigChange.Apply(current, new Dictionary<string, string?> { ["A"] = "1", ["B"] = "20", ["C"] = null, ["D"] = "4", ["E"] = null });
        Assert.Equal(["D"], change.Added);
        Assert.Equal(["B"], change.Changed);
        Assert.Equal(["C"], change.Removed);
        Assert.Equal(["A", "B", "D"], change.Values.Keys);
        Assert.Equal("bob added D, changed B, removed C", ReleaseSummary.ConfigChanged("bob", change));
        Assert.True(ConfigChange.Apply(current, new Dictionary<string, string?> { ["A"] = "1" }).IsEmpty);
    }

    [Fact]
    public void Config_changes_refuse_every_bad_name_at_once_and_oversized_configs()
    {
        var e = Assert.Throws<DomainException>(() => ConfigChange.Apply(new Dictionary<string, string>(), new Dictionary<string, string?> { ["1A"] = "x", ["B-C"] = "y", ["OK"] = "z" }));
        Assert.Contains("'1A'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'B-C'", e.Message, StringComparison.Ordinal);
        Assert.Throws<DomainException>(() => ConfigChange.Apply(new Dictionary<string, string>(), new Dictionary<string, string?> { ["BIG"] = new string('x', ConfigChange.MaxTotalSize) }));
        Assert.Throws<DomainException>(() => ConfigChange.Apply(new Dictionary<string, string>(), new Dictionary<string, string?> { ["NUL"] = "a\0b" }));
        Assert.Throws<DomainException>(() => ConfigChange.Apply(new Dictionary<string, string>(), new Dictionary<string, string?>()));
    }

    private static Release R(int version, ReleaseState state = ReleaseState.Succeeded, bool build = true) =>
        new($"r{version}", "app", version, build ? new Build($"b{version}", "app", "img", null, new Dictionary<string, string>(), "u", DateTimeOffset.UnixEpoch) : null, $"c{version}", new Dictionary<string, string>(), "", "u", state, state == ReleaseState.Failed ? "boom" : null, DateTimeOffset.UnixEpoch);

    [Fact]
    public void Rollback_defaults_to_the_newest_succeeded_release_before_the_current()
    {
        var history = new[] { R(1, build: false), R(2), R(3, ReleaseState.Failed), R(4) }.ToDictionary(r => r.Version);
        var target = ReleaseLedger.ChooseRollbackTarget("app", history[4], null, v => history.GetValueOrDefault(v), v => history.Values.Where(r => r.Version < v && r.State == ReleaseState.Succeeded).MaxBy(r => r.Version));
        Assert.Equal(2, target.Version);
    }

    [Theory]
    [InlineData(1, "has no build")]
    [InlineData(3, "failed to deploy")]
    [InlineData(4, "already")]
    [InlineData(0, "versions start at v1")]
    public void Rollback_refuses_what_cannot_be_restored(int version, string reason)
    {
        var history = new[] { R(1, build: false), R(2), R(3, ReleaseState.Failed), R(4) }.ToDictionary(r => r.Version);
        var e = Assert.Throws<DomainException>(() => ReleaseLedger.ChooseRollbackTarget("app", history[4], version, v => history.GetValueOrDefault(v), _ => null));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rollback_to_a_missing_version_is_not_found()
    {
        var e = Assert.Throws<DomainException>(() => ReleaseLedger.ChooseRollbackTarget("app", R(2), 9, _ => null, _ => null));
        Assert.Equal(DomainErrorKind.NotFound, e.Kind);
    }

    [Fact]
    public void Summaries_read_like_heroku()
    {
        Assert.Equal("alice deployed 1a2b3c4", ReleaseSummary.Deployed("alice", "1a2b3c4d5e6f", "img"));
        Assert.Equal("alice deployed hello:1", ReleaseSummary.Deployed("alice", null, "hello:1"));
        Assert.Equal("alice rolled back to v2", ReleaseSummary.RolledBack("alice", 2));
        Assert.Equal("alice created initial release", ReleaseSummary.Initial("alice"));
    }

    [Fact]
    public void A_first_build_starts_one_web_process_and_keeps_set_counts()
    {
        var types = new Dictionary<string, string> { ["web"] = "a", ["worker"] = "b" };
        Assert.Equal(new Dictionary<string, int> { ["web"] = 1, ["worker"] = 0 }, Formation.ForBuild(new Dictionary<string, int>(), types));
        Assert.Equal(new Dictionary<string, int> { ["web"] = 3, ["worker"] = 0 }, Formation.ForBuild(new Dictionary<string, int> { ["web"] = 3 }, types));
    }

    [Theory]
    [InlineData("hello", true)]
    [InlineData("127.0.0.1:5000/hello:git-1a2b3c4", true)]
    [InlineData("registry.example.com/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true)]
    [InlineData("Hello", false)]
    [InlineData("hello:", false)]
    [InlineData("hello@sha256:abc", false)]
    [InlineData("a b", false)]
    public void Image_references_follow_the_distribution_grammar(string reference, bool valid) =>
        Assert.Equal(valid, ImageReference.Validate(reference) is null);
}
