"""Certificates of learning paths: what the PDF says, reissue, and the database's rule that
a certificate is for a course or a path."""

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction

from lectio.catalog import paths as catalog_paths
from lectio.certificates import services
from lectio.certificates.models import Certificate
from lectio.learning.models import PathEnrollment
from tests.certificates.test_pdf import _text
from tests.helpers import client_for, make_course

T0 = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)


@pytest.fixture
def path_certificate(cast):
    path = catalog_paths.create_path(title="Compliance Essentials", by=cast.instructor)
    catalog_paths.add_course_step(path, make_course(cast.instructor, "Security", pages=1))
    catalog_paths.publish_path(path, by=cast.instructor)
    path_enrollment = PathEnrollment.objects.create(
        user=cast.learner, path=path, completed_at=T0, progress_percent=100
    )
    certificate = services.issue_for_path(path_enrollment)
    assert certificate is not None
    return certificate


def test_the_pdf_says_the_programme_was_completed_and_does_not_expire(cast, path_certificate):
    response = client_for(cast.learner).get(f"/certificates/{path_certificate.code}.pdf")
    text = _text(response.content)
    assert "has completed the programme" in text and "Compliance Essentials" in text
    assert "Does not expire" in text and path_certificate.display_code in text


def test_my_certificates_mark_programmes(cast, path_certificate):
    html = client_for(cast.learner).get("/certificates/").content.decode()
    assert "Compliance Essentials" in html and '<span class="badge">Programme</span>' in html


def test_a_reissue_keeps_the_path(cast, path_certificate):
    new = services.reissue(path_certificate, by=cast.admin, reason="Name changed")
    assert new.path_enrollment_id == path_certificate.path_enrollment_id
    assert new.path_id == path_certificate.path_id and new.is_path
    assert services.path_certificate_links(cast.learner.pk, [new.path_enrollment_id]) == {
        new.path_enrollment_id: f"/certificates/{new.code}.pdf"
    }


def test_a_not_completed_path_has_no_certificate(cast, path_certificate):
    path_enrollment = PathEnrollment.objects.get()
    path_enrollment.completed_at = None
    assert services.issue_for_path(path_enrollment) is None


def test_a_certificate_is_for_a_course_or_a_path_never_both(cast, path_certificate):
    course = make_course(cast.instructor, "Other", pages=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            user=cast.learner,
            path=path_certificate.path,
            path_enrollment=path_certificate.path_enrollment,
            course=course,
            full_name="x",
            course_title="x",
            completed_at=datetime(2026, 2, 1, tzinfo=UTC),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            user=cast.learner, full_name="x", course_title="x", completed_at=T0
        )
