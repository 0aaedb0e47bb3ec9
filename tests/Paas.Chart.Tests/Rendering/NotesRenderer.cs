using Paas.Chart.Tests.Helm;

namespace Paas.Chart.Tests.Rendering;

/// <summary>
/// Renders templates/NOTES.txt as <c>helm install</c> prints it: helm template leaves NOTES out, and helm install needs a
/// cluster that serves every kind the chart writes (the fake API server does not serve networking.k8s.io or rbac). A copy
/// of the chart gets the same NOTES text as a named template, emitted by one extra template that is shown alone.
/// </summary>
internal static class NotesRenderer
{
    public static string Render(params string[] args)
    {
        var copy = Directory.CreateTempSubdirectory("paas-chart-notes-").FullName;
        try
        {
            CopyDirectory(ChartCase.ChartDirectory, copy);
            var notes = Path.Combine(copy, "templates", "NOTES.txt");
            File.WriteAllText(Path.Combine(copy, "templates", "_notes_under_test.tpl"), "{{- define \"notes-under-test\" -}}\n" + File.ReadAllText(notes) + "\n{{- end }}\n");
            File.Delete(notes);
            File.WriteAllText(Path.Combine(copy, "templates", "notes-under-test.yaml"), "notes: {{ include \"notes-under-test\" . | toJson }}\n");
            var output = HelmTool.Instance.Run(null, ["template", ChartCase.Release, copy, "--namespace", ChartCase.Namespace, "--show-only", "templates/notes-under-test.yaml", .. args]).Succeeded();
            var document = YamlToJson.Documents(output).Single()!;
            return document["notes"]!.GetValue<string>();
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }

        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
