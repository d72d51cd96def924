"""The bank pages, import and export: who may see them, what they show, query counts."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lectio.assessments import services
from lectio.assessments.models import Category, Question, QuestionImport
from tests.assessments.data import RAW, prompt
from tests.helpers import client_for

FILES = Path(__file__).parent / "files"


def upload(client, name, fmt, category=None):
    data = {
        "format": fmt,
        "file": SimpleUploadedFile(name, (FILES / name).read_bytes()),
    }
    if category:
        data["category"] = category.pk
    return client.post(reverse("assessments:import"), data)


def fill_bank(cast, count=3):
    safety = services.create_category(name="Safety")
    fire = services.create_category(name="Fire", parent=safety)
    for number in range(count):
        for type_name in sorted(RAW):
            services.create_question(
                category=fire,
                type=type_name,
                prompt=prompt(type_name),
                data=RAW[type_name],
                name=f"{type_name} {number}",
                by=cast.instructor,
                tags=["fire", f"t{number}"],
            )
    return safety, fire


@pytest.mark.parametrize("who", ["learner", "manager", "outsider"])
def test_it_requires_an_instructor_or_administrator(cast, who):
    _safety, fire = fill_bank(cast, 1)
    question = Question.objects.first()
    client = client_for(getattr(cast, who))
    for url in (
        reverse("assessments:bank"),
        reverse("assessments:category", args=[fire.pk]),
        reverse("assessments:question", args=[question.pk]),
        reverse("assessments:export", args=[fire.pk]) + "?format=gift&download=1",
        reverse("assessments:import"),
    ):
        assert client.get(url).status_code == 403, url
    assert upload(client, "all_types.gift", "gift").status_code == 403
    assert QuestionImport.objects.count() == 0


def test_it_requires_sign_in(client, cast):
    response = client.get(reverse("assessments:bank"))
    assert response.status_code == 302


def test_the_bank_shows_the_tree_with_counts(cast, django_assert_max_num_queries):
    _safety, fire = fill_bank(cast, 2)
    services.create_category(name="Drills", parent=fire)
    client = client_for(cast.instructor)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("assessments:bank"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Safety" in text and "Drills" in text
    assert response.context["categories"][1].question_count == 18


def test_the_category_page_is_bounded(cast, django_assert_max_num_queries):
    _safety, fire = fill_bank(cast, 4)
    client = client_for(cast.admin)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("assessments:category", args=[fire.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "single 0" in text and "Fill in the blanks" in text and "t3" in text
    assert len(response.context["page"].object_list) == 36


def test_the_question_page_shows_every_version(cast, django_assert_max_num_queries):
    fill_bank(cast, 1)
    question = Question.objects.filter(current_version__type="single").get()
    services.revise_question(question, by=cast.admin, prompt="<p>Second wording</p>")
    client = client_for(cast.instructor)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("assessments:question", args=[question.pk]))
    text = response.content.decode()
    assert "Version 2" in text and "Version 1" in text
    assert "Second wording" in text and "A single question?" in text


def test_a_missing_category_is_404(cast):
    client = client_for(cast.instructor)
    assert client.get(reverse("assessments:category", args=[999])).status_code == 404


# ---- Import -----------------------------------------------------------------------------


def test_import_previews_then_applies(cast):
    client = client_for(cast.instructor)
    response = upload(client, "all_types.xml", "moodle_xml")
    batch = QuestionImport.objects.get()
    assert response.url == reverse("assessments:import_preview", args=[batch.pk])
    preview = client.get(response.url)
    text = preview.content.decode()
    assert "10 questions can be imported." in text
    assert preview.context["preview"].new_categories == [
        ("Safety",),
        ("Safety", "Fire"),
        ("Safety", "General"),
    ]
    assert Question.objects.count() == 0  # nothing yet
    applied = client.post(reverse("assessments:import_preview", args=[batch.pk]))
    assert applied.url == reverse("assessments:bank")
    assert Question.objects.count() == 10
    fire = Category.objects.get(name="Fire")
    assert fire.parent.name == "Safety"
    assert fire.questions.count() == 4
    batch.refresh_from_db()
    assert batch.status == QuestionImport.Status.APPLIED
    assert batch.question_count == 10
    assert batch.created_by == cast.instructor
    # Applying twice does nothing more.
    client.post(reverse("assessments:import_preview", args=[batch.pk]))
    assert Question.objects.count() == 10


def test_import_into_a_category(cast):
    target = services.create_category(name="Imports")
    client = client_for(cast.admin)
    upload(client, "questions.aiken.txt", "aiken", category=target)
    batch = QuestionImport.objects.get()
    client.post(reverse("assessments:import_preview", args=[batch.pk]))
    assert target.questions.count() == 2


def test_import_into_existing_categories_creates_only_what_is_missing(cast):
    safety = services.create_category(name="Safety")
    services.create_category(name="Fire", parent=safety)
    client = client_for(cast.instructor)
    upload(client, "all_types.gift", "gift")
    batch = QuestionImport.objects.get()
    preview = client.get(reverse("assessments:import_preview", args=[batch.pk]))
    assert preview.context["preview"].new_categories == [("Safety", "General")]
    client.post(reverse("assessments:import_preview", args=[batch.pk]))
    assert Category.objects.count() == 3


def test_import_with_errors_lists_them_and_imports_nothing(cast):
    client = client_for(cast.instructor)
    upload(client, "bad.gift", "gift")
    batch = QuestionImport.objects.get()
    url = reverse("assessments:import_preview", args=[batch.pk])
    text = client.get(url).content.decode()
    assert "Nothing was imported: 3 questions need fixing." in text
    assert "Line 4: The answer block is not closed" in text
    assert client.post(url).status_code == 200
    assert Question.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == QuestionImport.Status.CHECKED


def test_unsupported_questions_are_listed_and_left_out(cast):
    client = client_for(cast.instructor)
    upload(client, "unsupported.xml", "moodle_xml")
    batch = QuestionImport.objects.get()
    url = reverse("assessments:import_preview", args=[batch.pk])
    text = client.get(url).content.decode()
    assert "3 questions are not supported and will be left out" in text
    assert "drag and drop into text has no Lectio type" in text
    assert "Hints left out" in text
    client.post(url)
    assert Question.objects.count() == 1
    # Its embedded picture is stored and shown by the bank's own URL.
    version = Question.objects.get().current_version
    [picture] = version.images.all()
    assert picture.name == "sign.png" and (picture.width, picture.height) == (2, 2)
    assert f'<img src="{picture.url}">' in version.prompt


def test_malformed_xml_is_reported_with_its_line(cast):
    client = client_for(cast.instructor)
    upload(client, "malformed.xml", "moodle_xml")
    batch = QuestionImport.objects.get()
    text = client.get(reverse("assessments:import_preview", args=[batch.pk])).content.decode()
    assert "Line 4: the XML is not well formed" in text


def test_a_binary_file_is_refused_at_upload(cast):
    client = client_for(cast.instructor)
    response = client.post(
        reverse("assessments:import"),
        {"format": "gift", "file": SimpleUploadedFile("x.gift", b"\xff\xfe\x00\x01")},
    )
    assert response.status_code == 200
    assert "not UTF-8" in response.content.decode()
    assert QuestionImport.objects.count() == 0


# ---- Export -----------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "parse_name"), [("gift", "gift"), ("moodle_xml", "moodle_xml")])
def test_export_downloads_and_imports_back(cast, fmt, parse_name, django_assert_max_num_queries):
    client = client_for(cast.instructor)
    upload(client, "all_types.xml" if fmt == "moodle_xml" else "all_types.gift", fmt)
    batch = QuestionImport.objects.get()
    client.post(reverse("assessments:import_preview", args=[batch.pk]))
    safety = Category.objects.get(name="Safety")
    url = reverse("assessments:export", args=[safety.pk])
    with django_assert_max_num_queries(8):
        response = client.get(url, {"format": fmt, "download": "1"})
    assert response["Content-Disposition"].startswith("attachment")
    content = response.content
    # The page before the download says how many and what is lost.
    page = client.get(url, {"format": fmt}).content.decode()
    assert "questions will be exported." in page
    # Import the export into another category: every question comes back.
    target = services.create_category(name="Copy")
    response = client.post(
        reverse("assessments:import"),
        {
            "format": fmt,
            "file": SimpleUploadedFile(f"export.{fmt}", content),
            "category": target.pk,
        },
    )
    copy = QuestionImport.objects.order_by("-pk").first()
    client.post(reverse("assessments:import_preview", args=[copy.pk]))
    copy.refresh_from_db()
    assert copy.status == QuestionImport.Status.APPLIED
    original = Question.objects.filter(category__path__startswith=safety.path)
    copied = Question.objects.filter(category__path__startswith=target.path)
    assert copied.count() == original.count()

    def contents(questions):
        return sorted(
            (
                q.current_version.type,
                q.current_version.name,
                q.current_version.prompt,
                q.category.name,
            )
            for q in questions.select_related("current_version", "category")
        )

    assert contents(copied) == contents(original)


def test_the_question_page_shows_the_answers_of_every_type(cast):
    fill_bank(cast, 1)
    client = client_for(cast.instructor)
    expected = {
        "single": "Report it to security",
        "multiple": "Partial credit",
        "truefalse": "The statement is false.",
        "short": "Ankara",
        "numeric": "± 0.5",
        "matching": "Distractors: Umbrella",
        "ordering": "Go to the assembly point",
        "cloze": "[[formula]]",
        "essay": "Names two hazards",
    }
    for question in Question.objects.select_related("current_version"):
        response = client.get(reverse("assessments:question", args=[question.pk]))
        assert expected[question.current_version.type] in response.content.decode()


def test_the_import_preview_is_bounded(cast, django_assert_max_num_queries):
    client = client_for(cast.instructor)
    upload(client, "all_types.xml", "moodle_xml")
    batch = QuestionImport.objects.get()
    with django_assert_max_num_queries(8):
        client.get(reverse("assessments:import_preview", args=[batch.pk]))
