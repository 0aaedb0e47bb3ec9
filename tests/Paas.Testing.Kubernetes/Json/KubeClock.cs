namespace Paas.Testing.Kubernetes.Json;

/// <summary>Where the fake reads the time; tests may shift it.</summary>
public static class KubeClock
{
    /// <summary>Now, UTC.</summary>
    public static DateTimeOffset Now => DateTimeOffset.UtcNow;
}
