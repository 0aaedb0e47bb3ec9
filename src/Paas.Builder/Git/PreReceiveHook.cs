namespace Paas.Builder;

/// <summary>
/// The <c>pre-receive</c> hook written into every app repository. This is how the build runs inside the push (the way
/// Deis' builder did it): <c>git receive-pack</c> has received the pack into its quarantine and not yet moved any ref; the
/// hook saves the refs and quarantine folders into the push's folder, then POSTs to the builder's callback
/// (<c>PAAS_PUSH_URL</c>, set only in the environment of the receive-pack the builder started) and relays the build's
/// output line by line; git sends it to the pushing client as <c>remote:</c> lines (side-band). The last line of the
/// callback's answer, <c>paas-exit: N</c>, becomes the hook's exit status: anything but 0 rejects the push, so no ref moves.
/// </summary>
internal static class PreReceiveHook
{
    /// <summary>The line prefix carrying the build's result at the end of the callback's answer.</summary>
    public const string ExitPrefix = "paas-exit: ";

    /// <summary>The hook script (POSIX sh + curl).</summary>
    public const string Script = """
        #!/bin/sh
        # Written by paasd (Paas.Builder); rewritten on every push. Hands the push to the platform's builder.
        if [ -z "$PAAS_PUSH_URL" ] || [ -z "$PAAS_PUSH_DIR" ]; then
          echo " !     push through the platform: git push paas master"
          exit 1
        fi
        cat > "$PAAS_PUSH_DIR/refs" || exit 1
        printf '%s' "$GIT_OBJECT_DIRECTORY" > "$PAAS_PUSH_DIR/objects"
        printf '%s' "$GIT_ALTERNATE_OBJECT_DIRECTORIES" > "$PAAS_PUSH_DIR/alternates"
        curl -sS -N -X POST -H 'Content-Length: 0' "$PAAS_PUSH_URL" 2>&1 | while IFS= read -r line || [ -n "$line" ]; do
          case "$line" in
            "paas-exit: "*) printf '%s' "${line#paas-exit: }" > "$PAAS_PUSH_DIR/status" ;;
            *) printf '%s\n' "$line" ;;
          esac
        done
        status=$(cat "$PAAS_PUSH_DIR/status" 2>/dev/null)
        if [ "$status" = "0" ]; then
          exit 0
        fi
        [ -n "$status" ] || echo " !     the builder stopped without a result"
        exit 1

        """;

    /// <summary>Writes the hook into <paramref name="repository"/> (mode 0755).</summary>
    public static void Install(string repository)
    {
        var path = Path.Combine(repository, "hooks", "pre-receive");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        File.WriteAllText(temp, Script);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        File.Move(temp, path, overwrite: true);
    }
}
