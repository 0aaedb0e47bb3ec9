namespace Paas.Testing.Kubernetes.Podman.Tests.Units;

public sealed class CreateCommandTests
{
    private static readonly FakePodSpec Pod = TestPods.Web("web") with
    {
        Env = [new("PORT", "5000"), new("SECRET", "s3cr3t value"), new("PATH", "/app/bin:/bin"), new("PORT", "5001")],
        Ports = [new FakeContainerPort("http", 5000), new FakeContainerPort("dns", 53, "UDP")],
        Liveness = new FakeProbe(TcpPort: null, HttpPath: "/healthz", HttpPort: 8081),
        MemoryLimitBytes = 64 * 1024 * 1024,
        CpuLimitMillicores = 200,
        WorkingDir = "/app",
        RunAsUser = 1000,
        Stdin = true,
        Tty = true,
    };

    [Fact]
    public void Values_stay_off_the_command_line_and_reserved_names_go_to_the_env_file()
    {
        var (args, environment, envFile) = CreateCommand.Build(Pod, "k8s_main_web", "abcd1234", "127.77.1.2", ["--ulimit", "nofile=1024:1024"]);

        Assert.DoesNotContain(args, a => a.Contains("s3cr3t", StringComparison.Ordinal) || a.Contains("/app/bin", StringComparison.Ordinal));
        Assert.Equal(new Dictionary<string, string> { ["PORT"] = "5001", ["SECRET"] = "s3cr3t value" }, environment);
        Assert.Equal(["PATH=/app/bin:/bin"], envFile);
        Assert.Equal(2, args.Count(a => a == "--env"));
    }

    [Fact]
    public void Ports_resources_user_and_command_map_to_podman_flags()
    {
        var (args, _, _) = CreateCommand.Build(Pod, "k8s_main_web", "abcd1234", "127.77.1.2", []);
        var line = string.Join(' ', args);

        Assert.Contains("--publish 127.77.1.2:5000:5000 --publish 127.77.1.2:53:53/udp --publish 127.77.1.2:8081:8081", line, StringComparison.Ordinal);
        Assert.Contains("--memory 67108864 --memory-swap 67108864 --cpus 0.2", line, StringComparison.Ordinal);
        Assert.Contains("--workdir /app --user 1000", line, StringComparison.Ordinal);
        Assert.Contains("--interactive --tty", line, StringComparison.Ordinal);
        Assert.Contains("--label io.paas.fake-kubelet.instance=abcd1234", line, StringComparison.Ordinal);
        Assert.Equal(["--entrypoint", "[\"sh\",\"-c\"]", "--", TestImage.Name, Pod.Args![0]], args.TakeLast(5));
    }
}
