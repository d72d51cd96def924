"""What happens after a learner starts or completes a course or a learning path,
registered by the apps that care (certificates, assignments, notifications). Learning calls
them after commit, with the enrolment's (or path enrolment's) primary key; it never imports
those apps. The same apps may provide what learning's pages link to (the certificate of a
completed course or path)."""

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


PathCompleted = Callable[[int], None]
_path_completed: list[PathCompleted] = []


def on_path_completed(hook: PathCompleted) -> PathCompleted:
    """Register ``hook(path_enrollment_id)``, called after a learning path's completion
    commits; usable as a decorator."""
    if hook not in _path_completed:
        _path_completed.append(hook)
    return hook


def path_completed(path_enrollment_id: int) -> None:
    for hook in list(_path_completed):
        hook(path_enrollment_id)


# Links to the certificate of each completed enrolment, for the dashboard and the
# transcript. A provider gets the person's primary key and their completed enrolments'
# primary keys and answers {enrollment_id: url} in one query.
CertificateLinks = Callable[[int, list[int]], dict[int, str]]
_certificate_links: list[CertificateLinks] = []


def provide_certificate_links(provider: CertificateLinks) -> CertificateLinks:
    """Register ``provider(user_id, enrollment_ids)``; usable as a decorator."""
    if provider not in _certificate_links:
        _certificate_links.append(provider)
    return provider


def certificate_links(user_id: int, enrollment_ids: list[int]) -> dict[int, str]:
    """The certificate link of each of these enrolments that has one (no query when none
    is asked for)."""
    links: dict[int, str] = {}
    if enrollment_ids:
        for provider in list(_certificate_links):
            links.update(provider(user_id, enrollment_ids))
    return links


# Links to the certificate of each completed path enrolment: the same shape, with path
# enrolments' primary keys.
_path_certificate_links: list[CertificateLinks] = []


def provide_path_certificate_links(provider: CertificateLinks) -> CertificateLinks:
    """Register ``provider(user_id, path_enrollment_ids)``; usable as a decorator."""
    if provider not in _path_certificate_links:
        _path_certificate_links.append(provider)
    return provider


def path_certificate_links(user_id: int, path_enrollment_ids: list[int]) -> dict[int, str]:
    links: dict[int, str] = {}
    if path_enrollment_ids:
        for provider in list(_path_certificate_links):
            links.update(provider(user_id, path_enrollment_ids))
    return links


# Announcements for integrations (the API's webhooks): an enrolment was created, a lesson
# was completed. Called after commit with the enrolment's or the lesson progress's primary
# key; with no hook registered they cost nothing.
_enrollment_created: list[CourseCompleted] = []
_lesson_completed: list[CourseCompleted] = []


def on_enrollment_created(hook: CourseCompleted) -> CourseCompleted:
    """Register ``hook(enrollment_id)``, called after a new enrolment commits."""
    if hook not in _enrollment_created:
        _enrollment_created.append(hook)
    return hook


def enrollment_created(enrollment_id: int) -> None:
    for hook in list(_enrollment_created):
        hook(enrollment_id)


def on_lesson_completed(hook: CourseCompleted) -> CourseCompleted:
    """Register ``hook(lesson_progress_id)``, called after a lesson's completion commits."""
    if hook not in _lesson_completed:
        _lesson_completed.append(hook)
    return hook


def lesson_completed(lesson_progress_id: int) -> None:
    for hook in list(_lesson_completed):
        hook(lesson_progress_id)
