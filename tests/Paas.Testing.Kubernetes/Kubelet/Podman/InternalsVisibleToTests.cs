using System.Runtime.CompilerServices;

// The podman kubelet's pure pieces (arguments, messages, back-off, log serving) are unit-tested without podman.
[assembly: InternalsVisibleTo("Paas.Testing.Kubernetes.Podman.Tests")]
