"""The authoring area for learning paths: instructors and administrators arrange courses
into programmes (required courses and groups of electives) and publish them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from lectio.accounts.permissions import AuthenticatedRequest, requires
from lectio.catalog import paths, permissions
from lectio.catalog.forms import CourseStepForm, ElectiveStepForm, NewCourseForm, PathForm
from lectio.catalog.models import LearningPath, PathStep

author_only = requires(permissions.can_author)


def _path_for(request: AuthenticatedRequest, pk: int) -> LearningPath:
    """A path the signed-in author may edit; 404 otherwise."""
    path = (
        permissions.paths_editable_by(request.user)
        .select_related("live_version")
        .filter(pk=pk)
        .first()
    )
    if path is None:
        raise Http404
    return path


def _step_for(request: AuthenticatedRequest, pk: int) -> PathStep:
    step = get_object_or_404(PathStep, pk=pk)
    step.path = _path_for(request, step.path_id)
    return step


def _home(request: AuthenticatedRequest, form: NewCourseForm, status: int = 200) -> HttpResponse:
    learning_paths = (
        permissions.paths_editable_by(request.user)
        .select_related("live_version")
        .defer("live_version__outline")
        .order_by("-updated_at")
    )
    return render(
        request,
        "catalog/author/paths.html",
        {"paths": learning_paths, "form": form},
        status=status,
    )


@author_only
@require_safe
def path_list(request: AuthenticatedRequest) -> HttpResponse:
    return _home(request, NewCourseForm())


@author_only
@require_POST
def path_create(request: AuthenticatedRequest) -> HttpResponse:
    form = NewCourseForm(request.POST)
    if not form.is_valid():
        return _home(request, form, status=400)
    path = paths.create_path(title=form.cleaned_data["title"], by=request.user)
    messages.success(request, _("The programme is created as a draft. Add its courses."))
    return redirect("authoring:path", pk=path.pk)


def _page(
    request: AuthenticatedRequest,
    path: LearningPath,
    form: PathForm,
    course_form: CourseStepForm | None = None,
    elective_form: ElectiveStepForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "catalog/author/path.html",
        {
            "path": path,
            "form": form,
            "steps": paths.draft_steps(path),
            "course_form": course_form or CourseStepForm(prefix="course"),
            "elective_form": elective_form or ElectiveStepForm(prefix="elective"),
            "versions": path.versions.select_related("published_by").defer("outline")[:20],
        },
        status=status,
    )


@author_only
def path_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    path = _path_for(request, pk)
    form = PathForm(request.POST or None, instance=path)
    if request.method == "POST":
        if form.is_valid():
            variants = form.pop_variants()
            path.refresh_from_db()
            try:
                paths.update_path(path, **form.cleaned_data)
                paths.set_path_variants(path, variants)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The programme settings are saved."))
                return redirect("authoring:path", pk=path.pk)
        return _page(request, path, form, status=400)
    return _page(request, path, form)


@author_only
@require_POST
def step_add_course(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    path = _path_for(request, pk)
    form = CourseStepForm(request.POST, prefix="course")
    if not form.is_valid():
        return _page(request, path, PathForm(instance=path), course_form=form, status=400)
    paths.add_course_step(path, form.cleaned_data["course"])
    return redirect("authoring:path", pk=path.pk)


@author_only
@require_POST
def step_add_elective(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    path = _path_for(request, pk)
    form = ElectiveStepForm(request.POST, prefix="elective")
    if form.is_valid():
        data = form.cleaned_data
        try:
            paths.add_elective_step(path, data["courses"], pick=data["pick"], title=data["title"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("authoring:path", pk=path.pk)
    return _page(request, path, PathForm(instance=path), elective_form=form, status=400)


@author_only
def step_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Change a group of electives: its title, its courses, how many must be completed."""
    step = _step_for(request, pk)
    if step.kind != PathStep.Kind.ELECTIVE:
        raise Http404
    initial = {"title": step.title, "courses": list(step.courses.all()), "pick": step.pick}
    form = ElectiveStepForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            paths.update_elective_step(
                step, data["courses"], pick=data["pick"], title=data["title"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The electives are saved."))
            return redirect("authoring:path", pk=step.path_id)
    return render(request, "catalog/author/path_step.html", {"step": step, "form": form})


@author_only
@require_POST
def step_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    step = _step_for(request, pk)
    paths.remove_step(step)
    return redirect("authoring:path", pk=step.path_id)


@author_only
@require_POST
def step_move(request: AuthenticatedRequest, pk: int, direction: str) -> HttpResponse:
    step = _step_for(request, pk)
    paths.move_step(step, up=direction == "up")
    return redirect("authoring:path", pk=step.path_id)


@author_only
def path_publish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    path = _path_for(request, pk)
    problems = paths.path_problems(path)
    if request.method == "POST" and not problems:
        try:
            version = paths.publish_path(path, by=request.user)
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, _("Version %(number)s is live.") % {"number": version.number})
            return redirect("authoring:path", pk=path.pk)
    return render(
        request,
        "catalog/author/path_publish.html",
        {"path": path, "problems": problems},
        status=400 if request.method == "POST" else 200,
    )


@author_only
@require_POST
def path_archive(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    path = _path_for(request, pk)
    if path.status == LearningPath.Status.ARCHIVED:
        paths.restore_path(path)
        messages.success(request, _("The programme is restored."))
    else:
        paths.archive_path(path)
        messages.success(
            request,
            _("The programme is archived: it left the catalogue; learners' records are kept."),
        )
    return redirect("authoring:path", pk=path.pk)
