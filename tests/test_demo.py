import io

from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from lectio.accounts.models import Department, Group, User
from lectio.assets.models import Asset, Caption
from lectio.assignments.models import Obligation
from lectio.catalog.models import Course, CourseVersion, LearningPath, Lesson
from lectio.learning.models import Enrollment, PathEnrollment


def test_demo_creates_a_realistic_organisation_once(db, settings, monkeypatch):
    settings.LECTIO_DEMO_PASSWORD = "demo"
    monkeypatch.setenv("LECTIO_DEMO_VIDEO_SECONDS", "3")  # short clips keep the test quick
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert User.objects.count() == 60
    assert Department.objects.count() == 13
    assert {d.location.split(", ")[1] for d in Department.objects.all()} >= {
        "Türkiye",
        "Germany",
        "United States",
        "United Kingdom",
    }
    assert set(User.objects.values_list("time_zone", flat=True)) >= {
        "Europe/Istanbul",
        "Europe/Berlin",
        "America/Chicago",
        "Europe/London",
    }
    assert set(User.objects.values_list("language", flat=True)) == {"en", "tr"}
    assert Group.objects.count() == 2
    text = out.getvalue()
    for email in ("admin", "instructor", "manager", "learner"):
        assert f"{email}@example.com" in text
    admin = User.objects.get(email="admin@example.com")
    assert admin.check_password("demo") and admin.is_administrator
    manager = User.objects.get(email="manager@example.com")
    learner = User.objects.get(email="learner@example.com")
    assert learner in User.objects.visible_to(manager)
    assert User.objects.get(email="instructor@example.com").is_instructor

    courses = Course.objects.live()
    assert sorted(c.live_version.title for c in courses) == [
        "Information Security Awareness",
        "New Joiner Onboarding",
        "Workplace Health and Safety",
    ]
    assert all(c.live_version.lesson_count >= 2 for c in courses)
    # Each ends with a quiz (in the draft while its new media are still processing).
    assert all(c.lessons.filter(kind="quiz").exists() for c in courses)
    # Workplace safety has an interactive SCORM 2004 lesson (our own demo package).
    drill = Lesson.objects.get(kind="package", course__title="Workplace Health and Safety")
    assert drill.content["package"]
    assert all(c.live_version.title_in("tr") != c.live_version.title for c in courses)
    mine = Enrollment.objects.filter(user__email="learner@example.com")
    assert mine.count() == 3 and sum(e.is_overdue() for e in mine) == 1
    # Information security is assigned to every active person, with a due date.
    security = Obligation.objects.filter(course__title="Information Security Awareness")
    assert security.count() == User.objects.filter(is_active=True).count()
    assert Obligation.objects.filter(course__title="New Joiner Onboarding").exists()
    assert Obligation.objects.filter(user=learner, status="overdue").count() == 1
    # Each course gets a generated video (chapters, English and Turkish captions), a PDF
    # handbook and a slide deck, queued for the worker, and is republished when they are ready.
    assert Asset.objects.filter(kind="video", status="queued").count() == 3
    assert Asset.objects.filter(kind="document").count() == 6
    assert (
        Caption.objects.filter(language="en").count()
        == Caption.objects.filter(language="tr").count()
        == 3
    )
    video = Lesson.objects.filter(kind="video").first()
    assert (
        len(video.content["chapters"]) >= 2
        and Asset.objects.get(key=video.content["asset"]).duration == 3
    )
    # The Compliance Essentials programme: two required courses and a group of electives,
    # which the demo learner follows.
    programme = LearningPath.objects.live().get(title="Compliance Essentials")
    steps = programme.live_version.outline["steps"]
    assert [step["kind"] for step in steps] == ["course", "course", "elective"]
    assert programme.live_version.title_in("tr") == "Uyum Temelleri"
    assert PathEnrollment.objects.filter(user=learner, path=programme).exists()
    waiting = DBTaskResult.objects.filter(task_path="lectio.catalog.tasks.publish_when_ready")
    assert waiting.count() == 3

    call_command("demo", stdout=io.StringIO())
    assert User.objects.count() == 60
    assert Course.objects.count() == 3
    assert CourseVersion.objects.count() == 3
    assert LearningPath.objects.count() == 1 and PathEnrollment.objects.count() == 1
    assert Asset.objects.count() == 9
    assert Lesson.objects.filter(kind="package").count() == 1
