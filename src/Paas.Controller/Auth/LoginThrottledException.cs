namespace Paas.Controller;

/// <summary>A sign-in refused by <see cref="LoginThrottle"/>: answered 429 with <c>Retry-After</c> (whole seconds, RFC 9110 section 10.2.3).</summary>
/// <param name="retryAfter">How long the caller must wait.</param>
internal sealed class LoginThrottledException(TimeSpan retryAfter)
    : Exception($"too many failed sign-ins for this account or from your address: try again in {Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))} s")
{
    /// <summary>How long the caller must wait.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}
