using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Paas.Kubernetes.Rollouts;

namespace Paas.Kubernetes.Tests.Recorded;

/// <summary><see cref="RolloutState"/> read against Deployment status sequences recorded on a real node (v1.28).</summary>
public sealed class RolloutStateTests
{
    [Theory]
    [InlineData("v1.28/02a-deployment-status-until-available.json")]
    [InlineData("v1.28/03c-deployment-status-rollout.json")]
    public void Only_the_last_sample_of_a_rollout_is_complete(string file)
    {
        var deployment = Recordings.Body<V1Deployment>("v1.28/02b-get-deployment-available.json");
        var samples = Recordings.Load(file).AsArray();

        var states = samples.Select(s => RolloutState.Of(With(deployment, s!))).ToList();

        Assert.True(states[^1].Complete, states[^1].Progress);
        Assert.All(states[..^1], s => Assert.False(s.Complete, s.Progress));
        Assert.All(states, s => Assert.Null(s.Failure));
    }

    [Fact]
    public void A_status_not_yet_observed_is_not_complete()
    {
        var deployment = Recordings.Body<V1Deployment>("v1.28/02b-get-deployment-available.json");
        deployment.Metadata.Generation = deployment.Status.ObservedGeneration + 1;

        Assert.False(RolloutState.Of(deployment).Complete);
    }

    [Fact]
    public void A_crash_looping_deployment_is_not_complete()
    {
        var deployment = Recordings.Body<V1Deployment>("v1.28/06f-get-deployment-crash.json");

        var state = RolloutState.Of(deployment);

        Assert.False(state.Complete);
        Assert.Contains("0 of 1", state.Progress, StringComparison.Ordinal);
    }

    [Fact]
    public void Progress_deadline_exceeded_is_a_failure()
    {
        var deployment = Recordings.Body<V1Deployment>("v1.28/06f-get-deployment-crash.json");
        var progressing = deployment.Status.Conditions.Single(c => c.Type == "Progressing");
        progressing.Status = "False";
        progressing.Reason = "ProgressDeadlineExceeded";
        progressing.Message = "ReplicaSet \"demo-app-crash-7fb7667995\" has timed out progressing.";

        Assert.Contains("timed out progressing", RolloutState.Of(deployment).Failure, StringComparison.Ordinal);
    }

    private static V1Deployment With(V1Deployment deployment, JsonNode sample)
    {
        var copy = KubernetesJson.Deserialize<V1Deployment>(KubernetesJson.Serialize(deployment));
        copy.Metadata.Generation = sample["generation"]?.GetValue<long>() ?? copy.Metadata.Generation;
        copy.Status = KubernetesJson.Deserialize<V1DeploymentStatus>(sample["status"]!.ToJsonString());
        return copy;
    }
}
