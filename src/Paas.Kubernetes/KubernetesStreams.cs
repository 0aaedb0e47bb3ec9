using k8s;

namespace Paas.Kubernetes;

/// <summary>
/// The client for long-lived requests (watches, <c>pods/log?follow=true</c>): the same API server and credentials as the
/// ordinary client, without its 100 s request timeout, which would cut a followed log or a watch mid-stream.
/// </summary>
/// <param name="Client">The client.</param>
public sealed record KubernetesStreams(IKubernetes Client);
