"""Courses and learning paths (read)."""

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router
from ninja.params.functions import Query as query_param

from lectio.api.models import Scope
from lectio.api.v1 import scope
from lectio.api.v1.auth import actor
from lectio.api.v1.errors import ERRORS, visible_one
from lectio.api.v1.pagination import DEFAULT_LIMIT, MAX_LIMIT, page
from lectio.api.v1.schemas import CourseOut, Id, PathOut, page_of
from lectio.catalog.models import Course, LearningPath

router = Router(tags=["courses"])
CoursePage = page_of(CourseOut, "CoursePage")
PathPage = page_of(PathOut, "PathPage")
CourseStatus = Literal["draft", "published", "archived"]


def course_out(course: Course) -> dict[str, Any]:
    live = course.live_version
    return {
        "id": course.pk,
        "key": str(course.key),
        "slug": course.slug,
        "title": live.title if live else course.title,
        "summary": live.summary if live else course.summary,
        "language": live.language if live else course.language,
        "status": course.status,
        "visibility": live.visibility if live else course.visibility,
        "live_version": live.number if live else None,
        "published_at": live.published_at if live else None,
        "created_at": course.created_at,
    }


@router.get("/courses", response={200: CoursePage, **ERRORS}, summary="List courses")
def list_courses(
    request: HttpRequest,
    cursor: str | None = None,
    limit: int = query_param(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    status: CourseStatus | None = None,
) -> dict[str, Any]:
    """Every course for administrators; for others the live courses they may browse or are
    enrolled in (every live one for managers), and instructors' own."""
    user = actor(request, Scope.COURSES_READ)
    found = scope.courses(user).select_related("live_version")
    if status is not None:
        found = found.filter(status=status)
    return page(found, cursor, limit, course_out)


@router.get("/courses/{int:course_id}", response={200: CourseOut, **ERRORS}, summary="Get a course")
def get_course(request: HttpRequest, course_id: Id) -> dict[str, Any]:
    user = actor(request, Scope.COURSES_READ)
    found = visible_one(scope.courses(user).select_related("live_version"), course_id)
    return course_out(found)


def path_out(path: LearningPath) -> dict[str, Any]:
    live = path.live_version
    course_ids: list[int] = []
    if live is not None:
        for step in live.outline.get("steps", []):
            if step.get("kind") == "course":
                course_ids.append(int(step["course"]))
            else:
                course_ids += [int(c["course"]) for c in step.get("courses", [])]
    return {
        "id": path.pk,
        "key": str(path.key),
        "slug": path.slug,
        "title": live.title if live else path.title,
        "summary": live.summary if live else path.summary,
        "language": live.language if live else path.language,
        "status": path.status,
        "visibility": live.visibility if live else path.visibility,
        "course_ids": course_ids,
        "created_at": path.created_at,
    }


@router.get("/paths", response={200: PathPage, **ERRORS}, summary="List learning paths")
def list_paths(
    request: HttpRequest,
    cursor: str | None = None,
    limit: int = query_param(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    status: CourseStatus | None = None,
) -> dict[str, Any]:
    user = actor(request, Scope.COURSES_READ)
    found = scope.paths(user).select_related("live_version")
    if status is not None:
        found = found.filter(status=status)
    return page(found, cursor, limit, path_out)


@router.get(
    "/paths/{int:path_id}", response={200: PathOut, **ERRORS}, summary="Get a learning path"
)
def get_path(request: HttpRequest, path_id: Id) -> dict[str, Any]:
    user = actor(request, Scope.COURSES_READ)
    found = visible_one(scope.paths(user).select_related("live_version"), path_id)
    return path_out(found)
