using LibGit2Sharp;

namespace Paas.Builder;

/// <summary>
/// Reads a pushed commit with LibGit2Sharp while the push is still in its quarantine (git 2.13+: receive-pack writes the
/// pushed objects to <c>objects/tmp_objdir-incoming-*</c> and moves them into the repository only once the pre-receive
/// hook accepts). A throw-away bare repository in the push's folder lists the quarantine, then the repository's own object
/// folders, as its alternates (gitrepository-layout(5), <c>objects/info/alternates</c>), so the commit and everything it
/// shares with earlier pushes resolve without touching the app's repository.
/// <para>
/// The tree is written as <c>git archive</c> would, without its tar step: regular files with mode 0644, executables
/// 0755, symbolic links as links, submodules (gitlinks) as empty folders. <c>.gitattributes</c> <c>export-ignore</c> and
/// <c>export-subst</c> are not applied (the app's <c>.slugignore</c> is, by the pipeline). An entry named <c>.</c>,
/// <c>..</c> or <c>.git</c>, which git's own fsck refuses and receive-pack does not check by default, fails the export.
/// </para>
/// </summary>
internal static class CommitExport
{
    /// <summary>Writes the tree of <paramref name="sha"/> into <paramref name="target"/> and returns the commit's metadata.</summary>
    /// <param name="repository">The app's bare repository.</param>
    /// <param name="quarantine">The push's quarantine object folder (<c>GIT_OBJECT_DIRECTORY</c> in the hook), or empty for none.</param>
    /// <param name="alternates">The hook's <c>GIT_ALTERNATE_OBJECT_DIRECTORIES</c> (colon-separated), or empty.</param>
    /// <param name="sha">The pushed commit (40 hex digits).</param>
    /// <param name="scratch">A folder for the throw-away repository (the push's folder).</param>
    /// <param name="target">The folder to write the tree into (created).</param>
    /// <param name="cancellationToken">Checked between entries.</param>
    /// <returns>The commit's metadata and the <c>Procfile</c> at its root, if any.</returns>
    /// <exception cref="InvalidDataException">The commit is missing, or holds an entry that cannot be written safely.</exception>
    public static PushedCommit Export(string repository, string quarantine, string alternates, string sha, string scratch, string target, CancellationToken cancellationToken)
    {
        var view = Path.Combine(scratch, "view.git");
        Repository.Init(view, isBare: true);
        var objectFolders = new[] { quarantine }
            .Concat(alternates.Split(':', StringSplitOptions.RemoveEmptyEntries))
            .Append(Path.Combine(repository, "objects"))
            .Where(f => f.Length > 0)
            .Select(Path.GetFullPath)
            .Distinct(StringComparer.Ordinal);
        File.WriteAllLines(Path.Combine(view, "objects", "info", "alternates"), objectFolders);
        using var repo = new Repository(view);
        var commit = repo.Lookup<Commit>(sha) ?? throw new InvalidDataException($"commit {sha[..Math.Min(7, sha.Length)]} is not in the push");
        AppFiles.CreateFolder(target, AppFiles.PrivateFolder); // the app's source: nobody but the build reads it
        Write(commit.Tree, target, "", cancellationToken);
        var procfile = commit.Tree["Procfile"] is { TargetType: TreeEntryTargetType.Blob } entry ? ((Blob)entry.Target).GetContentText() : null;
        return new PushedCommit(commit.Sha, commit.Author.Name, commit.Author.Email, commit.Author.When, commit.MessageShort, procfile);
    }

    private static void Write(Tree tree, string folder, string prefix, CancellationToken cancellationToken)
    {
        foreach (var entry in tree)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry.Name is "." or ".." || entry.Name.Equals(".git", StringComparison.OrdinalIgnoreCase) || entry.Name.Contains('/') || entry.Name.Contains('\0'))
            {
                throw new InvalidDataException($"the commit holds an entry git itself refuses: '{prefix}{entry.Name}'");
            }

            var path = Path.Combine(folder, entry.Name);
            switch (entry.Mode)
            {
                case Mode.Directory:
                    Directory.CreateDirectory(path);
                    Write((Tree)entry.Target, path, prefix + entry.Name + "/", cancellationToken);
                    break;
                case Mode.SymbolicLink:
                    File.CreateSymbolicLink(path, ((Blob)entry.Target).GetContentText());
                    break;
                case Mode.GitLink:
                    Directory.CreateDirectory(path); // a submodule: git archive writes an empty folder too
                    break;
                default:
                    var blob = (Blob)entry.Target;
                    using (var content = blob.GetContentStream())
                    using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                    {
                        content.CopyTo(file);
                    }

                    if (!OperatingSystem.IsWindows())
                    {
                        File.SetUnixFileMode(path, entry.Mode == Mode.ExecutableFile ? Executable : Regular);
                    }

                    break;
            }
        }
    }

    private const UnixFileMode Regular = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Executable = Regular | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
}

/// <summary>A pushed commit, as <see cref="CommitExport"/> read it.</summary>
/// <param name="Sha">Its full id.</param>
/// <param name="Author">The author's name.</param>
/// <param name="Email">The author's email.</param>
/// <param name="When">When it was authored.</param>
/// <param name="Subject">The first line of its message.</param>
/// <param name="Procfile">The text of the <c>Procfile</c> at the root of its tree, or null when there is none.</param>
internal sealed record PushedCommit(string Sha, string Author, string Email, DateTimeOffset When, string Subject, string? Procfile);
