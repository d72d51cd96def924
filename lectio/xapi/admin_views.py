"""Administrators' pages for LRS clients (list, create: the secret is shown once, disable)
and for forwarding to external LRSs (endpoints and their delivery log)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lectio.accounts.permissions import AuthenticatedRequest, requires
from lectio.xapi import forwarding as forwarding_service
from lectio.xapi import permissions, services
from lectio.xapi.forms import ClientForm, EndpointForm
from lectio.xapi.models import Delivery, ForwardingEndpoint, LRSClient


@requires(permissions.can_manage_lrs_clients)
def client_list(request: AuthenticatedRequest) -> HttpResponse:
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        client, secret = services.create_client(
            form.cleaned_data["name"], scopes=form.cleaned_data["scopes"], by=request.user
        )
        return render(request, "xapi/client_created.html", {"client": client, "secret": secret})
    clients = LRSClient.objects.filter(parent__isnull=True).order_by("name", "pk")
    endpoint = request.build_absolute_uri("/xapi/")
    context = {"clients": clients, "form": form, "endpoint": endpoint}
    return render(request, "xapi/client_list.html", context)


@require_POST
@requires(permissions.can_manage_lrs_clients)
def client_toggle(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    client = get_object_or_404(LRSClient, pk=pk, parent__isnull=True)
    services.set_client_active(client, not client.is_active)
    if client.is_active:
        messages.success(request, _("“%(name)s” is enabled.") % {"name": client.name})
    else:
        messages.success(request, _("“%(name)s” is disabled.") % {"name": client.name})
    return redirect("xapi:client_list")


@requires(permissions.can_manage_lrs_clients)
def forwarding(request: AuthenticatedRequest) -> HttpResponse:
    """The external LRSs statements are forwarded to, and the latest deliveries."""
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        endpoint = form.save(commit=False)
        if form.cleaned_data["start"] == "new":
            forwarding_service.start_after_latest(endpoint)
        endpoint.save()
        messages.success(
            request, _("Statements will be forwarded to “%(name)s”.") % {"name": endpoint.name}
        )
        return redirect("xapi:forwarding")
    context = {
        "endpoints": ForwardingEndpoint.objects.all(),
        "deliveries": Delivery.objects.select_related("endpoint")[:50],
        "form": form,
    }
    return render(request, "xapi/forwarding.html", context, status=400 if form.errors else 200)


@require_POST
@requires(permissions.can_manage_lrs_clients)
def endpoint_toggle(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(ForwardingEndpoint, pk=pk)
    endpoint.is_active = not endpoint.is_active
    endpoint.next_attempt_at, endpoint.failures = None, 0  # enabled again: try at once
    endpoint.save(update_fields=["is_active", "next_attempt_at", "failures"])
    if endpoint.is_active:
        messages.success(request, _("“%(name)s” is enabled.") % {"name": endpoint.name})
    else:
        messages.success(request, _("“%(name)s” is disabled.") % {"name": endpoint.name})
    return redirect("xapi:forwarding")
