using System.Net;
using Microsoft.Extensions.Options;

namespace Paas.Router.Hosting;

/// <summary>Checks <see cref="RouterOptions"/> at start-up and reports every problem at once.</summary>
internal sealed class RouterOptionsValidator : IValidateOptions<RouterOptions>
{
    public ValidateOptionsResult Validate(string? name, RouterOptions options)
    {
        var problems = new List<string>();
        if (options.HttpPort is < 0 or > 65535)
        {
            problems.Add($"Paas:Router:HttpPort must be between 0 and 65535 (got {options.HttpPort}).");
        }

        if (options.HttpsPort is < -1 or > 65535)
        {
            problems.Add($"Paas:Router:HttpsPort must be between 0 and 65535, or -1 to disable HTTPS (got {options.HttpsPort}).");
        }

        if (options.HttpPort > 0 && options.HttpPort == options.HttpsPort)
        {
            problems.Add($"Paas:Router:HttpPort and HttpsPort must differ (both {options.HttpPort}).");
        }

        if (options.PublicHttpsPort is < 1 or > 65535)
        {
            problems.Add($"Paas:Router:PublicHttpsPort must be between 1 and 65535 (got {options.PublicHttpsPort}).");
        }

        if (options.ListenAddress != "*" && !IPAddress.TryParse(options.ListenAddress, out _))
        {
            problems.Add($"Paas:Router:ListenAddress must be '*' or an IP address (got '{options.ListenAddress}').");
        }

        if (string.IsNullOrWhiteSpace(options.Domain) || Uri.CheckHostName(options.Domain) != UriHostNameType.Dns)
        {
            problems.Add($"Paas:Router:Domain must be a DNS name such as paas.example.com (got '{options.Domain}').");
        }

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            problems.Add("Paas:Router:DataDirectory must be set.");
        }

        Positive(problems, nameof(options.ConnectTimeout), options.ConnectTimeout);
        Positive(problems, nameof(options.FirstByteTimeout), options.FirstByteTimeout);
        Positive(problems, nameof(options.IdleTimeout), options.IdleTimeout);
        Positive(problems, nameof(options.EndpointRetryDelay), options.EndpointRetryDelay);
        Positive(problems, nameof(options.BackendPoolIdleTimeout), options.BackendPoolIdleTimeout);
        Positive(problems, nameof(options.BackendConnectionLifetime), options.BackendConnectionLifetime);
        Positive(problems, nameof(options.RequestHeadersTimeout), options.RequestHeadersTimeout);
        Positive(problems, nameof(options.KeepAliveTimeout), options.KeepAliveTimeout);
        Positive(problems, nameof(options.MinRequestBodyGracePeriod), options.MinRequestBodyGracePeriod);
        if (options.MinRequestBodyBytesPerSecond < 0)
        {
            problems.Add($"Paas:Router:MinRequestBodyBytesPerSecond must be 0 (off) or more (got {options.MinRequestBodyBytesPerSecond}).");
        }

        AtLeastOne(problems, nameof(options.MaxConcurrentConnections), options.MaxConcurrentConnections);
        AtLeastOne(problems, nameof(options.MaxConcurrentUpgradedConnections), options.MaxConcurrentUpgradedConnections);
        AtLeastOne(problems, nameof(options.MaxRequestHeadersTotalSize), options.MaxRequestHeadersTotalSize);
        AtLeastOne(problems, nameof(options.MaxRequestHeaderCount), options.MaxRequestHeaderCount);
        AtLeastOne(problems, nameof(options.MaxRequestLineSize), options.MaxRequestLineSize);
        AtLeastOne(problems, nameof(options.MaxRequestBodySize), options.MaxRequestBodySize);

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void AtLeastOne(List<string> problems, string name, long? value)
    {
        if (value is < 1)
        {
            problems.Add($"Paas:Router:{name} must be at least 1 (got {value}).");
        }
    }

    private static void Positive(List<string> problems, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"Paas:Router:{name} must be positive (got {value}).");
        }
    }
}
