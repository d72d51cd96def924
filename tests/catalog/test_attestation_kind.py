"""The attestation lesson kind: its form, its snapshot (text, sentence, digest) and what
stops it from being published."""

import hashlib

import pytest
from django.core.exceptions import ValidationError

from lectio.catalog import services
from lectio.catalog.kinds import KINDS, attestation
from tests.helpers import client_for, make_course


def _policy(cast, text="<p>Do not share passwords.</p>", **content):
    course = make_course(cast.instructor, pages=1, publish=False)
    lesson = services.add_lesson(course.modules.get(), title="Policy", kind_name="attestation")
    if text is not None:
        services.update_lesson(lesson, content={"text": text, **content})
    return course, lesson


def test_it_is_a_registered_kind():
    assert KINDS["attestation"] is attestation


def test_the_snapshot_carries_text_sentence_and_their_digest():
    snap = attestation.snapshot({"text": "<p>Rule</p>", "confirmation": "I agree."})
    expected = hashlib.sha256(b"<p>Rule</p>\0I agree.").hexdigest()
    assert snap == {"text": "<p>Rule</p>", "confirmation": "I agree.", "digest": expected}


def test_the_snapshot_falls_back_to_the_default_sentence_and_sanitises():
    snap = attestation.snapshot({"text": "<p onclick='x()'>Rule</p><script>bad()</script>"})
    assert snap["text"] == "<p>Rule</p>"
    assert snap["confirmation"] == (
        "I have read and understood this policy and agree to follow it."
    )
    assert snap["digest"] == attestation.digest(snap["text"], snap["confirmation"])


def test_a_changed_sentence_changes_the_digest():
    one = attestation.snapshot({"text": "<p>Rule</p>", "confirmation": "I agree."})
    two = attestation.snapshot({"text": "<p>Rule</p>", "confirmation": "I agree!"})
    assert one["digest"] != two["digest"]


def test_the_form_sanitises_the_text_and_needs_a_sentence():
    form = attestation.ContentForm(
        {"text": "<p>Rule</p><script>x()</script>", "confirmation": "  I   agree. "}
    )
    assert form.is_valid()
    assert form.cleaned_data == {"text": "<p>Rule</p>", "confirmation": "I agree."}
    assert not attestation.ContentForm({"text": "<p>Rule</p>", "confirmation": ""}).is_valid()


def test_it_cannot_be_published_without_text(cast):
    course, _lesson = _policy(cast, text=None)
    with pytest.raises(ValidationError) as caught:
        services.publish_course(course, by=cast.instructor)
    assert "Policy: The attestation has no text yet." in caught.value.messages


def test_each_language_variant_gets_its_own_digest(cast):
    course, lesson = _policy(cast, confirmation="I agree.")
    services.set_lesson_variant(
        lesson,
        "tr",
        title="Politika",
        content={"text": "<p>Parola paylaşma.</p>", "confirmation": "Kabul ediyorum."},
    )
    version = services.publish_course(course, by=cast.instructor)
    english = services.localize(version.outline, "en")["modules"][0]["lessons"][1]["content"]
    turkish = services.localize(version.outline, "tr")["modules"][0]["lessons"][1]["content"]
    assert english["digest"] == attestation.digest("<p>Do not share passwords.</p>", "I agree.")
    assert turkish["digest"] == attestation.digest("<p>Parola paylaşma.</p>", "Kabul ediyorum.")


def test_an_author_writes_the_text_and_sentence_in_the_lesson_form(cast):
    _course, lesson = _policy(cast, text=None)
    client = client_for(cast.instructor)
    page = client.get(f"/author/lessons/{lesson.pk}/").content.decode()
    assert "Confirmation sentence" in page
    assert "I have read and understood this policy and agree to follow it." in page
    response = client.post(
        f"/author/lessons/{lesson.pk}/",
        {
            "lesson-title": "Policy",
            "lesson-required": "on",
            "content-text": "<p>Lock your screen.</p>",
            "content-confirmation": "I will lock my screen.",
        },
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.content == {
        "text": "<p>Lock your screen.</p>",
        "confirmation": "I will lock my screen.",
    }
