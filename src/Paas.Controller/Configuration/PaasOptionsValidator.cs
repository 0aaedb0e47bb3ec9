using System.Net;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Paas.Controller;

/// <summary>Checks <see cref="PaasOptions"/> at start-up and reports every problem at once, naming the environment variable to fix.</summary>
internal sealed class PaasOptionsValidator : IValidateOptions<PaasOptions>
{
    private static readonly string[] Modes = ["admin_only", "enabled", "disabled"];

    public ValidateOptionsResult Validate(string? name, PaasOptions options)
    {
        var errors = new List<string>();
        CheckPort(errors, "PAAS_API_PORT", options.ApiPort);
        CheckPort(errors, "PAAS_HTTP_PORT", options.HttpPort);
        CheckPort(errors, "PAAS_HTTPS_PORT", options.HttpsPort);
        CheckPort(errors, "PAAS_REGISTRY_PORT", options.RegistryPort);
        var ports = new[] { ("PAAS_API_PORT", options.ApiPort), ("PAAS_HTTP_PORT", options.HttpPort), ("PAAS_HTTPS_PORT", options.HttpsPort), ("PAAS_REGISTRY_PORT", options.RegistryPort) };
        foreach (var group in ports.Where(p => p.Item2 > 0).GroupBy(p => p.Item2).Where(g => g.Count() > 1))
        {
            errors.Add($"{string.Join(" and ", group.Select(p => p.Item1))} are all {group.Key}: each part needs its own port");
        }

        if (Uri.CheckHostName(options.Domain) is not (UriHostNameType.Dns) || options.Domain.EndsWith('.'))
        {
            errors.Add($"PAAS_DOMAIN '{options.Domain}' is not a DNS name (e.g. localhost or paas.example.com)");
        }

        if (!IPAddress.TryParse(options.ListenAddress, out _))
        {
            errors.Add($"PAAS_LISTEN_ADDRESS '{options.ListenAddress}' is not an IP address (e.g. 127.0.0.1 or 0.0.0.0)");
        }

        if (!Modes.Contains(options.RegistrationMode))
        {
            errors.Add($"PAAS_REGISTRATION_MODE '{options.RegistrationMode}' is not one of {string.Join(", ", Modes)}");
        }

        foreach (var entry in options.TrustedProxyEntries())
        {
            if (PaasOptions.ParseNetwork(entry) is null)
            {
                errors.Add($"PAAS_TRUSTED_PROXIES entry '{entry}' is neither an IP address nor a CIDR range (e.g. 10.42.0.0/16 or 192.0.2.7)");
            }
        }

        if (options.Scheduler is not ("local" or "podman" or "kubernetes"))
        {
            errors.Add($"PAAS_SCHEDULER '{options.Scheduler}' is not local, podman or kubernetes");
        }

        CheckDataDir(errors, options.DataDir);
        CheckDatabase(errors, options.Database);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckPort(List<string> errors, string variable, int port)
    {
        if (port is < 0 or > 65535)
        {
            errors.Add($"{variable} {port} is not a TCP port (0-65535; 0 picks a free one)");
        }
    }

    private static void CheckDataDir(List<string> errors, string dataDir)
    {
        if (string.IsNullOrWhiteSpace(dataDir))
        {
            errors.Add("PAAS_DATA_DIR is empty: name a folder the platform may write to");
            return;
        }

        try
        {
            Directory.CreateDirectory(dataDir);
            var probe = Path.Combine(dataDir, $".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"PAAS_DATA_DIR '{dataDir}' is not a folder the platform can write to: {e.Message}");
        }
    }

    private static void CheckDatabase(List<string> errors, string? database)
    {
        if (string.IsNullOrWhiteSpace(database) || database.StartsWith("Data Source=", StringComparison.OrdinalIgnoreCase) || database.EndsWith(".db", StringComparison.Ordinal))
        {
            return;
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(database);
            if (string.IsNullOrEmpty(builder.Host))
            {
                errors.Add("PAAS_DATABASE names no Host: use e.g. 'Host=127.0.0.1;Port=5432;Database=paas;Username=paas;Password=...', or leave it empty for SQLite");
            }
        }
        catch (ArgumentException e)
        {
            errors.Add($"PAAS_DATABASE is not a PostgreSQL connection string ({e.Message}); leave it empty for SQLite");
        }
    }
}
