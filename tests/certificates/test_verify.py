"""The public verification page: valid, expired or revoked, and nothing else."""

from datetime import UTC, datetime, timedelta

from django.test import Client

from lectio.certificates import services
from lectio.certificates.models import Certificate
from lectio.learning import services as learning
from tests.certificates.conftest import T0, complete
from tests.helpers import client_for, make_course


def test_anyone_can_verify_a_valid_certificate_which_shows_only_what_it_says(cast, completed):
    response = Client().get(f"/verify/{completed.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "This certificate is valid." in html
    assert "Leyla Learner" in html and "Fire Safety" in html
    assert "Jan. 31, 2026" in html and "Jan. 31, 2027" in html
    assert completed.display_code in html
    for private in ("learner@example.com", "Istanbul Operations", "Türkiye"):
        assert private not in html
    assert response["X-Robots-Tag"] == "noindex"


def test_an_expired_certificate_says_so(cast, django_capture_on_commit_callbacks):
    course = make_course(cast.instructor, "First Aid", pages=1, valid_months=6)
    completed_at = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    enrollment = learning.enroll(cast.learner, course, source="self", at=completed_at)
    with django_capture_on_commit_callbacks(execute=True):
        complete(enrollment, at=completed_at)
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.expires_at == datetime(2024, 9, 1, 8, 0, tzinfo=UTC)
    html = Client().get(f"/verify/{certificate.code}/").content.decode()
    assert "This certificate expired on Sept. 1, 2024." in html
    assert "This certificate is valid." not in html


def test_a_revoked_certificate_says_so_without_the_reason(cast, completed):
    services.revoke(
        completed, by=cast.admin, reason="Cheated on the test", at=T0 + timedelta(days=3)
    )
    html = Client().get(f"/verify/{completed.code}/").content.decode()
    assert "This certificate was revoked on Feb. 3, 2026." in html
    assert "Cheated" not in html and "Ada Admin" not in html


def test_an_unknown_code_is_a_clear_404(db):
    response = Client().get("/verify/AAAABBBBCCCC/")
    assert response.status_code == 404
    assert "There is no certificate with the code AAAABBBBCCCC." in response.content.decode()
    garbage = Client().get("/verify/<script>/")
    assert garbage.status_code == 404
    assert "<script>" not in garbage.content.decode()


def test_a_typed_code_leads_to_its_page(cast, completed):
    client = Client()
    assert "Certificate code" in client.get("/verify/").content.decode()
    typed = "-".join(completed.code[i : i + 4] for i in (0, 4, 8)).lower()
    response = client.get("/verify/", {"code": typed})
    assert response.status_code == 302 and response["Location"] == f"/verify/{completed.code}/"
    wrong = client.get("/verify/", {"code": "12345"})
    assert "A certificate code has twelve letters and digits." in wrong.content.decode()
    dashed = client.get(f"/verify/{typed}/")
    assert dashed.status_code == 302 and dashed["Location"] == f"/verify/{completed.code}/"


def test_the_verification_page_speaks_turkish(cast, completed):
    client = Client(headers={"accept-language": "tr"})
    html = client.get(f"/verify/{completed.code}/").content.decode()
    assert "Bu sertifika geçerlidir." in html


def test_a_signed_in_person_sees_the_same(cast, completed):
    html = client_for(cast.outsider).get(f"/verify/{completed.code}/").content.decode()
    assert "This certificate is valid." in html and "learner@example.com" not in html
