using System.Security.Cryptography;
using System.Text;

namespace Paas.Data;

/// <summary>
/// The keys that encrypt the secrets the platform stores (uploaded certificates' private keys, registry passwords), and
/// the encryption itself: AES-256-GCM (NIST SP 800-38D) with a random 96-bit nonce per value and the value's place
/// (table, column, row) as associated data, so a ciphertext copied into another row does not decrypt.
/// <para>
/// The key file (<c>PAAS_SECRET_KEYS_FILE</c>, default <c>DATA_DIR/secret-keys</c>; on Kubernetes a mounted Secret) holds one
/// key per line, <c>ID BASE64</c> (an id of 1-32 letters, digits, <c>-</c> or <c>_</c>, then 32 random bytes in base64);
/// <c>#</c> starts a comment. Every key decrypts; the <b>last</b> one encrypts. A missing file is created with one new key
/// (mode 0600). The file is read again when it changes (checked before each encryption, and when a value names a key
/// this process has not seen), so a key added by another replica's <c>paasd secrets rotate</c> is picked up without a restart.
/// </para>
/// <para>Stored form: <c>paas:v1:KEYID:BASE64(nonce ‖ ciphertext ‖ tag)</c>. A stored value without the <c>paas:v1:</c>
/// prefix is a plaintext value from before encryption at rest; <see cref="Unprotect"/> returns it as is and
/// <see cref="StoredSecrets.ReencryptAsync"/> encrypts it.</para>
/// </summary>
public sealed class SecretKeyRing
{
    /// <summary>The prefix of every encrypted value.</summary>
    public const string Prefix = "paas:v1:";

    private const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly string _path;
    private readonly Lock _lock = new();
    private volatile Snapshot _snapshot;

    /// <summary>Loads the key file, creating it with one new key when it does not exist.</summary>
    /// <param name="path">The key file.</param>
    /// <exception cref="InvalidDataException">The file has a malformed line or no key; the message names the line.</exception>
    /// <exception cref="IOException">The file cannot be read, or cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be read, or its folder is not writable to create it.</exception>
    public SecretKeyRing(string path)
    {
        _path = Path.GetFullPath(path);
        if (!File.Exists(_path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            Write(_path, [NewKey()], createOnly: true);
        }

        _snapshot = Read(_path);
    }

    /// <summary>The key file's full path.</summary>
    public string FilePath => _path;

    /// <summary>The id of the key that encrypts (the file's last key).</summary>
    public string PrimaryKeyId => _snapshot.Primary.Id;

    /// <summary>The ids of every key in the file, in file order.</summary>
    public IReadOnlyList<string> KeyIds => [.. _snapshot.Keys.Select(k => k.Id)];

    /// <summary>Whether <paramref name="stored"/> is an encrypted value (has the <c>paas:v1:</c> prefix).</summary>
    /// <param name="stored">A stored value.</param>
    /// <returns>True when encrypted.</returns>
    public static bool IsProtected(string stored) => stored.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The id of the key that encrypted <paramref name="stored"/>, or null for a plaintext value.</summary>
    /// <param name="stored">A stored value.</param>
    /// <returns>The key id, or null.</returns>
    public static string? KeyIdOf(string stored)
    {
        if (!IsProtected(stored))
        {
            return null;
        }

        var end = stored.IndexOf(':', Prefix.Length);
        return end < 0 ? null : stored[Prefix.Length..end];
    }

    /// <summary>Encrypts <paramref name="plaintext"/> with the primary key.</summary>
    /// <param name="plaintext">The secret.</param>
    /// <param name="place">Where the value is stored (<c>table.column/row-id</c>); the same place must be given to <see cref="Unprotect"/>.</param>
    /// <returns>The stored form, <c>paas:v1:KEYID:BASE64</c>.</returns>
    public string Protect(string plaintext, string place)
    {
        var key = Refresh().Primary;
        var data = Encoding.UTF8.GetBytes(plaintext);
        var box = new byte[NonceSize + data.Length + TagSize];
        var nonce = box.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key.Bytes, TagSize))
        {
            aes.Encrypt(nonce, data, box.AsSpan(NonceSize, data.Length), box.AsSpan(NonceSize + data.Length), Encoding.UTF8.GetBytes(place));
        }

        return $"{Prefix}{key.Id}:{Convert.ToBase64String(box)}";
    }

    /// <summary>Decrypts a stored value; a value without the <c>paas:v1:</c> prefix (stored before encryption at rest) is returned as is.</summary>
    /// <param name="stored">The stored form.</param>
    /// <param name="place">Where the value is stored, as given to <see cref="Protect"/>.</param>
    /// <returns>The secret.</returns>
    /// <exception cref="CryptographicException">The value names a key the key file does not have (the message says which and what to do), or it was altered, or it belongs to another place.</exception>
    public string Unprotect(string stored, string place)
    {
        if (!IsProtected(stored))
        {
            return stored;
        }

        var id = KeyIdOf(stored) ?? throw new CryptographicException($"a stored secret of {place} is malformed (no key id)");
        var key = _snapshot.Find(id) ?? Refresh().Find(id)
            ?? throw new CryptographicException($"a stored secret of {place} was encrypted with key '{id}', which the key file {_path} does not have; restore that key's line (PAAS_SECRET_KEYS_FILE)");
        byte[] box;
        try
        {
            box = Convert.FromBase64String(stored[(Prefix.Length + id.Length + 1)..]);
        }
        catch (FormatException)
        {
            throw new CryptographicException($"a stored secret of {place} is malformed (not base64)");
        }

        if (box.Length < NonceSize + TagSize)
        {
            throw new CryptographicException($"a stored secret of {place} is malformed (too short)");
        }

        var data = new byte[box.Length - NonceSize - TagSize];
        using (var aes = new AesGcm(key.Bytes, TagSize))
        {
            aes.Decrypt(box.AsSpan(0, NonceSize), box.AsSpan(NonceSize, data.Length), box.AsSpan(NonceSize + data.Length), data, Encoding.UTF8.GetBytes(place));
        }

        return Encoding.UTF8.GetString(data);
    }

    /// <summary>Adds a new random key at the end of the key file, making it the primary key.</summary>
    /// <returns>The new key's id.</returns>
    /// <exception cref="IOException">The file cannot be written (a Kubernetes Secret is mounted read-only: add the line to the Secret instead; see the README's "Security model").</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be written.</exception>
    public string AddKey()
    {
        lock (_lock)
        {
            var current = Read(_path);
            var key = NewKey();
            Write(_path, [.. current.Keys, key], createOnly: false);
            _snapshot = Read(_path);
            return key.Id;
        }
    }

    /// <summary>Removes from the key file every key but the primary one and those in <paramref name="keep"/>.</summary>
    /// <param name="keep">Ids of keys still in use.</param>
    /// <returns>The ids removed.</returns>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be written.</exception>
    public IReadOnlyList<string> RetireKeys(IReadOnlySet<string> keep)
    {
        lock (_lock)
        {
            var current = Read(_path);
            var kept = current.Keys.Where(k => k == current.Primary || keep.Contains(k.Id)).ToList();
            var removed = current.Keys.Except(kept).Select(k => k.Id).ToList();
            if (removed.Count > 0)
            {
                Write(_path, kept, createOnly: false);
                _snapshot = Read(_path);
            }

            return removed;
        }
    }

    private Snapshot Refresh()
    {
        var snapshot = _snapshot;
        var file = new FileInfo(_path);
        if (file.LastWriteTimeUtc == snapshot.Written && file.Length == snapshot.Length)
        {
            return snapshot;
        }

        lock (_lock)
        {
            _snapshot = Read(_path);
            return _snapshot;
        }
    }

    private static Key NewKey() => new($"k{DateTime.UtcNow:yyyyMMddHHmmss}{RandomNumberGenerator.GetHexString(4, lowercase: true)}", RandomNumberGenerator.GetBytes(KeySize));

    private static Snapshot Read(string path)
    {
        var info = new FileInfo(path);
        var keys = new List<Key>();
        var number = 0;
        foreach (var raw in File.ReadAllLines(path))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            byte[]? bytes = null;
            if (parts.Length != 2 || !ValidId(parts[0]) || !TryBase64(parts[1], out bytes) || bytes.Length != KeySize)
            {
                throw new InvalidDataException($"{path}, line {number}: expected 'ID KEY' (an id of 1-32 letters, digits, '-' or '_', then {KeySize} random bytes in base64, e.g. from 'head -c {KeySize} /dev/urandom | base64')");
            }

            if (keys.Any(k => k.Id == parts[0]))
            {
                throw new InvalidDataException($"{path}, line {number}: key id '{parts[0]}' is used twice");
            }

            keys.Add(new Key(parts[0], bytes!));
        }

        if (keys.Count == 0)
        {
            throw new InvalidDataException($"{path} has no key; add a line 'ID KEY' (e.g. echo \"k1 $(head -c {KeySize} /dev/urandom | base64)\" >> {path})");
        }

        return new Snapshot(keys, info.LastWriteTimeUtc, info.Length);
    }

    private static void Write(string path, IReadOnlyList<Key> keys, bool createOnly)
    {
        var text = new StringBuilder()
            .AppendLine("# paas secret keys: one per line, 'ID BASE64-OF-32-BYTES'. Every key decrypts; the last one encrypts.")
            .AppendLine("# Keep a copy in a safe place: without its key a stored secret cannot be read. See README, 'Security model'.");
        foreach (var key in keys)
        {
            text.Append(key.Id).Append(' ').AppendLine(Convert.ToBase64String(key.Bytes));
        }

        var options = new FileStreamOptions
        {
            Mode = createOnly ? FileMode.CreateNew : FileMode.Create,
            Access = FileAccess.Write,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var target = createOnly ? path : $"{path}.{Environment.ProcessId}.tmp";
        using (var stream = new FileStream(target, options))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
        {
            writer.Write(text.ToString());
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        if (!createOnly)
        {
            File.Move(target, path, overwrite: true);
        }
    }

    private static bool ValidId(string id) => id.Length is >= 1 and <= 32 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static bool TryBase64(string text, out byte[] bytes)
    {
        bytes = new byte[text.Length];
        if (Convert.TryFromBase64String(text, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }

        return false;
    }

    private sealed record Key(string Id, byte[] Bytes);

    private sealed record Snapshot(IReadOnlyList<Key> Keys, DateTime Written, long Length)
    {
        public Key Primary => Keys[^1];

        public Key? Find(string id) => Keys.FirstOrDefault(k => k.Id == id);
    }
}
