using Paas.Chart.Tests.Helm;
using Paas.Chart.Tests.Rendering;

namespace Paas.Chart.Tests;

/// <summary>
/// Values that cannot work stop <c>helm template</c> (and so <c>helm install</c>) with a message naming the value: types,
/// names and enumerations by values.schema.json; requirements between values by the templates.
/// </summary>
public sealed class SchemaTests
{
    public static TheoryData<string[], string> Rejections => new()
    {
        // values.schema.json
        { ["--set", "controller.replicas=two"], "controller.replicas: Invalid type. Expected: integer, given: string" },
        { ["--set-string", "buildTimeout=900"], "buildTimeout: Invalid type. Expected: integer, given: string" },
        { ["--set", "registryProxy.enabled=maybe"], "registryProxy.enabled: Invalid type. Expected: boolean, given: string" },
        { ["--set", "controler.replicas=2"], "Additional property controler is not allowed" },
        { ["--set", "router.service.loadBalancerIP=1.2.3.4"], "router.service: Additional property loadBalancerIP is not allowed" },
        { ["--set", "router.kind=Daemonset"], "router.kind: router.kind must be one of the following: \"Deployment\", \"DaemonSet\"" },
        { ["--set", "registrationMode=open"], "registrationMode: registrationMode must be one of the following" },
        { ["--set", "domain=Example.COM."], "domain: Does not match pattern" },
        { ["--set", "router.resources.limits.memory=lots"], "router.resources.limits.memory: Does not match pattern" },
        { ["--set", "api.service.nodePort=80"], "api.service.nodePort: Must be greater than or equal to 30000" },
        { ["--set", "namespacePrefix=Apps_"], "namespacePrefix: Does not match pattern" },
        { ["--set", "ldap.url=https://dc.example.com"], "ldap.url: Does not match pattern" },
        // the templates
        { [], "domain is required: the platform's DNS domain, where apps answer as APP.DOMAIN (e.g. --set domain=example.com)" },
        { ["--set", "ldap.enabled=true", "--set", "ldap.userBase=dc=example"], "ldap.url is required with ldap.enabled" },
        { ["--set", "ldap.enabled=true", "--set", "ldap.url=ldap://ldap"], "ldap.userBase is required with ldap.enabled" },
        { ["--set", "ldap.enabled=true", "--set", "ldap.url=ldap://ldap", "--set", "ldap.userBase=dc=example", "--set", "ldap.bindDn=cn=paas"], "ldap.bindPasswordSecret.name is required with ldap.bindDn" },
        { ["--set", "registryProxy.enabled=false"], "nodes cannot pull app images: registryProxy.enabled is false and registry.expose.type is none" },
        { ["--set", "registryProxy.enabled=false", "--set", "registry.expose.type=ingress", "--set", "registry.expose.ingress.tlsSecretName=tls"], "registry.expose.ingress.host is required with registry.expose.type=ingress" },
        { ["--set", "registry.expose.type=ingress", "--set", "registry.expose.ingress.host=registry.example.com"], "registry.expose.ingress.tlsSecretName is required with registry.expose.type=ingress" },
        { ["--set", "postgresql.enabled=false"], "postgresql.enabled is false: give externalDatabase.connectionString" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public void Impossible_values_fail_with_a_message_naming_them(string[] values, string message)
    {
        string[] domain = values.Length == 0 || values.Contains("domain=Example.COM.") ? [] : ["--set", "domain=example.com"];

        var error = HelmTool.Instance.Run(null, ["template", ChartCase.Release, ChartCase.ChartDirectory, .. domain, .. values]).Failed();

        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_values_file_of_the_wrong_shape_names_every_problem_at_once()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "domain: example.com\ncontroller:\n  replicas: \"2\"\nrouter:\n  kind: Ingress\n  replica: 2\n");

            var error = HelmTool.Instance.Run(null, "template", ChartCase.Release, ChartCase.ChartDirectory, "--values", file).Failed();

            Assert.Contains("controller.replicas: Invalid type. Expected: integer, given: string", error, StringComparison.Ordinal);
            Assert.Contains("router.kind: router.kind must be one of the following", error, StringComparison.Ordinal);
            Assert.Contains("router: Additional property replica is not allowed", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
