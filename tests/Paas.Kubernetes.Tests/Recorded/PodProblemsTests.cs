using k8s.Models;
using Paas.Kubernetes.Processes;

namespace Paas.Kubernetes.Tests.Recorded;

/// <summary><see cref="PodProblems"/> against pods recorded on a real node (v1.28) in each failure.</summary>
public sealed class PodProblemsTests
{
    [Fact]
    public void Crash_loop_names_the_exit_status_and_restarts()
    {
        var reason = PodProblems.Reason(Recordings.Body<V1Pod>("v1.28/06c-get-pod-crashloopbackoff.json"));

        Assert.Equal("crashed: exited with status 3 (Error), 3 restarts (CrashLoopBackOff)", reason);
    }

    [Fact]
    public void A_first_crash_is_given_a_second_chance()
    {
        var pod = Recordings.Body<V1Pod>("v1.28/06c-get-pod-crashloopbackoff.json");
        pod.Status.ContainerStatuses[0].RestartCount = 1;

        Assert.Null(PodProblems.Reason(pod));
    }

    [Fact]
    public void Image_pull_back_off_keeps_the_kubelet_message()
    {
        var reason = PodProblems.Reason(Recordings.Body<V1Pod>("v1.28/07c-get-pod-imagepullbackoff.json"));

        Assert.StartsWith("ImagePullBackOff: Back-off pulling image \"127.0.0.1:5055/nope:1\"", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Out_of_memory_names_the_limit()
    {
        var reason = PodProblems.Reason(Recordings.Body<V1Pod>("v1.28/09c-get-pod-oomkilled.json"));

        Assert.StartsWith("ran out of memory (OOMKilled, limit 16Mi)", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_running_ready_pod_has_no_problem() =>
        Assert.Null(PodProblems.Reason(Recordings.Body<V1Pod>("v1.28/02e-get-pod-running.json")));
}
