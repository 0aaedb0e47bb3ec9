using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Paas.Builder;

/// <summary>The pushes being received, by id, so the pre-receive hook's callback finds the push it belongs to.</summary>
internal sealed class PushRegistry
{
    private readonly ConcurrentDictionary<string, PendingPush> _pushes = new(StringComparer.Ordinal);

    /// <summary>A new random push id (128 bits, hex).</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Registers a push.</summary>
    public void Add(PendingPush push) => _pushes[push.Id] = push;

    /// <summary>Takes a push out (each push builds at most once).</summary>
    public PendingPush? Take(string id) => _pushes.TryRemove(id, out var push) ? push : null;

    /// <summary>Forgets a push (its receive-pack ended).</summary>
    public void Remove(string id) => _pushes.TryRemove(id, out _);
}
