"""Pictures in questions: uploaded (checked by content), kept in question HTML only when
they are the bank's own, delivered to instructors and to learners whose attempt shows
them, and to nobody else."""

from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from lectio.assessments import images, rich_text, services
from lectio.assessments.models import QuestionImage
from tests.assessments.data import RAW
from tests.assessments.quizzes import make_quiz
from tests.helpers import client_for

T0 = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)


def png(size=(4, 3), color=(200, 30, 30), format="PNG") -> bytes:
    out = BytesIO()
    Image.new("RGB", size, color).save(out, format)
    return out.getvalue()


def _upload(client, data: bytes, name="diagram.png", alt="A fire exit sign"):
    return client.post(
        "/assessments/images/",
        {"file": SimpleUploadedFile(name, data, content_type="image/png"), "alt": alt},
    )


def test_it_uploads_a_picture_and_shows_the_tag_to_paste(cast):
    response = _upload(client_for(cast.instructor), png())
    assert response.status_code == 200
    picture = QuestionImage.objects.get()
    assert (picture.width, picture.height, picture.content_type) == (4, 3, "image/png")
    assert picture.alt == "A fire exit sign" and picture.created_by == cast.instructor
    page = response.content.decode()
    assert f"&lt;img src=&quot;/assessments/images/{picture.key}/&quot;" in page


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "not a picture",
        ),
        (b"GIF89a not really", "not a picture"),
        (png(format="BMP"), "Use a PNG, JPEG, GIF or WebP picture."),
        (b"\x89PNG" + b"\x00" * (images.MAX_BYTES + 10), "larger than 5 MB"),
    ],
)
def test_it_refuses_what_is_not_a_usable_picture(cast, data, reason):
    response = _upload(client_for(cast.instructor), data, name="picture.png")
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not QuestionImage.objects.exists()


def test_learners_cannot_upload(cast):
    assert _upload(client_for(cast.learner), png()).status_code == 403
    assert not QuestionImage.objects.exists()


def test_it_strips_metadata_by_re_encoding(cast):
    out = BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # camera maker
    Image.new("RGB", (5, 5)).save(out, "JPEG", exif=exif)
    assert b"SecretCam" in out.getvalue()
    picture = services.store_image(out.getvalue(), name="photo.jpg", by=None)
    from django.core.files.storage import default_storage

    with default_storage.open(picture.file, "rb") as handle:
        assert b"SecretCam" not in handle.read()


def test_the_sanitiser_keeps_only_the_banks_own_pictures():
    key = "0b0c2f4e-2b1d-4f7a-9c55-6f1d2a7e9b10"
    html = (
        f'<p>See <img src="/assessments/images/{key}/" alt="Exit" width="40" onerror="x()">'
        '<img src="https://evil.example/x.png" alt="tracker">'
        '<img src="data:image/png;base64,AAAA" alt="inline">'
        f'<img src="/assessments/images/{key}/../../admin/" alt="sneaky">'
        '<img alt="no source"></p>'
    )
    assert rich_text.clean(html) == (
        f'<p>See <img src="/assessments/images/{key}/" alt="Exit" width="40"></p>'
    )


def _question_with_picture(cast):
    picture = services.store_image(png(), name="exit.png", alt="Exit", by=cast.instructor)
    category = services.category_path(["Pictures"])
    question = services.create_question(
        category=category,
        type="single",
        prompt=f"<p>Which sign is this?</p><p>{picture.html}</p>",
        data=RAW["single"],
        by=cast.instructor,
    )
    return picture, question


def test_a_version_records_the_pictures_it_shows(cast):
    picture, question = _question_with_picture(cast)
    version = question.current_version
    assert list(version.images.all()) == [picture]
    assert f'src="{picture.url}"' in version.prompt and 'alt="Exit"' in version.prompt


def test_it_delivers_a_picture_to_instructors_and_learners_whose_attempt_shows_it(cast):
    picture, question = _question_with_picture(cast)
    url = picture.url
    assert client_for(cast.instructor).get(url).status_code == 200
    learner = client_for(cast.learner)
    assert learner.get(url).status_code == 404  # no attempt shows it yet
    _course, enrollment, quiz = make_quiz(cast, [question])
    attempt = services.start_attempt(enrollment, quiz.pk, at=T0)
    response = learner.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Cache-Control"].startswith("private")
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    page = learner.get(f"/assessments/attempts/{attempt.pk}/").content.decode()
    assert f'<img src="{url}" alt="Exit"' in page
    for who in (cast.outsider, cast.manager):
        assert client_for(who).get(url).status_code == 404
    assert (
        client_for(cast.instructor)
        .get("/assessments/images/00000000-0000-4000-8000-000000000000/")
        .status_code
        == 404
    )


# Exchange formats -------------------------------------------------------------------------


def _moodle(picture_b64: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="multichoice">
    <name><text>Sign</text></name>
    <questiontext format="html"><text><![CDATA[<p>
      <img src="@@PLUGINFILE@@/exit%20sign.png" alt="Exit"></p>]]></text>
      <file name="exit sign.png" path="/" encoding="base64">{picture_b64}</file>
    </questiontext>
    <single>true</single>
    <answer fraction="100"><text>Exit</text>
      <feedback format="html"><text><![CDATA[<p>Yes
        <img src="@@PLUGINFILE@@/tick.png" alt="ok"></p>]]></text>
        <file name="tick.png" path="/" encoding="base64">{picture_b64}</file>
      </feedback>
    </answer>
    <answer fraction="0"><text>Entry</text></answer>
  </question>
</quiz>
"""


def _import(cast, text: str, format="moodle_xml"):
    from lectio.assessments import imports
    from lectio.assessments.models import QuestionImport

    batch = QuestionImport.objects.create(
        format=format, file_name="file", content=text, created_by=cast.instructor
    )
    return imports.apply(batch, by=cast.instructor)


def test_moodle_xml_pictures_are_imported_in_texts_and_feedback(cast):
    import base64

    from lectio.assessments.models import Question

    preview = _import(cast, _moodle(base64.b64encode(png()).decode()))
    assert preview.ok and preview.items[0].warnings == []
    version = Question.objects.get().current_version
    pictures = {p.name: p for p in version.images.all()}
    assert set(pictures) == {"exit sign.png", "tick.png"}
    assert f'<img src="{pictures["exit sign.png"].url}" alt="Exit">' in version.prompt
    feedback = version.data["choices"][0]["feedback"]
    assert f'<img src="{pictures["tick.png"].url}" alt="ok">' in feedback


def test_a_broken_picture_is_an_error_with_its_line(cast):
    import base64

    from lectio.assessments.models import Question

    preview = _import(cast, _moodle(base64.b64encode(b"not a picture").decode()))
    assert not preview.ok
    assert preview.items[0].error == (
        "Line 3: the picture “exit sign.png”: This file is not a picture Lectio can read."
    )
    assert not Question.objects.exists() and not QuestionImage.objects.exists()
    preview = _import(cast, _moodle("***"))
    assert "is not valid base64" in preview.items[0].error


def test_export_writes_pictures_back_and_a_round_trip_keeps_them(cast):
    from lectio.assessments import exports
    from lectio.assessments.models import Question

    picture, question = _question_with_picture(cast)
    exported = exports.export(question.category, "moodle_xml")
    name = f"{picture.key}.png"
    assert f"@@PLUGINFILE@@/{name}" in exported.text
    assert f'<file name="{name}" path="/" encoding="base64">' in exported.text
    assert "/assessments/images/" not in exported.text
    assert exported.warnings == []
    question.category.name = "Old"
    question.category.save()
    _import(cast, exported.text)
    copy = Question.objects.exclude(pk=question.pk).get().current_version
    [stored] = copy.images.all()
    assert stored.pk != picture.pk and f'src="{stored.url}"' in copy.prompt
    from django.core.files.storage import default_storage

    with (
        default_storage.open(stored.file, "rb") as a,
        default_storage.open(picture.file, "rb") as b,
    ):
        assert a.read() == b.read()
    gift = exports.export(question.category, "gift")
    assert any("pictures" in warning for warning in gift.warnings)


def test_qti_package_pictures_are_imported(cast):
    from lectio.assessments.formats import qti
    from lectio.assessments.models import Question
    from tests.assessments.test_qti import make_zip

    item = b"""<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="i1" title="Sign">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
    <correctResponse><value>A</value></correctResponse>
  </responseDeclaration>
  <itemBody>
    <p>Which sign? <img src="../media/exit.png" alt="Exit sign"/>
      <img src="missing.png" alt="gone"/></p>
    <choiceInteraction responseIdentifier="RESPONSE" maxChoices="1">
      <simpleChoice identifier="A">Exit</simpleChoice>
      <simpleChoice identifier="B">Entry</simpleChoice>
    </choiceInteraction>
  </itemBody>
</assessmentItem>"""
    manifest = b"""<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"><resources>
<resource identifier="r1" type="imsqti_item_xmlv2p1" href="items/sign.xml"/>
</resources></manifest>"""
    package = make_zip(
        {"imsmanifest.xml": manifest, "items/sign.xml": item, "media/exit.png": png()}
    )
    preview = _import(cast, qti.pack(package), format="qti")
    assert preview.ok
    assert preview.items[0].warnings == ["Pictures left out (not in the file): missing.png."]
    version = Question.objects.get().current_version
    [picture] = version.images.all()
    assert picture.name == "exit.png"
    assert f'<img src="{picture.url}" alt="Exit sign">' in version.prompt
    assert "missing.png" not in version.prompt


def test_a_failed_import_leaves_no_picture_files(cast):
    import base64
    from unittest import mock

    from django.core.files.storage import default_storage

    with (
        mock.patch("lectio.assessments.services.create_question", side_effect=RuntimeError("disk")),
        pytest.raises(RuntimeError),
    ):
        _import(cast, _moodle(base64.b64encode(png()).decode()))
    assert not QuestionImage.objects.exists()
    _folders, files = (
        default_storage.listdir("question-images")
        if default_storage.exists("question-images")
        else ([], [])
    )
    assert files == []
