"""The authoring area: instructors build, preview and publish their courses."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from lectio.accounts.permissions import AuthenticatedRequest, requires
from lectio.catalog import permissions, services
from lectio.catalog.forms import (
    CourseForm,
    LessonForm,
    NewCourseForm,
    NewLessonForm,
    PublishForm,
    TitleForm,
    VariantForm,
)
from lectio.catalog.kinds import kind
from lectio.catalog.models import Course, Lesson, Module

author_only = requires(permissions.can_author)


def _course_for(request: AuthenticatedRequest, pk: int) -> Course:
    """A course the signed-in author may edit; 404 otherwise."""
    course = permissions.courses_editable_by(request.user).filter(pk=pk).first()
    if course is None:
        raise Http404
    return course


def _module_for(request: AuthenticatedRequest, pk: int) -> Module:
    module = get_object_or_404(Module.objects.select_related("course"), pk=pk, removed_at=None)
    _course_for(request, module.course_id)
    return module


def _lesson_for(request: AuthenticatedRequest, pk: int) -> Lesson:
    lesson = get_object_or_404(
        Lesson.objects.select_related("course", "module"), pk=pk, removed_at=None
    )
    _course_for(request, lesson.course_id)
    return lesson


def _outline_modules(course: Course) -> list[Module]:
    lessons = Lesson.objects.filter(removed_at__isnull=True).order_by("position", "pk")
    return list(
        Module.objects.filter(course=course, removed_at__isnull=True).prefetch_related(
            Prefetch("lessons", queryset=lessons)
        )
    )


def _outline_response(request: AuthenticatedRequest, course: Course) -> HttpResponse:
    """After a change to the structure: the outline alone for htmx, else the page."""
    if request.headers.get("HX-Request"):
        return render(
            request,
            "catalog/author/course.html#outline",
            {
                "course": course,
                "modules": _outline_modules(course),
                "lesson_kinds": Lesson.Kind.choices,
            },
        )
    return redirect("authoring:course", pk=course.pk)


@author_only
@require_safe
def home(request: AuthenticatedRequest) -> HttpResponse:
    courses = permissions.courses_editable_by(request.user).select_related("live_version")
    return render(
        request,
        "catalog/author/home.html",
        {"courses": courses.order_by("-updated_at"), "form": NewCourseForm()},
    )


@author_only
@require_POST
def course_create(request: AuthenticatedRequest) -> HttpResponse:
    form = NewCourseForm(request.POST)
    if not form.is_valid():
        courses = permissions.courses_editable_by(request.user).select_related("live_version")
        return render(request, "catalog/author/home.html", {"courses": courses, "form": form})
    course = services.create_course(title=form.cleaned_data["title"], by=request.user)
    messages.success(request, _("The course is created as a draft. Add modules and lessons."))
    return redirect("authoring:course", pk=course.pk)


@author_only
def course_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    course = _course_for(request, pk)
    form = CourseForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        variants = form.pop_variants()
        data = dict(form.cleaned_data)
        tags = data.pop("tags")
        data["category"] = services.category_named(data.pop("category"))
        instructors = data.pop("instructors")
        prerequisites = data.pop("prerequisites")
        course.refresh_from_db()
        try:
            services.update_course(course, tags=tags, **data)
            services.set_instructors(course, instructors)
            services.set_course_variants(course, variants)
            course.prerequisites.set(prerequisites)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The course settings are saved."))
            return redirect("authoring:course", pk=course.pk)
    return render(
        request,
        "catalog/author/course.html",
        {
            "course": course,
            "form": form,
            "modules": _outline_modules(course),
            "versions": course.versions.select_related("published_by")[:20],
            "module_form": TitleForm(),
            "lesson_kinds": Lesson.Kind.choices,
        },
    )


@author_only
@require_POST
def module_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    course = _course_for(request, pk)
    form = TitleForm(request.POST)
    if form.is_valid():
        services.add_module(course, title=form.cleaned_data["title"])
    else:
        messages.error(request, _("A module needs a title."))
    return _outline_response(request, course)


@author_only
@require_POST
def module_rename(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    module = _module_for(request, pk)
    form = TitleForm(request.POST)
    if form.is_valid():
        services.rename_module(module, title=form.cleaned_data["title"])
    return _outline_response(request, module.course)


@author_only
@require_POST
def module_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    module = _module_for(request, pk)
    services.remove_module(module)
    return _outline_response(request, module.course)


@author_only
@require_POST
def module_move(request: AuthenticatedRequest, pk: int, direction: str) -> HttpResponse:
    module = _module_for(request, pk)
    services.move_module(module, up=direction == "up")
    return _outline_response(request, module.course)


@author_only
@require_POST
def lesson_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    module = _module_for(request, pk)
    form = NewLessonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A lesson needs a title and a kind."))
        return redirect("authoring:course", pk=module.course_id)
    lesson = services.add_lesson(
        module, title=form.cleaned_data["title"], kind_name=form.cleaned_data["kind"]
    )
    return redirect("authoring:lesson", pk=lesson.pk)


@author_only
def lesson_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The lesson in the course's language, or (``?language=tr``) its variant in another."""
    lesson = _lesson_for(request, pk)
    language = request.GET.get("language", "")
    if language == lesson.course.language or language not in dict(settings.LANGUAGES):
        language = ""
    content_form_class = kind(lesson.kind).ContentForm
    if language:  # a kind may translate only part of its content (a quiz: instructions)
        content_form_class = getattr(kind(lesson.kind), "VariantContentForm", content_form_class)
    data = request.POST or None
    variant = lesson.variants.get(language, {}) if language else {}
    if language:
        form: forms.BaseForm = VariantForm(
            data, initial={"title": variant.get("title", "")}, prefix="lesson"
        )
        content = {**lesson.content, **variant.get("content", {})}
    else:
        form = LessonForm(data, instance=lesson, prefix="lesson")
        content = lesson.content
    content_form = (
        content_form_class(data, initial=content, prefix="content") if content_form_class else None
    )
    valid = form.is_valid() and (content_form is None or content_form.is_valid())
    if request.method == "POST" and valid:
        lesson.refresh_from_db()
        new_content = content_form.cleaned_data if content_form else None
        if language:
            services.set_lesson_variant(
                lesson, language, title=form.cleaned_data["title"], content=new_content
            )
        else:
            services.update_lesson(lesson, content=new_content, **form.cleaned_data)
        messages.success(request, _("The lesson is saved."))
        return redirect("authoring:course", pk=lesson.course_id)
    return render(
        request,
        "catalog/author/lesson.html",
        {
            "lesson": lesson,
            "course": lesson.course,
            "form": form,
            "content_form": content_form,
            "language": language,
            "languages": [(code, name) for code, name in settings.LANGUAGES],
            **_media_context(request, lesson),
        },
    )


@author_only
@require_POST
def lesson_variant_remove(request: AuthenticatedRequest, pk: int, language: str) -> HttpResponse:
    lesson = _lesson_for(request, pk)
    services.remove_lesson_variant(lesson, language)
    messages.success(request, _("The translation is removed."))
    return redirect("authoring:lesson", pk=lesson.pk)


# Lesson kinds whose content is an uploaded file, and the kind of file each takes.
UPLOAD_KINDS = {
    Lesson.Kind.VIDEO: "video",
    Lesson.Kind.DOCUMENT: "document",
    Lesson.Kind.PRESENTATION: "document",
}


def _media_context(request: AuthenticatedRequest, lesson: Lesson) -> dict[str, object]:
    """Media lessons show the assets app's upload panel (loaded into the page)."""
    upload_kind = UPLOAD_KINDS.get(Lesson.Kind(lesson.kind))
    return {"upload_kind": upload_kind} if upload_kind else {}


@author_only
@require_POST
def lesson_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    lesson = _lesson_for(request, pk)
    services.remove_lesson(lesson)
    return _outline_response(request, lesson.course)


@author_only
@require_POST
def lesson_move(request: AuthenticatedRequest, pk: int, direction: str) -> HttpResponse:
    lesson = _lesson_for(request, pk)
    services.move_lesson(lesson, up=direction == "up")
    return _outline_response(request, lesson.course)


@author_only
def publish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    course = _course_for(request, pk)
    form = PublishForm(request.POST or None)
    outline = services.build_outline(course)
    problems = services.publish_problems(course, outline)
    if request.method == "POST" and form.is_valid() and not problems:
        version = services.publish_course(course, by=request.user, **form.cleaned_data)
        messages.success(request, _("Version %(number)s is live.") % {"number": version.number})
        return redirect("authoring:course", pk=course.pk)
    return render(
        request,
        "catalog/author/publish.html",
        {"course": course, "form": form, "problems": problems},
    )


@author_only
@require_safe
def preview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The draft exactly as learners would see it once published."""
    course = _course_for(request, pk)
    return render(
        request,
        "catalog/author/preview.html",
        {
            "course": course,
            "outline": services.localize(services.build_outline(course), request.LANGUAGE_CODE),
        },
    )


@author_only
@require_POST
def archive(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    course = _course_for(request, pk)
    if course.status == Course.Status.ARCHIVED:
        services.restore_course(course)
        messages.success(request, _("The course is restored."))
    else:
        services.archive_course(course)
        messages.success(
            request,
            _("The course is archived: it left the catalogue; learners' records are kept."),
        )
    return redirect("authoring:course", pk=course.pk)
