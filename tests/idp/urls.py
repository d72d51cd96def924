import json
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import include, path
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.views import JwksInfoView


@csrf_exempt
def sign_in(request):
    """A bare sign-in form (test IdP only: no CSRF, no throttling)."""
    next_url = request.GET.get("next", "/")
    if request.method == "POST":
        user = authenticate(
            request, username=request.POST.get("username"), password=request.POST.get("password")
        )
        if user is not None:
            login(request, user)
            return HttpResponseRedirect(next_url)
        return HttpResponse("wrong password", status=401)
    return HttpResponse(
        f'<form method="post" action="?next={escape(quote(next_url))}">'
        '<label>Username <input name="username"></label>'
        '<label>Password <input name="password" type="password"></label>'
        "<button>Sign in</button></form>"
    )


def jwks(request):
    """The provider's keys; a test may publish other keys (jwks-override.json) to show
    that a token signed with a key not published is refused."""
    override = settings.IDP_DIR / "jwks-override.json"
    if override.exists():
        return JsonResponse(json.loads(override.read_text()))
    return JwksInfoView.as_view()(request)


urlpatterns = [
    path("login/", sign_in),
    path("o/.well-known/jwks.json", jwks),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
