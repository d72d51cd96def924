"""The learner's certificates, the PDF, the public verification page, and the
administrators' list with revoke and reissue."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from lectio.accounts.permissions import AuthenticatedRequest, requires
from lectio.certificates import pdf, services
from lectio.certificates.forms import CertificateFilterForm, ReasonForm, VerifyForm
from lectio.certificates.models import Certificate, normalize_code
from lectio.certificates.permissions import can_manage_certificates, can_view_certificate

PER_PAGE = 50
administrators_only = requires(can_manage_certificates)


def verify_url(request: HttpRequest, certificate: Certificate) -> str:
    """The absolute address of the certificate's verification page (on ``SITE_URL``, the
    site's public address, as in e-mails)."""
    return settings.SITE_URL + reverse("verify:verify", args=[certificate.code])


def _certificate(code: str) -> Certificate:
    certificate = (
        Certificate.objects.select_related("user", "issued_by", "revoked_by")
        .filter(code=normalize_code(code))
        .first()
    )
    if certificate is None:
        raise Http404
    return certificate


@require_safe
def my_certificates(request: AuthenticatedRequest) -> HttpResponse:
    certificates = Certificate.objects.filter(user=request.user).order_by("-issued_at", "-pk")
    now = timezone.now()
    rows = [(c, c.status(now)) for c in certificates]
    return render(
        request,
        "certificates/mine.html",
        {"rows": rows, "can_manage": can_manage_certificates(request.user)},
    )


@require_safe
def certificate_pdf(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """The PDF for its owner, administrators and the person's managers; 404 for anyone
    else (whether a code exists is nobody else's business here)."""
    certificate = _certificate(code)
    if not can_view_certificate(request.user, certificate):
        raise Http404
    content = pdf.render(certificate, verify_url(request, certificate))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@administrators_only
@require_safe
def certificate_list(request: AuthenticatedRequest) -> HttpResponse:
    form = CertificateFilterForm(request.GET or None)
    certificates = Certificate.objects.order_by("-issued_at", "-pk")
    if form.is_valid():
        if q := form.cleaned_data["q"].strip():
            match = Q(full_name__icontains=q) | Q(course_title__icontains=q)
            if code := normalize_code(q):
                match |= Q(code=code)
            certificates = certificates.filter(match)
        if status := form.cleaned_data["status"]:
            certificates = certificates.with_status(status, timezone.now())
    page = Paginator(certificates, PER_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(c, c.status(now)) for c in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "certificates/list.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


def _detail(
    request: AuthenticatedRequest,
    certificate: Certificate,
    revoke_form: ReasonForm | None = None,
    reissue_form: ReasonForm | None = None,
    status: int = 200,
) -> HttpResponse:
    replacement = Certificate.objects.filter(replaces=certificate).first()
    previous = (
        Certificate.objects.select_related("revoked_by").get(pk=certificate.replaces_id)
        if certificate.replaces_id
        else None
    )
    context = {
        "certificate": certificate,
        "status": certificate.status(),
        "replacement": replacement,
        "previous": previous,
        "revoke_form": revoke_form or ReasonForm(prefix="revoke"),
        "reissue_form": reissue_form or ReasonForm(prefix="reissue"),
    }
    return render(request, "certificates/detail.html", context, status=status)


@administrators_only
@require_safe
def certificate_detail(request: AuthenticatedRequest, code: str) -> HttpResponse:
    return _detail(request, _certificate(code))


@administrators_only
@require_POST
def certificate_revoke(request: AuthenticatedRequest, code: str) -> HttpResponse:
    certificate = _certificate(code)
    form = ReasonForm(request.POST, prefix="revoke")
    if form.is_valid():
        try:
            services.revoke(certificate, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The certificate is revoked."))
            return redirect("certificates:detail", code=certificate.code)
    return _detail(request, certificate, revoke_form=form, status=400)


@administrators_only
@require_POST
def certificate_reissue(request: AuthenticatedRequest, code: str) -> HttpResponse:
    certificate = _certificate(code)
    form = ReasonForm(request.POST, prefix="reissue")
    if form.is_valid():
        try:
            new = services.reissue(certificate, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("A new certificate %(code)s replaces %(old)s, which is revoked.")
                % {"code": new.display_code, "old": certificate.display_code},
            )
            return redirect("certificates:detail", code=new.code)
    return _detail(request, certificate, reissue_form=form, status=400)


@login_not_required
@require_safe
def verify_form(request: HttpRequest) -> HttpResponse:
    """Type a code to check it; a well-formed code leads to its verification page."""
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        code = normalize_code(form.cleaned_data["code"])
        if code:
            return redirect("verify:verify", code=code)
        form.add_error("code", _("A certificate code has twelve letters and digits."))
    return render(request, "certificates/verify_form.html", {"form": form})


@login_not_required
@require_safe
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: whether the certificate is valid, expired or revoked, and what it says
    (name, course, dates) — nothing more about the person."""
    certificate = Certificate.objects.filter(code=normalize_code(code)).first()
    if certificate is None:
        return render(
            request,
            "certificates/verify_unknown.html",
            {"code": code[:40], "form": VerifyForm()},
            status=404,
        )
    if code != certificate.code:
        return redirect("verify:verify", code=certificate.code)
    response = render(
        request,
        "certificates/verify.html",
        {"certificate": certificate, "status": certificate.status()},
    )
    response["X-Robots-Tag"] = "noindex"
    return response
