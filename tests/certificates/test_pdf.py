"""The certificate PDF: what it says, in the holder's language, and who may download it."""

import io

from django.test import Client
from pypdf import PdfReader

from lectio.accounts import services as accounts
from lectio.certificates import pdf
from tests.helpers import client_for


def _text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert width > height  # A4 landscape
    return page.extract_text()


def test_the_owner_downloads_a_pdf_with_name_course_dates_and_code(cast, completed, settings):
    settings.LECTIO_ORGANISATION_NAME = "Meridian Logistics"
    response = client_for(cast.learner).get(f"/certificates/{completed.code}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert "Meridian Logistics" in text
    assert "Leyla Learner" in text and "Fire Safety" in text
    assert completed.display_code in text
    # Dates in the learner's language (English) and time zone (Istanbul).
    assert "Completed on Jan. 31, 2026" in text and "Valid until Jan. 31, 2027" in text
    assert f"{settings.SITE_URL}/verify/{completed.code}/" in text


def test_turkish_names_and_language_round_trip(cast, completed, settings):
    settings.SITE_URL = "https://learn.example.com"
    accounts.update_person(cast.learner, full_name="Şükrü Çağlayan", language="tr")
    new = client_for(cast.admin).post(
        f"/certificates/{completed.code}/reissue/", {"reissue-reason": "Name changed"}
    )
    assert new.status_code == 302
    code = new["Location"].split("/")[-2]
    text = _text(client_for(cast.admin).get(f"/certificates/{code}.pdf").content)
    assert "Şükrü Çağlayan" in text
    assert "Tamamlama belgesi" in text  # the holder's language, not the viewer's
    assert "31 Ocak 2026" in text
    assert f"https://learn.example.com/verify/{code}/" in text


def test_the_same_row_gives_the_same_pdf(completed):
    url = "https://learn.example.com/verify/X/"
    assert pdf.render(completed, url) == pdf.render(completed, url)


def test_a_logo_is_drawn_when_configured_and_skipped_when_missing(completed, settings, tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 60), "navy").save(logo)
    without = pdf.render(completed, "https://x/verify/")
    settings.LECTIO_ORGANISATION_LOGO = str(logo)
    with_logo = pdf.render(completed, "https://x/verify/")
    assert b"/Subtype /Image" in with_logo and b"/Subtype /Image" not in without
    settings.LECTIO_ORGANISATION_LOGO = str(tmp_path / "missing.png")
    assert pdf.render(completed, "https://x/verify/") == without


def test_administrators_and_the_persons_manager_may_download(cast, completed):
    for person in (cast.admin, cast.manager):
        response = client_for(person).get(f"/certificates/{completed.code}.pdf")
        assert response.status_code == 200, person


def test_others_get_404_and_anonymous_visitors_must_sign_in(cast, completed):
    url = f"/certificates/{completed.code}.pdf"
    assert client_for(cast.outsider).get(url).status_code == 404
    assert client_for(cast.instructor).get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/accounts/sign-in/" in anonymous["Location"]
    assert client_for(cast.learner).get("/certificates/AAAAAAAAAAAA.pdf").status_code == 404


def test_a_manager_of_another_department_gets_404(cast, completed):
    other = accounts.create_person(email="m2@example.com", full_name="Max Manager")
    accounts.set_department_manager(cast.germany, other)
    other.refresh_from_db()
    assert client_for(other).get(f"/certificates/{completed.code}.pdf").status_code == 404


def test_a_very_long_course_title_is_kept_whole(completed):
    title = "Occupational Health and Safety " * 6 + "Final"
    completed.course_title = title.strip()
    text = " ".join(_text(pdf.render(completed, "https://x/verify/")).split())
    assert title.strip() in text
