namespace Paas.Testing.Kubernetes.Streaming;

/// <summary>
/// How <c>pods/exec</c> runs a command when a test provides <see cref="FakeKubernetesOptions.Exec"/> (the kubelet contract has
/// no exec): read <paramref name="Stdin"/>, write <paramref name="Stdout"/> and <paramref name="Stderr"/>, return the exit code.
/// </summary>
/// <param name="Pod">The pod.</param>
/// <param name="Container">The container.</param>
/// <param name="Command">The command's argv.</param>
/// <param name="Stdin">Standard input (empty when not asked for).</param>
/// <param name="Stdout">Standard output.</param>
/// <param name="Stderr">Standard error.</param>
public sealed record FakeExec(Kubelet.FakePodKey Pod, string Container, IReadOnlyList<string> Command, TextReader Stdin, TextWriter Stdout, TextWriter Stderr);
