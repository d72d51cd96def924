"""Administrators list, revoke and reissue certificates; each change says who, when, why."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from lectio.certificates import services
from lectio.certificates.models import Certificate
from lectio.learning import services as learning
from tests.certificates.conftest import T0, complete
from tests.helpers import client_for, make_course


def test_revoking_needs_a_reason_and_records_who_and_when(cast, completed):
    with pytest.raises(ValidationError):
        services.revoke(completed, by=cast.admin, reason="  ")
    at = T0 + timedelta(days=2)
    services.revoke(completed, by=cast.admin, reason="Issued by mistake", at=at)
    completed.refresh_from_db()
    assert (completed.revoked_at, completed.revoked_by, completed.revoke_reason) == (
        at,
        cast.admin,
        "Issued by mistake",
    )
    assert completed.status() == "revoked"
    with pytest.raises(ValidationError):
        services.revoke(completed, by=cast.admin, reason="Again")
    completed.refresh_from_db()
    assert completed.revoke_reason == "Issued by mistake"


def test_reissuing_makes_a_new_certificate_that_replaces_the_revoked_one(cast, completed):
    from lectio.accounts import services as accounts

    accounts.update_person(cast.learner, full_name="Leyla Yılmaz")
    at = T0 + timedelta(days=5)
    new = services.reissue(completed, by=cast.admin, reason="Name changed", at=at)
    completed.refresh_from_db()
    assert new.replaces == completed and new.code != completed.code
    assert new.full_name == "Leyla Yılmaz" and completed.full_name == "Leyla Learner"
    assert (new.completed_at, new.expires_at) == (completed.completed_at, completed.expires_at)
    assert (new.issued_at, new.issued_by) == (at, cast.admin)
    assert (completed.revoked_at, completed.revoked_by, completed.revoke_reason) == (
        at,
        cast.admin,
        "Name changed",
    )
    assert new.status(at) == "valid"
    with pytest.raises(ValidationError):
        services.reissue(completed, by=cast.admin, reason="Twice")
    # The hook running again for the same completion does not add a third.
    services.issue_on_completion(completed.enrollment_id)
    assert Certificate.objects.count() == 2


def test_the_dashboard_links_the_current_certificate(cast, completed):
    html = client_for(cast.learner).get("/learn/").content.decode()
    assert f'href="/certificates/{completed.code}.pdf"' in html
    new = services.reissue(completed, by=cast.admin, reason="Name changed")
    html = client_for(cast.learner).get("/learn/").content.decode()
    assert f'href="/certificates/{new.code}.pdf"' in html
    assert f"/certificates/{completed.code}.pdf" not in html
    transcript = client_for(cast.learner).get("/learn/transcript/").content.decode()
    assert f'href="/certificates/{new.code}.pdf"' in transcript


def test_the_admin_pages_revoke_and_reissue(cast, completed):
    client = client_for(cast.admin)
    page = client.get(f"/certificates/{completed.code}/")
    assert page.status_code == 200 and "learner@example.com" in page.content.decode()
    refused = client.post(f"/certificates/{completed.code}/revoke/", {"revoke-reason": ""})
    assert refused.status_code == 400
    completed.refresh_from_db()
    assert completed.revoked_at is None
    done = client.post(f"/certificates/{completed.code}/revoke/", {"revoke-reason": "Fraud"})
    assert done.status_code == 302
    completed.refresh_from_db()
    assert completed.revoked_by == cast.admin and completed.revoke_reason == "Fraud"
    again = client.post(f"/certificates/{completed.code}/reissue/", {"reissue-reason": "Appeal"})
    new = Certificate.objects.get(replaces=completed)
    assert again["Location"] == f"/certificates/{new.code}/"
    completed.refresh_from_db()
    assert completed.revoke_reason == "Fraud"  # the first revocation stands
    detail = client.get(f"/certificates/{completed.code}/").content.decode()
    assert new.display_code in detail and "Fraud" in detail


def test_only_administrators_manage(cast, completed):
    for person in (cast.learner, cast.manager, cast.instructor):
        client = client_for(person)
        assert client.get("/certificates/all/").status_code == 403
        assert client.get(f"/certificates/{completed.code}/").status_code == 403
        response = client.post(f"/certificates/{completed.code}/revoke/", {"revoke-reason": "x"})
        assert response.status_code == 403
    completed.refresh_from_db()
    assert completed.revoked_at is None


def test_my_certificates_lists_only_my_own(cast, completed):
    html = client_for(cast.learner).get("/certificates/").content.decode()
    assert "Fire Safety" in html and completed.display_code in html
    assert f"/certificates/{completed.code}.pdf" in html
    assert 'href="/certificates/"' in html  # in the navigation
    other = client_for(cast.outsider).get("/certificates/").content.decode()
    assert "Fire Safety" not in other
    assert "When you complete a course, its certificate will be here." in other


def _more_certificates(cast, count, start=0):
    for number in range(start, start + count):
        course = make_course(cast.instructor, f"Course {number}", pages=1, valid_months=12)
        enrollment = learning.enroll(cast.learner, course, source="self", at=T0)
        services.issue(complete(enrollment, at=T0))


def test_the_administrators_list_searches_and_pages(cast, completed):
    _more_certificates(cast, 3)
    client = client_for(cast.admin)
    html = client.get("/certificates/all/").content.decode()
    assert "4 certificates" in html
    assert "1 certificate" in client.get("/certificates/all/", {"q": "fire"}).content.decode()
    by_code = client.get("/certificates/all/", {"q": completed.display_code.lower()})
    assert "1 certificate" in by_code.content.decode()
    assert "4 certificates" in client.get("/certificates/all/", {"q": "leyla"}).content.decode()
    services.revoke(completed, by=cast.admin, reason="x")
    revoked = client.get("/certificates/all/", {"status": "revoked"}).content.decode()
    assert "1 certificate" in revoked and "Fire Safety" in revoked


def test_list_pages_run_a_bounded_number_of_queries(cast, completed, django_assert_max_num_queries):
    admin, learner = client_for(cast.admin), client_for(cast.learner)
    with django_assert_max_num_queries(6) as mine:
        assert learner.get("/certificates/").status_code == 200
    with django_assert_max_num_queries(6) as everyone:
        assert admin.get("/certificates/all/").status_code == 200
    with django_assert_max_num_queries(6) as dashboard:
        assert learner.get("/learn/").status_code == 200
    _more_certificates(cast, 6)
    with django_assert_max_num_queries(len(mine.captured_queries)):
        html = learner.get("/certificates/").content.decode()
    assert html.count(".pdf") == 7
    with django_assert_max_num_queries(len(everyone.captured_queries)):
        assert admin.get("/certificates/all/").status_code == 200
    with django_assert_max_num_queries(len(dashboard.captured_queries)):
        html = learner.get("/learn/").content.decode()
    assert html.count('.pdf"') == 7
