"""Demo enrolments: mandatory training with due dates for everyone, and a learner who has
started onboarding and is late with health and safety."""

from datetime import timedelta
from typing import TextIO

from django.utils import timezone

from lectio.accounts.models import User
from lectio.catalog.models import Course
from lectio.learning import services


def populate(out: TextIO) -> None:
    learner = User.objects.get(email="learner@example.com")
    courses = {course.title: course for course in Course.objects.live()}
    today = timezone.localdate()
    everyone = list(User.objects.filter(is_active=True))
    services.enroll_people(
        courses["Information Security Awareness"],
        everyone,
        due_on=today + timedelta(days=30),
        mandatory=True,
    )
    services.enroll_people(
        courses["New Joiner Onboarding"], [learner], due_on=today + timedelta(days=5)
    )
    safety = services.enroll(learner, courses["Workplace Health and Safety"], source="admin")
    services.set_due(safety, timezone.now() - timedelta(days=3), mandatory=True)
    out.write(
        f"Enrolments: {len(everyone)} people must take Information Security Awareness within "
        "30 days; the demo learner also has onboarding due in 5 days and is late with health "
        "and safety.\n"
    )
