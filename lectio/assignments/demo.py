"""Demo assignments: yearly information security for the whole organisation, onboarding
for recent hires by rule, health and safety for one branch (where the demo learner is
already late)."""

from datetime import timedelta
from typing import TextIO

from django.utils import timezone

from lectio.accounts.models import Department, User
from lectio.assignments import services
from lectio.assignments.models import Assignment, Obligation
from lectio.catalog.models import Course
from lectio.learning.models import Enrollment


def populate(out: TextIO) -> None:
    if Assignment.objects.exists():
        return
    admin = User.objects.get(email="admin@example.com")
    learner = User.objects.get(email="learner@example.com")
    courses = {course.title: course for course in Course.objects.live()}
    root = Department.objects.filter(parent__isnull=True).order_by("path").first()
    today = timezone.localdate()
    _security, everyone = services.create_assignment(
        courses["Information Security Awareness"],
        by=admin,
        departments=[root] if root else [],
        due=Assignment.Due.FIXED,
        due_on=today + timedelta(days=30),
    )
    _onboarding, recent = services.create_assignment(
        courses["New Joiner Onboarding"],
        by=admin,
        rule={"hired_after": (today - timedelta(days=365)).isoformat()},
        due=Assignment.Due.AFTER_HIRE,
        due_days=30,
    )
    branch = learner.department
    _safety, local = services.create_assignment(
        courses["Workplace Health and Safety"],
        by=admin,
        departments=[branch] if branch else [],
        people=[learner],
        due=Assignment.Due.AFTER_ASSIGNMENT,
        due_days=14,
    )
    # The demo learner is late with health and safety (as if assigned weeks ago).
    late = Obligation.objects.get(user=learner, course=courses["Workplace Health and Safety"])
    late.due_at = timezone.now() - timedelta(days=3)
    late.save(update_fields=["due_at"])
    Enrollment.objects.filter(pk=late.enrollment_id).update(due_at=late.due_at)
    services.refresh_statuses()
    out.write(
        f"Assignments: information security for {everyone} people, onboarding for {recent} "
        f"recent hires, health and safety for {local} people in {branch}.\n"
    )
