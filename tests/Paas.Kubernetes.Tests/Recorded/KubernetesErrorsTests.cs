using System.Net;
using k8s.Autorest;

namespace Paas.Kubernetes.Tests.Recorded;

/// <summary><see cref="KubernetesErrors"/> on error bodies recorded from a real API server (v1.32).</summary>
public sealed class KubernetesErrorsTests
{
    [Fact]
    public void A_missing_permission_names_the_verb_and_resource()
    {
        var e = Translate("exchanges/30-list-deployments-forbidden-403.json");

        Assert.False(e.IsTransient);
        Assert.Contains("lacks a permission while deploying v2 of hello", e.Message, StringComparison.Ordinal);
        Assert.Contains("cannot list resource \"deployments\" in API group \"apps\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("rbac.yaml", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_terminating_namespace_says_to_try_again()
    {
        var e = Translate("exchanges/66-apply-configmap-in-terminating-namespace-403.json");

        Assert.True(e.IsTransient);
        Assert.Contains("still being deleted", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_object_quotes_the_server()
    {
        var e = Translate("exchanges/21-apply-deployment-negative-replicas-422.json");

        Assert.False(e.IsTransient);
        Assert.Contains("spec.replicas: Invalid value: -1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_credentials_point_at_the_kubeconfig() =>
        Assert.Contains("PAAS_KUBECONFIG", Translate("exchanges/24-get-without-token-401.json").Message, StringComparison.Ordinal);

    [Fact]
    public void An_unreachable_server_is_transient()
    {
        var e = KubernetesErrors.Translate(new HttpRequestException("Connection refused (127.0.0.1:6443)"), new Uri("https://127.0.0.1:6443"), "scaling hello");

        Assert.NotNull(e);
        Assert.True(e.IsTransient);
        Assert.Equal("the Kubernetes API server at https://127.0.0.1:6443/ cannot be reached while scaling hello: Connection refused (127.0.0.1:6443); check that it runs and that PAAS_KUBECONFIG points at it", e.Message);
    }

    private static Paas.Scheduling.SchedulerUnavailableException Translate(string file)
    {
        var exchange = Recordings.Load(file);
        var response = exchange["response"]!;
        var http = new HttpOperationException("recorded")
        {
            Response = new HttpResponseMessageWrapper(new HttpResponseMessage((HttpStatusCode)response["status"]!.GetValue<int>()), response["body"]!.ToJsonString()),
        };
        return KubernetesErrors.Translate(http, null, "deploying v2 of hello") ?? throw new Xunit.Sdk.XunitException($"{file} was not translated");
    }
}
