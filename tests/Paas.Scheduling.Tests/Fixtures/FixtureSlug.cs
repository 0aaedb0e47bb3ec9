namespace Paas.Scheduling.Tests.Fixtures;

/// <summary>A tiny slug written into a temporary folder: a Node.js web server and a <c>.profile.d</c> script.</summary>
internal static class FixtureSlug
{
    public const string Server = """
        const http = require('http');
        const port = process.env.PORT;
        const server = http.createServer((req, res) => {
          res.end(`${process.env.PAAS_RELEASE} ${process.env.DYNO} ${process.env.GREETING || ''} ${process.env.FROM_PROFILE || ''}`);
        });
        server.listen(port, '127.0.0.1', () => console.log(`listening on ${port}`));
        process.on('SIGTERM', () => { console.log('got SIGTERM'); server.close(() => process.exit(0)); });
        """;

    public static string Write(string folder)
    {
        var app = Path.Combine(folder, "app");
        Directory.CreateDirectory(Path.Combine(app, ".profile.d"));
        Directory.CreateDirectory(Path.Combine(app, "bin"));
        File.WriteAllText(Path.Combine(app, "server.js"), Server);
        File.WriteAllText(Path.Combine(app, ".profile.d", "hello.sh"), "export FROM_PROFILE=profiled\n");
        File.WriteAllText(Path.Combine(app, "bin", "hello-tool"), "#!/bin/bash\necho tool-ran\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(app, "bin", "hello-tool"), (UnixFileMode)0b111_101_101);
        }
        return app;
    }
}
