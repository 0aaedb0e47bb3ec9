using System.Text.Json;
using Paas.Client;

namespace Paas.Cli.Settings;

/// <summary>
/// Reads and writes the credentials file:
/// <code>
/// $HOME/.paas/            mode 0700
///   config.json           mode 0600: {"url": "...", "username": "...", "token": "..."}
/// </code>
/// Writes go to a temporary file created 0600 and renamed over the old one, so a token is never readable by others.
/// </summary>
internal sealed class SettingsStore(string homeDirectory)
{
    public string Directory { get; } = Path.Combine(homeDirectory, ".paas");

    public string FilePath => Path.Combine(Directory, "config.json");

    public CliSettings Load()
    {
        if (!File.Exists(FilePath))
        {
            return new CliSettings();
        }

        try
        {
            return JsonSerializer.Deserialize<CliSettings>(File.ReadAllText(FilePath), PaasJson.Options) ?? new CliSettings();
        }
        catch (JsonException e)
        {
            throw new CliException($"{FilePath} is not valid JSON ({e.Message}); delete it and run `paas login` again.");
        }
    }

    public void Save(CliSettings settings)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var temp = FilePath + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(stream, settings, PaasJson.Options);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temp, FilePath, overwrite: true);
    }
}
