using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Paas.Builder;

/// <summary>
/// The pushes being received, by id, so the pre-receive hook's callback finds the push it belongs to; and, by repository,
/// whether a <c>git receive-pack</c> is running there, so the <see cref="QuarantineSweeper"/> leaves its quarantine alone.
/// </summary>
internal sealed class PushRegistry
{
    private readonly ConcurrentDictionary<string, PendingPush> _pushes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _receiving = new(StringComparer.Ordinal);

    /// <summary>A new random push id (128 bits, hex).</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Registers a push whose receive-pack starts now.</summary>
    public void Add(PendingPush push)
    {
        _receiving.AddOrUpdate(push.Repository, 1, (_, count) => count + 1);
        _pushes[push.Id] = push;
    }

    /// <summary>Takes a push out for its build (each push builds at most once); its repository stays receiving until <see cref="Remove"/>.</summary>
    public PendingPush? Take(string id) => _pushes.TryRemove(id, out var push) ? push : null;

    /// <summary>Forgets a push: its receive-pack has ended.</summary>
    public void Remove(PendingPush push)
    {
        _pushes.TryRemove(push.Id, out _);
        while (_receiving.TryGetValue(push.Repository, out var count)
            && !(count <= 1
                ? _receiving.TryRemove(new KeyValuePair<string, int>(push.Repository, count))
                : _receiving.TryUpdate(push.Repository, count - 1, count)))
        {
            // another push of the repository started or ended meanwhile: count again
        }
    }

    /// <summary>Whether a receive-pack runs on <paramref name="repository"/> (the path given in <see cref="PendingPush.Repository"/>).</summary>
    public bool IsReceiving(string repository) => _receiving.ContainsKey(repository);
}
