namespace Paas.Cli.Git;

/// <summary>
/// Points a git remote at an app and makes this <c>paas</c> the credential helper for the platform URL,
/// so <c>git push paas master</c> asks for nothing: inherited helpers are reset for that URL (an empty
/// <c>credential.&lt;url&gt;.helper</c> entry clears the list, see gitcredentials(7)).
/// </summary>
internal static class GitRemoteSetup
{
    /// <summary>Adds the remote or changes its URL; true when it was added.</summary>
    public static async Task<bool> ApplyAsync(GitRunner git, string remoteName, PaasRemote remote, CancellationToken cancellationToken)
    {
        var existing = await git.GetRemoteUrlAsync(remoteName, cancellationToken);
        if (existing is null)
        {
            await git.RunCheckedAsync(["remote", "add", remoteName, remote.GitUrl], cancellationToken);
        }
        else
        {
            await git.RunCheckedAsync(["remote", "set-url", remoteName, remote.GitUrl], cancellationToken);
        }

        var key = $"credential.{remote.PlatformUrl.AbsoluteUri.TrimEnd('/')}.helper";
        await git.RunAsync(["config", "--local", "--unset-all", key], cancellationToken);
        await git.RunCheckedAsync(["config", "--local", "--add", key, ""], cancellationToken);
        await git.RunCheckedAsync(["config", "--local", "--add", key, CredentialHelperCommand.ForCurrentProcess()], cancellationToken);
        return existing is null;
    }
}
