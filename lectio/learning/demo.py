"""Demo enrolments: the demo learner also took a course on their own, and follows the
Compliance Essentials programme."""

from typing import TextIO

from lectio.accounts.models import User
from lectio.catalog.models import Course, LearningPath
from lectio.learning import paths, services


def populate(out: TextIO) -> None:
    learner = User.objects.get(email="learner@example.com")
    onboarding = Course.objects.live().get(title="New Joiner Onboarding")
    services.enroll(learner, onboarding, source="self")
    out.write("Enrolments: the demo learner enrolled in New Joiner Onboarding.\n")
    programme = LearningPath.objects.live().get(title="Compliance Essentials")
    paths.enroll_in_path(learner, programme, source="self")
    out.write("Programmes: the demo learner follows Compliance Essentials.\n")
