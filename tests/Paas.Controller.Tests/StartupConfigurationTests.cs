using Paas.Server;
using Xunit;

namespace Paas.Controller.Tests;

public sealed class StartupConfigurationTests
{
    [Fact]
    public async Task Bad_settings_are_all_reported_before_anything_starts()
    {
        var dir = Path.Combine(Path.GetTempPath(), "paas-cfg-" + Guid.NewGuid().ToString("N")[..8]);
        var environment = new Dictionary<string, string?>
        {
            ["Paas:DataDir"] = dir,
            ["Paas:ApiPort"] = "seven-thousand",
            ["Paas:HttpPort"] = "70000",
            ["Paas:HttpsPort"] = "9000",
            ["Paas:RegistryPort"] = "9000",
            ["Paas:Domain"] = "not a domain!",
            ["Paas:ListenAddress"] = "everywhere",
            ["Paas:RegistrationMode"] = "sometimes",
            ["Paas:TrustedProxies"] = "10.0.0.0/8, proxy.example",
            ["Paas:Database"] = "Host=;Port=notaport",
        };
        var (platform, errors) = PaasPlatform.Create([], environment);
        await platform.DisposeAsync();

        string[] expected =
        [
            "PAAS_API_PORT 'seven-thousand' is not a number",
            "PAAS_HTTP_PORT 70000 is not a TCP port",
            "PAAS_HTTPS_PORT and PAAS_REGISTRY_PORT are all 9000",
            "PAAS_DOMAIN 'not a domain!' is not a DNS name",
            "PAAS_LISTEN_ADDRESS 'everywhere' is not an IP address",
            "PAAS_REGISTRATION_MODE 'sometimes' is not one of",
            "PAAS_TRUSTED_PROXIES entry 'proxy.example' is neither an IP address nor a CIDR range",
            "PAAS_DATABASE",
        ];
        foreach (var fragment in expected)
        {
            Assert.Contains(errors, e => e.Contains(fragment, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_stack_that_is_not_an_oci_layout_stops_the_platform_at_start()
    {
        var dir = Path.Combine(Path.GetTempPath(), "paas-cfg-" + Guid.NewGuid().ToString("N")[..8]);
        var notALayout = Directory.CreateDirectory(Path.Combine(dir, "not-a-layout")).FullName;
        try
        {
            var (platform, errors) = PaasPlatform.Create([], new Dictionary<string, string?>
            {
                ["Paas:DataDir"] = dir,
                ["Builder:StackImage"] = notALayout,
            });
            await platform.DisposeAsync();

            var error = Assert.Single(errors);
            Assert.Contains($"PAAS_STACK_IMAGE (Builder:StackImage) '{notALayout}' is not a usable stack", error, StringComparison.Ordinal);
            Assert.Contains("no oci-layout or index.json", error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task The_kubernetes_scheduler_without_a_stack_or_kubeconfig_stops_the_platform_with_what_to_set()
    {
        var dir = Path.Combine(Path.GetTempPath(), "paas-cfg-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var (platform, errors) = PaasPlatform.Create([], new Dictionary<string, string?>
            {
                ["Paas:DataDir"] = dir,
                ["Paas:Scheduler"] = "kubernetes",
                ["Paas:Kubernetes:Kubeconfig"] = Path.Combine(dir, "missing-kubeconfig"),
            });
            await platform.DisposeAsync();

            Assert.Contains(errors, e => e.StartsWith("PAAS_SCHEDULER=kubernetes needs PAAS_STACK_IMAGE", StringComparison.Ordinal));
            Assert.Contains(errors, e => e.Contains("PAAS_KUBECONFIG names a file that does not exist", StringComparison.Ordinal));
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public async Task The_podman_scheduler_without_a_stack_or_podman_stops_the_platform_with_what_to_set()
    {
        var dir = Path.Combine(Path.GetTempPath(), "paas-cfg-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var (platform, errors) = PaasPlatform.Create([], new Dictionary<string, string?>
            {
                ["Paas:DataDir"] = dir,
                ["Paas:Scheduler"] = "podman",
                ["Paas:Podman:PodmanPath"] = Path.Combine(dir, "no-podman"),
            });
            await platform.DisposeAsync();

            Assert.Contains(errors, e => e.StartsWith("PAAS_SCHEDULER=podman needs PAAS_STACK_IMAGE", StringComparison.Ordinal));
            Assert.Contains(errors, e => e.Contains("PAAS_SCHEDULER=podman needs podman: PAAS_PODMAN_PATH", StringComparison.Ordinal));
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
