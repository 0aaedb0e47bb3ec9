using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Paas.Router.Hosting;

namespace Paas.Router.Tests.Hosting;

public sealed class RouterOptionsTests
{
    [Fact]
    public void Every_bad_setting_is_reported_at_once()
    {
        using var services = Build(new()
        {
            ["Paas:Router:HttpPort"] = "70000",
            ["Paas:Router:Domain"] = "not a domain",
            ["Paas:Router:ConnectTimeout"] = "00:00:00",
            ["Paas:Router:ListenAddress"] = "somewhere",
            ["Paas:Router:MaxConcurrentConnections"] = "0",
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RouterOptions>>().Value);

        Assert.Equal(5, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.Contains("MaxConcurrentConnections", StringComparison.Ordinal));
    }

    [Fact]
    public void Flat_platform_keys_win_over_the_section()
    {
        using var services = Build(new()
        {
            ["Paas:Router:HttpPort"] = "1000",
            ["PAAS_HTTP_PORT"] = "8081",
            ["PAAS_HTTPS_PORT"] = "8444",
            ["PAAS_DOMAIN"] = "paas.example.com",
        });

        var options = services.GetRequiredService<IOptions<RouterOptions>>().Value;

        Assert.Equal(8081, options.HttpPort);
        Assert.Equal(8444, options.HttpsPort);
        Assert.Equal("paas.example.com", options.Domain);
        Assert.Equal(TimeSpan.FromSeconds(30), options.FirstByteTimeout);
    }

    [Fact]
    public void Kestrel_limits_have_nginx_like_defaults_and_follow_the_options()
    {
        using (var services = Build([]))
        {
            var options = services.GetRequiredService<IOptions<RouterOptions>>().Value;
            Assert.Equal(TimeSpan.FromSeconds(60), options.RequestHeadersTimeout);
            Assert.Equal(TimeSpan.FromSeconds(90), options.KeepAliveTimeout);
            Assert.Equal(10_000, options.MaxConcurrentConnections);
            Assert.Null(options.MaxRequestBodySize);
        }

        using (var services = Build(new() { ["Paas:Router:RequestHeadersTimeout"] = "00:00:02", ["Paas:Router:MaxConcurrentConnections"] = "" }))
        {
            var options = services.GetRequiredService<IOptions<RouterOptions>>().Value;
            Assert.Equal(TimeSpan.FromSeconds(2), options.RequestHeadersTimeout);
        }
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddPaasRouter(configuration).BuildServiceProvider();
    }
}
