using Paas.Chart.Tests.Rendering;

namespace Paas.Chart.Tests;

/// <summary>What <c>helm install</c> prints afterwards: the DNS record to create, how to register, how to push.</summary>
public sealed class NotesTests(ITestOutputHelper output)
{
    [Fact]
    public void The_default_install_says_to_point_the_wildcard_at_the_load_balancer_and_register_at_the_api_address()
    {
        var notes = NotesRenderer.Render("--values", ChartCase.ValuesFile("default"));
        output.WriteLine(notes);

        Assert.Contains("*.example.com  ->  the router's address", notes, StringComparison.Ordinal);
        Assert.Contains("kubectl --namespace paas-system get service paas-router", notes, StringComparison.Ordinal);
        Assert.Contains("paas register http://$API", notes, StringComparison.Ordinal);
        Assert.Contains("get service paas-api -o jsonpath='{.status.loadBalancer.ingress[0].ip}{.status.loadBalancer.ingress[0].hostname}'", notes, StringComparison.Ordinal);
        Assert.Contains("git push paas main", notes, StringComparison.Ordinal);
        Assert.Contains("Nodes pull app images from 127.0.0.1:5555 (the registry proxy on every node).", notes, StringComparison.Ordinal);
        Assert.Contains("data-paas-postgresql-0", notes, StringComparison.Ordinal);
    }

    [Fact]
    public void With_an_api_ingress_and_a_router_daemonset_the_notes_follow()
    {
        var notes = NotesRenderer.Render("--values", ChartCase.ValuesFile("router-daemonset"), "--values", ChartCase.ValuesFile("api-ingress"), "--set", "domain=apps.example.org");
        output.WriteLine(notes);

        Assert.Contains("*.apps.example.org  ->  the router's address", notes, StringComparison.Ordinal);
        Assert.Contains("on ports 80 and 443", notes, StringComparison.Ordinal);
        Assert.Contains("paas register https://paas.example.com", notes, StringComparison.Ordinal);
    }

    [Fact]
    public void With_node_ports_the_notes_give_the_commands_that_find_them()
    {
        var notes = NotesRenderer.Render("--values", ChartCase.ValuesFile("nodeports"));

        Assert.Contains("get service paas-router -o jsonpath='{.spec.ports[*].nodePort}'", notes, StringComparison.Ordinal);
        Assert.Contains("paas register http://NODE_ADDRESS:$PORT", notes, StringComparison.Ordinal);
    }

    [Fact]
    public void With_the_registry_behind_an_ingress_nodes_pull_from_its_host()
    {
        var notes = NotesRenderer.Render("--values", ChartCase.ValuesFile("registry-ingress"));

        Assert.Contains("Nodes pull app images from registry.example.com.", notes, StringComparison.Ordinal);
        Assert.DoesNotContain("registry proxy", notes, StringComparison.Ordinal);
    }
}
