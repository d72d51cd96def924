from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def username_from_request(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The e-mail address a sign-in attempt is counted against, case-insensitively,
    so "Ann@Example.com" and "ann@example.com" share one failure count."""
    username = (credentials or {}).get("username") or request.POST.get("username") or ""
    return str(username).strip().lower()


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """The page shown instead of signing in while an address is paused (429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
