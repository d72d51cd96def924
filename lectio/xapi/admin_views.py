"""Administrators' pages for LRS clients: list, create (the secret is shown once), disable."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lectio.accounts.permissions import AuthenticatedRequest, requires
from lectio.xapi import permissions, services
from lectio.xapi.forms import ClientForm
from lectio.xapi.models import LRSClient


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
