using System.Text;

namespace Paas.Router.Pipeline;

/// <summary>The HTML pages the router answers with itself, rendered once. They name no host or app (nothing echoed from the request).</summary>
internal static class ErrorPages
{
    private static readonly byte[] UnknownHostPage = Render("No such app",
        "There is no app at this address. Check the spelling of the address, or add this domain to your app with <code>paas domains:add</code>.");

    private static readonly byte[] NoWebProcessPage = Render("Application not running",
        "This app has no web process running. If you own it, start one with <code>paas scale web=1</code> and check <code>paas logs</code>.");

    private static readonly byte[] MaintenancePage = Render("Down for maintenance",
        "This app is undergoing maintenance right now. Please check back in a little while.");

    private static readonly byte[] BadGatewayPage = Render("Application error",
        "The app did not answer this request properly: it may have crashed or be restarting. Try again in a moment; if you own it, check <code>paas logs</code>.");

    private static readonly byte[] TimeoutPage = Render("Application timed out",
        "The app took too long to answer this request. Try again in a moment; if you own it, check <code>paas logs</code> for slow requests.");

    private static readonly byte[] BadRequestPage = Render("Bad request",
        "The request could not be read. Check what sends it.");

    public static byte[] For(RouterFailure failure) => failure switch
    {
        RouterFailure.UnknownHost => UnknownHostPage,
        RouterFailure.NoWebProcess => NoWebProcessPage,
        RouterFailure.Maintenance => MaintenancePage,
        RouterFailure.BadRequest => BadRequestPage,
        RouterFailure.ConnectTimeout or RouterFailure.RequestTimeout or RouterFailure.IdleTimeout => TimeoutPage,
        _ => BadGatewayPage,
    };

    private static byte[] Render(string title, string text) => Encoding.UTF8.GetBytes(
        $"""
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
        <style>body{"{"}font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em;color:#333{"}"}h1{"{"}font-weight:500{"}"}code{"{"}background:#f3f3f3;padding:0 .3em{"}"}</style>
        </head>
        <body><h1>{title}</h1><p>{text}</p></body>
        </html>

        """);
}
