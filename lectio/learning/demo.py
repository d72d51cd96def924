"""Demo enrolments: the demo learner has started onboarding."""

from typing import TextIO

from lectio.accounts.models import User
from lectio.catalog.models import Course
from lectio.learning import services


def populate(out: TextIO) -> None:
    learner = User.objects.get(email="learner@example.com")
    onboarding = Course.objects.live().get(title="New Joiner Onboarding")
    services.enroll(learner, onboarding, source="admin")
    out.write("Enrolments: the demo learner is enrolled in New Joiner Onboarding.\n")
