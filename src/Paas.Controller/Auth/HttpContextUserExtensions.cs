using Microsoft.AspNetCore.Http;
using Paas.Domain;

namespace Paas.Controller;

/// <summary>Reads the signed-in <see cref="User"/> that <see cref="TokenAuthenticationHandler"/> put on the request.</summary>
internal static class HttpContextUserExtensions
{
    public static User PaasUser(this HttpContext context) =>
        context.Items[typeof(User)] as User ?? throw new InvalidOperationException("the route is not protected by RequireAuthorization()");

    public static User? PaasUserOrNull(this HttpContext context) => context.Items[typeof(User)] as User;
}
