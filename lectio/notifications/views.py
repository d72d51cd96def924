"""The outbox for administrators, everyone's e-mail preferences, and unsubscribing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lectio.accounts.permissions import AuthenticatedRequest, requires
from lectio.notifications import permissions, services
from lectio.notifications.forms import OutboxFilterForm, PreferencesForm
from lectio.notifications.models import Message

PER_PAGE = 50


def _filtered(form: OutboxFilterForm) -> "QuerySet[Message]":
    outbox = Message.objects.select_related("recipient")
    if not form.is_valid():
        return outbox
    data = form.cleaned_data
    if q := data["q"].strip():
        outbox = outbox.filter(
            Q(recipient__email__icontains=q) | Q(recipient__full_name__icontains=q)
        )
    if data["status"]:
        outbox = outbox.filter(status=data["status"])
    if kind := data["kind"].strip():
        outbox = outbox.filter(kind__startswith=kind)
    return outbox


@requires(permissions.can_view_outbox)
@require_safe
def outbox(request: AuthenticatedRequest) -> HttpResponse:
    form = OutboxFilterForm(request.GET)
    page = Paginator(_filtered(form), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "notifications/outbox.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@requires(permissions.can_view_outbox)
@require_safe
def message_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message.objects.select_related("recipient"), pk=pk)
    deliveries = message.deliveries.select_related("by")
    return render(
        request,
        "notifications/message_detail.html",
        {"message": message, "deliveries": deliveries},
    )


@requires(permissions.can_view_outbox)
@require_POST
def message_retry(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message, pk=pk)
    if services.retry_now(message, by=request.user):
        messages.success(request, _("The message is queued again and leaves within a minute."))
    else:
        messages.error(request, _("Only a failed message can be retried."))
    return redirect("notifications:message", pk=message.pk)


@requires(permissions.can_view_outbox)
@require_POST
def test_email(request: AuthenticatedRequest) -> HttpResponse:
    message = services.send_test_email(request.user)
    messages.success(
        request,
        _("A test e-mail to %(email)s is queued; its log below shows whether it left.")
        % {"email": request.user.email},
    )
    return redirect("notifications:message", pk=message.pk)


@requires(permissions.can_set_preferences)
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: AuthenticatedRequest) -> HttpResponse:
    current = services.preference_for(request.user)
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,
        initial={"optional_email": current.optional_email},
    )
    if request.method == "POST" and form.is_valid():
        services.set_optional_email(request.user, form.cleaned_data["optional_email"])
        messages.success(request, _("Your e-mail preferences are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


# The link in every optional e-mail. The signed token is the credential, so it needs no
# sign-in and no CSRF token: mail programs POST to it for one-click unsubscribe (RFC 8058).
# Opening the link (GET) only asks, so link scanners cannot unsubscribe anyone.
@login_not_required
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    person = services.user_for_unsubscribe_token(token)
    if person is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    done = False
    if request.method == "POST":
        services.set_optional_email(person, False)
        done = True
    return render(request, "notifications/unsubscribe.html", {"person": person, "done": done})
