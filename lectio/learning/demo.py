"""Demo enrolments: the demo learner also took a course on their own."""

from typing import TextIO

from lectio.accounts.models import User
from lectio.catalog.models import Course
from lectio.learning import services


def populate(out: TextIO) -> None:
    learner = User.objects.get(email="learner@example.com")
    onboarding = Course.objects.live().get(title="New Joiner Onboarding")
    services.enroll(learner, onboarding, source="self")
    out.write("Enrolments: the demo learner enrolled in New Joiner Onboarding.\n")
