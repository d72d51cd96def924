"""Certificates and quiz results (read)."""

from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router
from ninja.params.functions import Query as query_param

from lectio.api.models import Scope
from lectio.api.v1 import scope
from lectio.api.v1.auth import actor
from lectio.api.v1.enrolments import course_ref, person_ref
from lectio.api.v1.errors import ERRORS, visible_one
from lectio.api.v1.filters import Since
from lectio.api.v1.pagination import DEFAULT_LIMIT, MAX_LIMIT, page
from lectio.api.v1.schemas import CertificateOut, Id, QuizResultOut, page_of
from lectio.assessments.models import Attempt
from lectio.certificates.models import Certificate

router = Router(tags=["records"])
CertificatePage = page_of(CertificateOut, "CertificatePage")
QuizResultPage = page_of(QuizResultOut, "QuizResultPage")


def certificate_out(certificate: Certificate) -> dict[str, Any]:
    return {
        "id": certificate.pk,
        "code": certificate.display_code,
        "person": person_ref(certificate.user),
        "course_id": certificate.course_id,
        "path_id": certificate.path_id,
        "title": certificate.course_title,
        "status": str(certificate.status()),
        "completed_at": certificate.completed_at,
        "issued_at": certificate.issued_at,
        "expires_at": certificate.expires_at,
        "revoked_at": certificate.revoked_at,
        "replaces": certificate.replaces_id,
        "verify_url": settings.SITE_URL + reverse("verify:verify", args=[certificate.code]),
    }


@router.get("/certificates", response={200: CertificatePage, **ERRORS}, summary="List certificates")
def list_certificates(
    request: HttpRequest,
    since: Query[Since],
    cursor: str | None = None,
    limit: int = query_param(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    person: Id | None = None,
    course: Id | None = None,
    status: Literal["valid", "expired", "revoked"] | None = None,
) -> dict[str, Any]:
    """Certificates of the people the token's person may see; ``since``/``until`` filter on
    the issue time."""
    user = actor(request, Scope.CERTIFICATES_READ)
    found: Any = scope.rows_of_people(Certificate.objects.select_related("user"), user)
    if person is not None:
        found = found.filter(user_id=person)
    if course is not None:
        found = found.filter(course_id=course)
    if status is not None:
        found = found.with_status(status, timezone.now())
    return page(since.apply(found, "issued_at"), cursor, limit, certificate_out)


@router.get(
    "/certificates/{int:certificate_id}",
    response={200: CertificateOut, **ERRORS},
    summary="Get a certificate",
)
def get_certificate(request: HttpRequest, certificate_id: Id) -> dict[str, Any]:
    user = actor(request, Scope.CERTIFICATES_READ)
    rows = scope.rows_of_people(Certificate.objects.select_related("user"), user)
    return certificate_out(visible_one(rows, certificate_id))


def result_out(attempt: Attempt) -> dict[str, Any]:
    enrollment = attempt.enrollment
    return {
        "id": attempt.pk,
        "enrollment_id": enrollment.pk,
        "person": person_ref(enrollment.user),
        "course": course_ref(enrollment.course),
        "lesson_id": attempt.lesson_id,
        "number": attempt.number,
        "cycle": attempt.cycle,
        "started_at": attempt.started_at,
        "submitted_at": attempt.submitted_at,
        "needs_grading": attempt.needs_grading,
        "score": attempt.score,
        "passed": attempt.passed,
    }


@router.get("/quiz-results", response={200: QuizResultPage, **ERRORS}, summary="List quiz attempts")
def list_quiz_results(
    request: HttpRequest,
    since: Query[Since],
    cursor: str | None = None,
    limit: int = query_param(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    person: Id | None = None,
    course: Id | None = None,
    passed: bool | None = None,
) -> dict[str, Any]:
    """Submitted quiz attempts (score in percent once graded) of the people the token's
    person may see; ``since``/``until`` filter on the submission time."""
    user = actor(request, Scope.RESULTS_READ)
    found = scope.rows_of_people(
        Attempt.objects.filter(submitted_at__isnull=False).select_related(
            "enrollment__user", "enrollment__course"
        ),
        user,
        "enrollment__user",
    )
    if person is not None:
        found = found.filter(enrollment__user_id=person)
    if course is not None:
        found = found.filter(enrollment__course_id=course)
    if passed is not None:
        found = found.filter(passed=passed)
    return page(since.apply(found, "submitted_at"), cursor, limit, result_out)
