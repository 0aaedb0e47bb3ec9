var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls($"http://0.0.0.0:{Environment.GetEnvironmentVariable("PORT") ?? "5000"}");
var app = builder.Build();

app.MapGet("/", () =>
{
    var greeting = Environment.GetEnvironmentVariable("GREETING") ?? "Hello";
    var dyno = Environment.GetEnvironmentVariable("DYNO") ?? "local";
    return Results.Text($"{greeting} from {dyno} (.NET {Environment.Version})\n");
});

app.Run();
