"""Pages for API tokens (each person's own, and the administrators' list with service
tokens) and for webhooks (endpoints, their delivery log, redelivery)."""

import json
from datetime import datetime, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lectio.accounts.permissions import AuthenticatedRequest, requires
from lectio.api import permissions, services
from lectio.api.forms import ServiceTokenForm, TokenForm, WebhookForm
from lectio.api.models import ApiToken, WebhookDelivery, WebhookEndpoint
from lectio.api.webhooks import signature

LOG_LENGTH = 50


def _expiry(form: TokenForm) -> datetime | None:
    days = form.cleaned_data.get("expires_in")
    return timezone.now() + timedelta(days=int(days)) if days else None


def _create(
    request: AuthenticatedRequest, form: TokenForm, person: object, kind: str
) -> tuple[ApiToken, str] | None:
    try:
        return services.create_token(
            user=person,  # type: ignore[arg-type]
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            by=request.user,
            expires_at=_expiry(form),
            kind=kind,
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None


@requires(permissions.can_have_tokens)
@require_http_methods(["GET", "HEAD", "POST"])
def my_tokens(request: AuthenticatedRequest) -> HttpResponse:
    form = TokenForm(request.POST if request.method == "POST" else None)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid() and (made := _create(request, form, request.user, "personal")):
            created = made  # shown once, in this response only
            form = TokenForm()
        else:
            status = 400
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at", "-pk")
    return render(
        request,
        "api/my_tokens.html",
        {"form": form, "tokens": tokens, "created": created, "now": timezone.now()},
        status=status,
    )


@requires(permissions.can_manage_tokens)
@require_http_methods(["GET", "HEAD", "POST"])
def all_tokens(request: AuthenticatedRequest) -> HttpResponse:
    form = ServiceTokenForm(request.POST if request.method == "POST" else None)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid() and (
            made := _create(request, form, form.cleaned_data["person"], "service")
        ):
            created = made
            form = ServiceTokenForm()
        else:
            status = 400
    tokens = ApiToken.objects.select_related("user", "created_by").order_by("-created_at", "-pk")
    return render(
        request,
        "api/all_tokens.html",
        {"form": form, "tokens": tokens[:500], "created": created, "now": timezone.now()},
        status=status,
    )


@requires(permissions.can_have_tokens)
@require_POST
def revoke_token(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk)
    if not permissions.can_revoke_token(request.user, token):
        return HttpResponse(status=404)
    services.revoke_token(token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    if token.user_id == request.user.pk and request.POST.get("next") != "all":
        return redirect("api:tokens")
    return redirect("api:all_tokens")


@requires(permissions.can_manage_webhooks)
@require_http_methods(["GET", "HEAD", "POST"])
def webhooks(request: AuthenticatedRequest) -> HttpResponse:
    form = WebhookForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.create_endpoint(
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
                by=request.user,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The webhook is saved. Its signing secret is below."))
            return redirect("api:webhook", pk=endpoint.pk)
    endpoints = WebhookEndpoint.objects.order_by("-created_at", "-pk")
    return render(
        request,
        "api/webhooks.html",
        {"form": form, "endpoints": endpoints},
        status=400 if form.errors else 200,
    )


@requires(permissions.can_manage_webhooks)
@require_http_methods(["GET", "HEAD", "POST"])
def webhook(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    initial = {
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "is_active": endpoint.is_active,
    }
    form = WebhookForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_endpoint(
                endpoint,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
                is_active=form.cleaned_data["is_active"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The webhook is saved."))
            return redirect("api:webhook", pk=endpoint.pk)
    deliveries = endpoint.deliveries.order_by("-created_at", "-pk")[:LOG_LENGTH]
    return render(
        request,
        "api/webhook.html",
        {
            "endpoint": endpoint,
            "form": form,
            "deliveries": deliveries,
            "example_signature": signature("SECRET", 1767225600, b'{"id":"..."}'),
        },
        status=400 if form.errors else 200,
    )


@requires(permissions.can_manage_webhooks)
@require_POST
def rotate_secret(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    services.rotate_secret(endpoint)
    messages.success(request, _("A new signing secret is in use from now on."))
    return redirect("api:webhook", pk=endpoint.pk)


@requires(permissions.can_manage_webhooks)
@require_POST
def delete_webhook(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    services.delete_endpoint(endpoint)
    messages.success(request, _("The webhook is deleted."))
    return redirect("api:webhooks")


@requires(permissions.can_manage_webhooks)
@require_safe
def delivery(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(WebhookDelivery.objects.select_related("endpoint"), pk=pk)
    return render(
        request,
        "api/delivery.html",
        {
            "delivery": found,
            "attempts": found.attempt_log.all(),
            "payload_json": json.dumps(found.payload, indent=2, sort_keys=True),
        },
    )


@requires(permissions.can_manage_webhooks)
@require_POST
def redeliver(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(WebhookDelivery.objects.select_related("endpoint"), pk=pk)
    if not found.endpoint.is_active:
        messages.error(request, _("Switch the webhook on before redelivering."))
        return redirect("api:delivery", pk=found.pk)
    again = services.redeliver(found)
    messages.success(request, _("The event is queued for delivery again."))
    return redirect("api:delivery", pk=again.pk)
