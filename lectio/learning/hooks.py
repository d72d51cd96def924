"""What happens after a learner starts or completes a course, registered by the apps that
care (certificates, assignments, notifications). Learning calls them after commit, with the
enrolment's primary key; it never imports those apps."""

from collections.abc import Callable

CourseCompleted = Callable[[int], None]
_course_completed: list[CourseCompleted] = []


def on_course_completed(hook: CourseCompleted) -> CourseCompleted:
    """Register ``hook(enrollment_id)``; usable as a decorator."""
    if hook not in _course_completed:
        _course_completed.append(hook)
    return hook


def course_completed(enrollment_id: int) -> None:
    for hook in list(_course_completed):
        hook(enrollment_id)


_course_started: list[CourseCompleted] = []


def on_course_started(hook: CourseCompleted) -> CourseCompleted:
    """Register ``hook(enrollment_id)``, called after a learner's first activity in a course."""
    if hook not in _course_started:
        _course_started.append(hook)
    return hook


def course_started(enrollment_id: int) -> None:
    for hook in list(_course_started):
        hook(enrollment_id)
