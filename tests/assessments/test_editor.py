"""The question editor: create and edit per type (an edit is a new version), input the
type refuses (shown, nothing changed), translations, permissions, query bounds."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from lectio.assessments import services
from lectio.assessments.models import Attempt, Question, QuestionVersion
from tests.assessments.data import RAW, prompt
from tests.assessments.quizzes import make_quiz
from tests.helpers import client_for

T0 = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)


@pytest.fixture
def fire(db):
    return services.create_category(name="Fire")


def choice_post(choices, **extra):
    post = {"rows": str(len(choices) + 1), "prompt": "<p>Pick one.</p>", "default_mark": "2"}
    for index, (text, fraction, feedback) in enumerate(choices):
        post[f"choice-{index}-text"] = text
        post[f"choice-{index}-fraction"] = fraction
        post[f"choice-{index}-feedback"] = feedback
    post.update(extra)
    return post


VALID = {
    "single": choice_post(
        [("Report it", "1", "Right."), ("Ignore it", "0", "No.")],
        shuffle="on",
        general_feedback="<p>Always report.</p>",
        tags="fire, drills",
    ),
    "multiple": choice_post(
        [("Gloves", "0.5", "Yes."), ("Goggles", "0.5", "Yes."), ("Sandals", "-1", "No.")],
        scoring="partial",
    ),
    "short": choice_post(
        [("Ankara", "1", "Yes."), ("Ank*", "0.5", "Nearly.")],
        prompt="<p>The capital of Türkiye?</p>",
        case_sensitive="on",
    ),
    "numeric": {
        "prompt": "<p>How many centimetres in a metre?</p>",
        "answer-rows": "3",
        "answer-0-value": "100",
        "answer-0-tolerance": "0.5",
        "answer-0-fraction": "1",
        "answer-0-feedback": "Right.",
        "answer-1-value": "10",
        "answer-1-fraction": "0",
        "unit-rows": "3",
        "unit-0-unit": "cm",
        "unit-0-multiplier": "1",
        "unit-1-unit": "m",
        "unit-1-multiplier": "0.01",
        "default_mark": "1",
    },
    "ordering": {
        "prompt": "<p>Put in order.</p>",
        "item-rows": "4",
        "item-0-text": "Raise the alarm",
        "item-1-text": "Leave",
        "item-2-text": "Report",
        "scoring": "all_or_nothing",
        "default_mark": "1",
    },
    "matching": {
        "prompt": "<p>Match.</p>",
        "pair-rows": "3",
        "pair-0-prompt": "Fire",
        "pair-0-answer": "Extinguisher",
        "pair-1-prompt": "Cut",
        "pair-1-answer": "Bandage",
        "distractors": "Umbrella\nKite",
        "shuffle": "on",
        "default_mark": "1",
    },
    "truefalse": {
        "prompt": "<p>Water is wet.</p>",
        "answer": "true",
        "feedback_true": "Right.",
        "feedback_false": "Think again.",
        "default_mark": "1",
    },
    "cloze": {
        "prompt": "<p>Water boils at [[temp]] °C; it is [[state]] at 20 °C.</p>",
        "default_mark": "2",
        "gaps": "3",
        "gap-0-id": "temp",
        "gap-0-kind": "numeric",
        "gap-0-weight": "2",
        "gap-0-rows": "2",
        "gap-0-0-text": "100",
        "gap-0-0-tolerance": "0.5",
        "gap-0-0-feedback": "Yes.",
        "gap-1-id": "state",
        "gap-1-kind": "choice",
        "gap-1-weight": "1",
        "gap-1-rows": "3",
        "gap-1-0-text": "liquid",
        "gap-1-0-fraction": "1",
        "gap-1-1-text": "gas",
        "gap-1-1-feedback": "Not at 20 °C.",
        "gap-2-id": "",
        "gap-2-rows": "1",
    },
    "essay": {
        "prompt": "<p>Describe a drill.</p>",
        "rubric": "<p>Mentions the assembly point.</p>",
        "min_words": "50",
        "default_mark": "5",
    },
}

INVALID = {
    "single": (
        choice_post([("Report it", "0.5", ""), ("Ignore it", "0", "")]),
        "No choice is fully correct",
    ),
    "multiple": (
        choice_post([("Gloves", "0.5", ""), ("Goggles", "0.2", "")], scoring="partial"),
        "they must add up to 100%",
    ),
    "short": (choice_post([("Ankara", "0.5", "")]), "No answer is fully correct"),
    "numeric": (
        {
            "prompt": "<p>How many?</p>",
            "answer-rows": "1",
            "answer-0-value": "a hundred",
            "default_mark": "1",
        },
        "Answer 1: the value is not a number.",
    ),
    "ordering": (
        {"prompt": "<p>Order.</p>", "item-rows": "2", "item-0-text": "Only one"},
        "Give at least two items to put in order.",
    ),
    "matching": (
        {
            "prompt": "<p>Match.</p>",
            "pair-rows": "2",
            "pair-0-prompt": "Fire",
            "pair-0-answer": "Extinguisher",
            "pair-1-prompt": "Cut",
            "default_mark": "1",
        },
        "Pair 2 has no answer.",
    ),
    "truefalse": ({"prompt": "<p>Water is wet.</p>", "default_mark": "1"}, "true or false"),
    "essay": ({"prompt": "   ", "default_mark": "1"}, "The question has no text."),
    "cloze": (
        {
            "prompt": "<p>[[temp]] and [[later]]</p>",
            "default_mark": "1",
            "gaps": "1",
            "gap-0-id": "temp",
            "gap-0-kind": "short",
            "gap-0-rows": "1",
            "gap-0-0-text": "hot",
        },
        "The text marks a gap [[later]] that is not defined.",
    ),
}


def new_url(category, type_name):
    return reverse("assessments:new_question", args=[category.pk]) + f"?type={type_name}"


@pytest.mark.parametrize("type_name", list(VALID))
def test_it_creates_a_question(cast, fire, type_name):
    client = client_for(cast.instructor)
    assert client.get(new_url(fire, type_name)).status_code == 200
    response = client.post(new_url(fire, type_name), VALID[type_name])
    question = Question.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:question", args=[question.pk])
    version = question.current_version
    assert version.type == type_name and version.number == 1
    assert version.created_by == cast.instructor
    if type_name == "single":
        assert [c["text"] for c in version.data["choices"]] == ["Report it", "Ignore it"]
        assert version.data["choices"][0]["feedback"] == "Right."
        assert version.general_feedback == "<p>Always report.</p>"
        assert sorted(t.name for t in question.tags.all()) == ["drills", "fire"]
        assert str(version.default_mark) == "2.00"
    if type_name == "truefalse":
        assert version.data["answer"] is True
    if type_name == "essay":
        assert version.data["min_words"] == 50
    if type_name == "numeric":
        assert [(a["value"], a["tolerance"]) for a in version.data["answers"]] == [
            (100, 0.5),
            (10, 0),
        ]
        assert [u["unit"] for u in version.data["units"]] == ["cm", "m"]
    if type_name == "ordering":
        assert [i["text"] for i in version.data["items"]] == ["Raise the alarm", "Leave", "Report"]
        assert version.data["scoring"] == "all_or_nothing"
    if type_name == "matching":
        assert [p["answer"] for p in version.data["pairs"]] == ["Extinguisher", "Bandage"]
        assert version.data["distractors"] == ["Umbrella", "Kite"]
    if type_name == "short":
        assert [a["text"] for a in version.data["answers"]] == ["Ankara", "Ank*"]
        assert version.data["case_sensitive"] is True
    if type_name == "cloze":
        temp, state = version.data["gaps"]
        assert (temp["id"], temp["kind"], temp["weight"]) == ("temp", "numeric", 2)
        assert [(a["value"], a["tolerance"], a["fraction"]) for a in temp["answers"]] == [
            (100, 0.5, 1)
        ]
        assert [(c["text"], c["fraction"], c["feedback"]) for c in state["choices"]] == [
            ("liquid", 1, ""),
            ("gas", 0, "Not at 20 °C."),
        ]


@pytest.mark.parametrize("type_name", list(VALID))
def test_an_edit_makes_a_new_version(cast, fire, type_name):
    question = services.create_question(
        category=fire,
        type=type_name,
        prompt=prompt(type_name),
        data=RAW[type_name],
        by=cast.instructor,
    )
    first = question.current_version
    original = (first.prompt, first.data)
    client = client_for(cast.admin)
    page = client.get(reverse("assessments:edit_question", args=[question.pk]))
    assert page.status_code == 200
    reworded = "<p>Reworded.</p>"
    if type_name == "cloze":
        reworded = "<p>Reworded: [[temp]] and [[state]].</p>"
    post = dict(VALID[type_name], prompt=reworded)
    response = client.post(reverse("assessments:edit_question", args=[question.pk]), post)
    assert response.status_code == 302, response.content.decode()
    question.refresh_from_db()
    assert question.current_version.number == 2
    assert question.current_version.prompt == reworded
    first.refresh_from_db()
    assert (first.prompt, first.data) == original
    assert QuestionVersion.objects.filter(question=question).count() == 2


@pytest.mark.parametrize("type_name", list(INVALID))
def test_invalid_input_is_refused_with_the_reason(cast, fire, type_name):
    client = client_for(cast.instructor)
    post, message = INVALID[type_name]
    response = client.post(new_url(fire, type_name), post)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Question.objects.count() == 0

    question = services.create_question(
        category=fire, type=type_name, prompt=prompt(type_name), data=RAW[type_name], by=None
    )
    response = client.post(reverse("assessments:edit_question", args=[question.pk]), post)
    assert response.status_code == 400 and message in response.content.decode()
    assert QuestionVersion.objects.filter(question=question).count() == 1


def test_the_refused_form_keeps_what_was_typed(cast, fire):
    post, _message = INVALID["single"]
    response = client_for(cast.instructor).post(new_url(fire, "single"), post)
    assert "Report it" in response.content.decode()


def test_a_bad_default_mark_is_refused(cast, fire):
    post = dict(VALID["truefalse"], default_mark="lots")
    response = client_for(cast.instructor).post(new_url(fire, "truefalse"), post)
    assert response.status_code == 400
    assert "The default mark must be a number." in response.content.decode()
    assert Question.objects.count() == 0


def test_the_prompt_is_sanitised(cast, fire):
    post = dict(VALID["truefalse"], prompt="<p>Wet?</p><script>alert(1)</script>")
    client_for(cast.instructor).post(new_url(fire, "truefalse"), post)
    assert "script" not in Question.objects.get().current_version.prompt


def test_without_a_type_it_asks_for_one(cast, fire):
    response = client_for(cast.instructor).get(reverse("assessments:new_question", args=[fire.pk]))
    assert response.status_code == 200
    assert 'value="truefalse"' in response.content.decode()


def test_a_cloze_edit_without_changes_keeps_every_gap(cast, fire):
    question = services.create_question(
        category=fire, type="cloze", prompt=prompt("cloze"), data=RAW["cloze"], by=None
    )
    first = question.current_version
    client = client_for(cast.instructor)
    edit = reverse("assessments:edit_question", args=[question.pk])
    page = client.get(edit)
    assert page.status_code == 200
    # The form as the browser would send it back untouched.
    post = {}
    for field in page.context["gap_forms"]:
        index = len([k for k in post if k.endswith("-kind")])
        post |= {
            f"gap-{index}-id": field["id"],
            f"gap-{index}-kind": field["kind"],
            f"gap-{index}-weight": field["weight"],
            f"gap-{index}-rows": str(len(field["rows"])),
        }
        if field["case_sensitive"]:
            post[f"gap-{index}-case_sensitive"] = "on"
        for n, row in enumerate(field["rows"]):
            post |= {f"gap-{index}-{n}-{key}": value for key, value in row.items()}
    post |= {"gaps": str(len(page.context["gap_forms"])), "prompt": first.prompt}
    post["default_mark"] = "1"
    assert client.post(edit, post).status_code == 302
    question.refresh_from_db()
    assert question.current_version.data == first.data
    assert question.current_version.number == 2


def test_a_refused_cloze_offers_a_form_for_each_marked_gap(cast, fire):
    post, _message = INVALID["cloze"]
    response = client_for(cast.instructor).post(new_url(fire, "cloze"), post)
    assert response.status_code == 400
    ids = [gap["id"] for gap in response.context["gap_forms"]]
    assert ids[:2] == ["temp", "later"]  # what was typed, then the undefined marker
    assert 'value="hot"' in response.content.decode()


@pytest.mark.parametrize("who", ["learner", "manager", "outsider"])
def test_it_requires_an_instructor_or_administrator(cast, fire, who):
    question = services.create_question(
        category=fire, type="single", prompt=prompt("single"), data=RAW["single"], by=None
    )
    client = client_for(getattr(cast, who))
    assert client.get(new_url(fire, "single")).status_code == 403
    assert client.post(new_url(fire, "single"), VALID["single"]).status_code == 403
    edit = reverse("assessments:edit_question", args=[question.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, VALID["single"]).status_code == 403
    assert Question.objects.count() == 1
    assert QuestionVersion.objects.count() == 1


def test_the_editor_pages_are_bounded(cast, fire, django_assert_max_num_queries):
    question = services.create_question(
        category=fire,
        type="single",
        prompt=prompt("single"),
        data=RAW["single"],
        by=None,
        tags=["a", "b", "c"],
    )
    client = client_for(cast.instructor)
    with django_assert_max_num_queries(10):
        assert (
            client.get(reverse("assessments:edit_question", args=[question.pk])).status_code == 200
        )
    with django_assert_max_num_queries(10):
        assert client.get(new_url(fire, "multiple")).status_code == 200


def test_translations_are_saved_and_shown_to_a_turkish_learner(cast, fire):
    question = services.create_question(
        category=fire, type="single", prompt=prompt("single"), data=RAW["single"], by=None
    )
    ids = [c["id"] for c in question.current_version.data["choices"]]
    client = client_for(cast.instructor)
    edit = reverse("assessments:edit_question", args=[question.pk])
    post = choice_post(
        [
            (c["text"], f"{c['fraction']:g}", c["feedback"])
            for c in question.current_version.data["choices"]
        ]
    )
    for index, choice_id in enumerate(ids):
        post[f"choice-{index}-id"] = choice_id
    post["prompt"] = question.current_version.prompt
    post["tr-tr-prompt"] = "<p>Şüpheli bir e-posta aldınız.</p>"
    post[f"tr-tr-text-{ids[0]}"] = "Güvenliğe bildir"
    assert client.post(edit, post).status_code == 302
    question.refresh_from_db()
    version = question.current_version
    assert version.translations["tr"]["texts"] == {ids[0]: "Güvenliğe bildir"}
    assert "Güvenliğe bildir" in client.get(edit).content.decode()

    cast.learner.language = "tr"
    cast.learner.save(update_fields=["language"])
    course, enrollment, quiz = make_quiz(cast, [question])
    learner = client_for(cast.learner)
    learner.post(f"/assessments/quiz/{course.slug}/{quiz.pk}/")
    attempt = Attempt.objects.get(enrollment=enrollment)
    text = learner.get(f"/assessments/attempts/{attempt.pk}/").content.decode()
    assert "Şüpheli bir e-posta aldınız." in text and "Güvenliğe bildir" in text
    # Untranslated choices fall back to the original.
    assert RAW["single"]["choices"][1]["text"] in text

    cast.learner.language = "en"
    cast.learner.save(update_fields=["language"])
    text = learner.get(f"/assessments/attempts/{attempt.pk}/").content.decode()
    assert "Güvenliğe bildir" not in text and RAW["single"]["choices"][0]["text"] in text


def test_the_navigation_has_the_question_bank(cast):
    bank = reverse("assessments:bank")
    for who in ("instructor", "admin"):
        nav = client_for(getattr(cast, who)).get(bank).context["main_nav"]
        assert any(item["url"] == bank and item["current"] for item in nav)
    nav = client_for(cast.learner).get(reverse("learning:dashboard")).context["main_nav"]
    assert all(item["url"] != bank for item in nav)


def test_feedback_translations_reach_the_turkish_learners_review(cast, fire):
    from lectio.assessments import services as bank

    question = services.create_question(
        category=fire,
        type="single",
        prompt=prompt("single"),
        data=RAW["single"],
        general_feedback="<p>Always report.</p>",
        by=None,
    )
    ids = [c["id"] for c in question.current_version.data["choices"]]
    client = client_for(cast.instructor)
    edit = reverse("assessments:edit_question", args=[question.pk])
    form = client.get(edit).content.decode()
    assert f'name="tr-tr-fb-{ids[0]}"' in form  # one field per choice feedback
    post = choice_post(
        [
            (c["text"], f"{c['fraction']:g}", c["feedback"])
            for c in question.current_version.data["choices"]
        ],
        general_feedback="<p>Always report.</p>",
    )
    for index, choice_id in enumerate(ids):
        post[f"choice-{index}-id"] = choice_id
    post["prompt"] = question.current_version.prompt
    post["tr-tr-prompt"] = "<p>Şüpheli bir e-posta aldınız.</p>"
    post["tr-tr-feedback"] = "<p>Her zaman bildirin.</p>"
    post[f"tr-tr-text-{ids[0]}"] = "Güvenliğe bildir"
    post[f"tr-tr-fb-{ids[0]}"] = "Doğru: güvenlik bilmeli.<script>x</script>"
    assert client.post(edit, post).status_code == 302
    question.refresh_from_db()
    entry = question.current_version.translations["tr"]
    assert entry["feedbacks"] == {ids[0]: "Doğru: güvenlik bilmeli."}
    assert entry["feedback"] == "<p>Her zaman bildirin.</p>"

    cast.learner.language = "tr"
    cast.learner.save(update_fields=["language"])
    everything = ["score", "answers", "feedback"]
    _course, enrollment, quiz = make_quiz(
        cast, [question], review_after_attempt=everything, review_after_last=everything
    )
    attempt = bank.start_attempt(enrollment, quiz.pk, at=T0)
    bank.save_answers(attempt, {1: {"choice": ids[0]}}, at=T0)
    bank.submit_attempt(attempt, at=T0)
    learner = client_for(cast.learner)
    review = learner.get(f"/assessments/attempts/{attempt.pk}/result/").content.decode()
    for text in (
        "Şüpheli bir e-posta aldınız.",
        "Her zaman bildirin.",
        "Doğru: güvenlik bilmeli.",
        "Güvenliğe bildir",
    ):
        assert text in review
    assert "Right: security must know." not in review and "Always report." not in review
    cast.learner.language = "en"
    cast.learner.save(update_fields=["language"])
    review = learner.get(f"/assessments/attempts/{attempt.pk}/result/").content.decode()
    assert "Right: security must know." in review and "Always report." in review
    assert "Güvenliğe bildir" not in review


def test_true_false_feedback_is_shown_on_the_review(cast, fire):
    from lectio.assessments import services as bank

    question = services.create_question(
        category=fire,
        type="truefalse",
        prompt="<p>Passwords may be shared.</p>",
        data={**RAW["truefalse"], "feedback_true": "<p>No, never.</p>"},
        by=None,
    )
    everything = ["score", "answers", "feedback"]
    _course, enrollment, quiz = make_quiz(
        cast, [question], review_after_attempt=everything, review_after_last=everything
    )
    attempt = bank.start_attempt(enrollment, quiz.pk, at=T0)
    bank.save_answers(attempt, {1: {"value": True}}, at=T0)
    bank.submit_attempt(attempt, at=T0)
    review = client_for(cast.learner).get(f"/assessments/attempts/{attempt.pk}/result/")
    assert "No, never." in review.content.decode()


def test_cloze_gap_choices_are_translated_for_a_turkish_learner(cast, fire):
    from lectio.assessments import services as bank

    question = services.create_question(
        category=fire, type="cloze", prompt=prompt("cloze"), data=RAW["cloze"], by=None
    )
    state = question.current_version.data["gaps"][3]
    liquid = state["choices"][0]["id"]
    client = client_for(cast.instructor)
    edit = reverse("assessments:edit_question", args=[question.pk])
    page = client.get(edit)
    field = f"tr-tr-text-state:{liquid}"
    assert f'name="{field}"' in page.content.decode()
    post = {
        "gaps": "0",
        "prompt": question.current_version.prompt,
        "default_mark": "1",
    }
    for index, gap in enumerate(page.context["gap_forms"]):
        post |= {
            f"gap-{index}-id": gap["id"],
            f"gap-{index}-kind": gap["kind"],
            f"gap-{index}-weight": gap["weight"],
            f"gap-{index}-rows": str(len(gap["rows"])),
            **({f"gap-{index}-case_sensitive": "on"} if gap["case_sensitive"] else {}),
        }
        for n, row in enumerate(gap["rows"]):
            post |= {f"gap-{index}-{n}-{key}": value for key, value in row.items()}
    post["gaps"] = str(len(page.context["gap_forms"]))
    post[field] = "sıvı"
    assert client.post(edit, post).status_code == 302
    question.refresh_from_db()
    assert question.current_version.translations["tr"]["texts"] == {f"state:{liquid}": "sıvı"}
    cast.learner.language = "tr"
    cast.learner.save(update_fields=["language"])
    everything = ["score", "answers", "feedback"]
    _course, enrollment, quiz = make_quiz(
        cast, [question], review_after_attempt=everything, review_after_last=everything
    )
    attempt = bank.start_attempt(enrollment, quiz.pk, at=T0)
    learner = client_for(cast.learner)
    text = learner.get(f"/assessments/attempts/{attempt.pk}/").content.decode()
    assert "sıvı" in text and ">gas<" in text.replace(" ", "")  # untranslated stays
    bank.save_answers(attempt, {1: {"gaps": {"state": liquid}}}, at=T0)
    bank.submit_attempt(attempt, at=T0)
    review = learner.get(f"/assessments/attempts/{attempt.pk}/result/").content.decode()
    assert "state: sıvı" in review


def test_matching_options_are_shown_translated_and_graded_by_the_original(cast, fire):
    from lectio.assessments import services as bank

    question = services.create_question(
        category=fire,
        type="matching",
        prompt=prompt("matching"),
        data=RAW["matching"],
        translations={"tr": {"texts": {"option:Extinguisher": "Yangın söndürücü"}}},
        by=None,
    )
    edit = client_for(cast.instructor).get(reverse("assessments:edit_question", args=[question.pk]))
    assert 'name="tr-tr-text-option:Umbrella"' in edit.content.decode()
    cast.learner.language = "tr"
    cast.learner.save(update_fields=["language"])
    everything = ["score", "answers", "feedback"]
    _course, enrollment, quiz = make_quiz(
        cast, [question], review_after_attempt=everything, review_after_last=everything
    )
    attempt = bank.start_attempt(enrollment, quiz.pk, at=T0)
    learner = client_for(cast.learner)
    page = learner.get(f"/assessments/attempts/{attempt.pk}/").content.decode()
    assert '<option value="Extinguisher">Yangın söndürücü</option>' in page
    assert '<option value="Umbrella">Umbrella</option>' in page
    fire_pair = question.current_version.data["pairs"][0]["id"]
    response = learner.post(
        f"/assessments/attempts/{attempt.pk}/save/",
        {"s1-shown": "1", f"s1-m-{fire_pair}": "Extinguisher"},
    )
    assert response.status_code == 302
    bank.submit_attempt(attempt, at=T0)
    attempt.refresh_from_db()
    assert attempt.score == round(100 / 3, 2)
    review = learner.get(f"/assessments/attempts/{attempt.pk}/result/").content.decode()
    assert "Fire → Yangın söndürücü" in review
