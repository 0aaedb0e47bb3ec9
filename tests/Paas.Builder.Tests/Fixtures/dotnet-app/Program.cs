var app = WebApplication.CreateSlimBuilder(args).Build();
app.MapGet("/", () => "hello from .NET");
app.Run();
