"""The author's package panel and the learner's launch page (site origin), and the
player, package files, sessions and commits (content origin, authorised by the token)."""

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from lectio.accounts.permissions import AuthenticatedRequest
from lectio.assets import delivery
from lectio.catalog.models import Course, Lesson
from lectio.learning import services as learning
from lectio.learning.models import Enrollment
from lectio.scorm import cmi5_services, permissions, runtime, services
from lectio.scorm.middleware import is_content_request
from lectio.scorm.models import Cmi5Session, Package
from lectio.scorm.packages import PackageRefused

# Package files run their own scripts (inline too, and often eval): allowed on the content
# origin only, where nothing of the platform is reachable.
PACKAGE_CSP = (
    "default-src 'self' 'unsafe-inline' 'unsafe-eval' data: blob:; "
    "img-src 'self' data: blob:; media-src 'self' data: blob:; object-src 'none'; "
    # cmi5 AUs send their statements to our LRS (on the site origin): that path only.
    "connect-src 'self' data: blob: {lrs}; "
    "base-uri 'self'; form-action 'self'; frame-ancestors {ancestors}"
)
PLAYER_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors {ancestors}"
)


# Author --------------------------------------------------------------------------------


def _lesson_for_author(
    request: AuthenticatedRequest,
    pk: int,
    allowed: Callable[[Any, Lesson], bool] = permissions.can_manage_package,
) -> Lesson:
    """The package lesson ``pk`` when ``allowed`` lets the person at it; 404 otherwise."""
    lesson = get_object_or_404(
        Lesson.objects.select_related("course"), pk=pk, removed_at=None, kind=Lesson.Kind.PACKAGE
    )
    if not allowed(request.user, lesson):
        raise Http404
    return lesson


@never_cache
@require_http_methods(["GET", "POST"])
def lesson_package(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """GET: the lesson's package, its versions and what the last replacement changed.
    POST: upload a zip (first or replacement); refused files change nothing."""
    lesson = _lesson_for_author(request, pk)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("package")
        if upload is None:
            error = _("Choose a zip file to upload.")
        else:
            try:
                package = services.import_package(
                    lesson,
                    upload,
                    size=upload.size or 0,
                    file_name=upload.name or "",
                    by=request.user,
                )
            except PackageRefused as refused:
                error = str(refused)
            else:
                messages.success(
                    request,
                    _(
                        "The package “%(title)s” is ready. Publish the course to give it to "
                        "learners."
                    )
                    % {"title": package.title},
                )
                return redirect("authoring:lesson", pk=lesson.pk)
    versions = list(
        Package.objects.filter(lesson=lesson).only(
            "key",
            "title",
            "standard",
            "file_name",
            "size",
            "file_count",
            "created_at",
            "changes",
            "structure",
        )[:10]
    )
    current = next((p for p in versions if str(p.key) == lesson.content.get("package")), None)
    # The editor loads the panel with htmx; a refused upload (a plain form post) gets it
    # in a whole page, with the reason.
    template = "scorm/panel.html" if request.headers.get("HX-Request") else "scorm/panel_page.html"
    return render(
        request,
        template,
        {
            "lesson": lesson,
            "current": current,
            "versions": versions,
            "error": error,
            "content_origin": services.content_origin(),
        },
        status=400 if error else 200,
    )


# Learner, site origin -------------------------------------------------------------------


@never_cache
def launch(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    """The package lesson's player page: our page, with the player (on the content origin)
    in a frame. The frame's address carries a fresh signed token."""
    course = get_object_or_404(Course.objects.select_related("live_version"), slug=slug)
    enrollment = (
        Enrollment.objects.select_related("user", "course__live_version")
        .filter(user=request.user, course=course)
        .first()
    )
    if (
        enrollment is None
        or course.live_version is None
        or not permissions.can_launch(request.user, enrollment)
    ):
        raise Http404
    context: dict[str, Any] = {"course": course, "lesson_id": pk}
    try:
        lesson = learning.lesson_open_to(enrollment, pk, timezone.now())
    except learning.ProgressRefused as refused:
        context["refused"] = str(refused)
        return render(request, "scorm/launch.html", context, status=refused.status)
    context["lesson"] = lesson
    if lesson["kind"] != "package" or not lesson["content"].get("package"):
        raise Http404
    origin = services.content_origin()
    if not origin:
        context["unconfigured"] = True
        return render(request, "scorm/launch.html", context, status=503)
    learning.open_lesson(enrollment, pk)
    if lesson["content"].get("standard") == "cmi5":
        context["aus"] = cmi5_services.au_list(enrollment, pk, lesson["content"])
        # Each AU button posts here, then goes to our player page (cmi5_play): 'self'.
        return render(request, "scorm/cmi5_launch.html", context)
    token = services.launch_token(
        enrollment, pk, lesson["content"]["package"], language=request.LANGUAGE_CODE
    )
    context["player_url"] = origin + reverse("scorm:player", args=[token])
    response = render(request, "scorm/launch.html", context)
    response._csp_update = {"frame-src": ["'self'", origin]}  # type: ignore[attr-defined]
    return response


def _learner_enrollment(request: AuthenticatedRequest, course: Course) -> Enrollment:
    enrollment = (
        Enrollment.objects.select_related("user", "course__live_version")
        .filter(user=request.user, course=course)
        .first()
    )
    if (
        enrollment is None
        or course.live_version is None
        or not permissions.can_launch(request.user, enrollment)
    ):
        raise Http404
    return enrollment


def _return_url(name: str, args: list[Any], au: dict[str, Any]) -> str:
    """LMS.LaunchData returnURL (cmi5 section 10): our return page, which leaves the frame
    (AnyWindow AUs play in the player page) or closes the window an OwnWindow AU has."""
    url = settings.SITE_URL.rstrip("/") + reverse(name, args=args)
    return url + ("?window=own" if au["launchMethod"] == "OwnWindow" else "")


@require_POST
def cmi5_launch(request: AuthenticatedRequest, slug: str, pk: int, index: int) -> HttpResponse:
    """Launch one AU of a cmi5 lesson: the session starts here (launched, LaunchData; the
    launch mode is Normal, or Review when already satisfied), then the player page."""
    course = get_object_or_404(Course.objects.select_related("live_version"), slug=slug)
    enrollment = _learner_enrollment(request, course)
    context: dict[str, Any] = {"course": course, "lesson_id": pk}
    try:
        lesson = learning.lesson_open_to(enrollment, pk, timezone.now())
    except learning.ProgressRefused as refused:
        context["refused"] = str(refused)
        return render(request, "scorm/launch.html", context, status=refused.status)
    structure = lesson["content"]
    if structure.get("standard") != "cmi5" or not 0 <= index < len(structure["scos"]):
        raise Http404
    if not services.content_origin():
        context["unconfigured"] = True
        return render(request, "scorm/launch.html", context, status=503)
    au = structure["scos"][index]
    session = cmi5_services.launch_au(
        enrollment,
        pk,
        str(structure["package"]),
        structure,
        au["id"],
        return_url=_return_url("scorm:cmi5_return", [slug, pk], au),
        language=request.LANGUAGE_CODE,
    )
    return redirect("scorm:cmi5_play", slug=slug, pk=pk, session=session.session_id)


def _play(
    request: AuthenticatedRequest,
    session: Cmi5Session,
    structure: dict[str, Any],
    token: str,
    context: dict[str, Any],
) -> HttpResponse:
    """The AU's player page (cmi5 section 8.1): an AnyWindow AU plays in a frame here, on
    the content origin (or at its own address); an OwnWindow AU has the whole window (this
    page was opened in a new one) and is sent there at once (``Refresh``)."""
    au = next(a for a in structure["scos"] if a["id"] == session.au)
    url = cmi5_services.launch_url(session, au, token)
    own = au["launchMethod"] == "OwnWindow"
    context.update({"au": au, "au_url": url, "own_window": own, "mode": session.launch_mode})
    response = render(request, "scorm/cmi5_play.html", context)
    if own:
        response["Refresh"] = f"0;url={url}"
    else:
        origins = [services.content_origin(), *cmi5_services.external_origins(structure)]
        response._csp_update = {"frame-src": ["'self'", *origins]}  # type: ignore[attr-defined]
    return response


@never_cache
def cmi5_play(request: AuthenticatedRequest, slug: str, pk: int, session: str) -> HttpResponse:
    """The learner's player page of a session just launched. Only before the AU fetched
    its token: a reload (the fetch URL is one-time) goes back to the list of AUs."""
    course = get_object_or_404(Course.objects.select_related("live_version"), slug=slug)
    enrollment = _learner_enrollment(request, course)
    found = (
        Cmi5Session.objects.select_related("registration__enrollment__user")
        .filter(session_id=session, registration__enrollment=enrollment, registration__lesson_id=pk)
        .first()
    )
    if found is None:
        raise Http404
    lesson = learning.published_lesson(course, pk)
    if (
        not found.open
        or found.fetched_at is not None
        or lesson is None
        or lesson["content"].get("standard") != "cmi5"
        or not any(a["id"] == found.au for a in lesson["content"]["scos"])
    ):
        return redirect("scorm:launch", slug=slug, pk=pk)
    token = services.launch_token(enrollment, pk, found.package_key, language=request.LANGUAGE_CODE)
    context = {
        "lesson": lesson,
        "back_url": reverse("scorm:launch", args=[slug, pk]),
        "back_label": lesson["title"],
    }
    return _play(request, found, lesson["content"], token, context)


def _return_page(request: HttpRequest, target: str) -> HttpResponse:
    response = render(
        request,
        "scorm/cmi5_return.html",
        {"target": target, "own_window": request.GET.get("window") == "own"},
    )
    # Loaded inside the player page's frame when an AnyWindow AU ends: framed by us only.
    response._csp_replace = {"frame-ancestors": ["'self'"]}  # type: ignore[attr-defined]
    return response


# The return pages need no session and read nothing: an AU on the content origin sends
# its frame here, a cross-site navigation that carries no SameSite cookies. They only show
# a link to (and send the window to) a page that checks who may see it.


@login_not_required
@never_cache
@xframe_options_sameorigin
def cmi5_return(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """returnURL of a learner's AU: back to the list of AUs, out of the frame."""
    return _return_page(request, reverse("scorm:launch", args=[slug, pk]))


# Author's preview (cmi5 launch mode Browse) -------------------------------------------


def _lesson_for_previewer(request: AuthenticatedRequest, pk: int) -> Lesson:
    return _lesson_for_author(request, pk, permissions.can_preview)


def _current_cmi5(lesson: Lesson) -> Package:
    key = lesson.content.get("package")
    if not key:
        raise Http404
    package = Package.objects.filter(
        lesson=lesson, key=str(key), standard=Package.Standard.CMI5
    ).first()
    if package is None:
        raise Http404
    return package


@require_POST
def cmi5_preview(request: AuthenticatedRequest, pk: int, index: int) -> HttpResponse:
    """An author previews one AU of the lesson's current cmi5 package (published or not)
    in launch mode Browse: no enrolment, nothing recorded as progress."""
    lesson = _lesson_for_previewer(request, pk)
    package = _current_cmi5(lesson)
    structure = package.structure
    if not 0 <= index < len(structure["scos"]):
        raise Http404
    if not services.content_origin():
        raise Http404
    au = structure["scos"][index]
    session = cmi5_services.preview_au(
        request.user,
        lesson.pk,
        str(package.key),
        structure,
        au["id"],
        return_url=_return_url("scorm:cmi5_preview_return", [lesson.pk], au),
        language=request.LANGUAGE_CODE,
    )
    return redirect("scorm:cmi5_preview_play", pk=lesson.pk, session=session.session_id)


@never_cache
def cmi5_preview_play(request: AuthenticatedRequest, pk: int, session: str) -> HttpResponse:
    lesson = _lesson_for_previewer(request, pk)
    found = (
        Cmi5Session.objects.select_related("registration__previewer")
        .filter(
            session_id=session,
            registration__previewer=request.user,
            registration__enrollment=None,
            registration__lesson=lesson,
        )
        .first()
    )
    if found is None:
        raise Http404
    if not found.open or found.fetched_at is not None:
        return redirect("authoring:lesson", pk=lesson.pk)
    package = Package.objects.filter(key=found.package_key, lesson=lesson).first()
    if package is None:
        raise Http404
    token = services.preview_token(
        request.user, lesson.pk, found.package_key, language=request.LANGUAGE_CODE
    )
    context = {
        "lesson": {"title": lesson.title},
        "back_url": reverse("authoring:lesson", args=[lesson.pk]),
        "back_label": lesson.title,
    }
    return _play(request, found, package.structure, token, context)


@never_cache
def package_preview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """An author plays the lesson's current SCORM package (published or not) as learners
    would, in browse mode: nothing the SCOs send is stored, for anyone."""
    lesson = _lesson_for_previewer(request, pk)
    key = lesson.content.get("package")
    package = Package.objects.filter(lesson=lesson, key=str(key)).first() if key else None
    origin = services.content_origin()
    if package is None or package.standard == Package.Standard.CMI5 or not origin:
        raise Http404
    token = services.preview_token(
        request.user, lesson.pk, str(package.key), language=request.LANGUAGE_CODE
    )
    context = {
        "lesson": {"title": lesson.title},
        "preview": True,
        "back_url": reverse("authoring:lesson", args=[lesson.pk]),
        "player_url": origin + reverse("scorm:player", args=[token]),
    }
    response = render(request, "scorm/launch.html", context)
    response._csp_update = {"frame-src": ["'self'", origin]}  # type: ignore[attr-defined]
    return response


@login_not_required
@never_cache
@xframe_options_sameorigin
def cmi5_preview_return(request: HttpRequest, pk: int) -> HttpResponse:
    """returnURL of an author's preview: back to the lesson editor, out of the frame."""
    return _return_page(request, reverse("authoring:lesson", args=[pk]))


# Content origin -------------------------------------------------------------------------


class _Launch:
    def __init__(self, token: dict[str, Any], enrollment: Enrollment, lesson: dict[str, Any]):
        self.token = token
        self.enrollment = enrollment
        self.lesson = lesson
        self.structure = lesson["content"]


class _Preview:
    """An author's preview token (cmi5 Browse): the package of one of their lessons."""

    def __init__(self, token: dict[str, Any], user: Any, package: Package):
        self.token = token
        self.user = user
        self.package = package


def _preview_for(value: dict[str, Any]) -> _Preview:
    """The preview a token names, while its author may still manage the lesson."""
    from lectio.accounts.models import User

    user = User.objects.filter(pk=int(value.get("u", 0)), is_active=True).first()
    package = (
        Package.objects.select_related("lesson__course")
        .filter(key=str(value.get("p", "")), lesson_id=int(value.get("l", 0)))
        .first()
    )
    if user is None or package is None or not permissions.can_preview(user, package.lesson):
        raise Http404
    return _Preview(value, user, package)


def _scorm_preview(request: HttpRequest, token: str) -> _Preview | None:
    """An author's preview of a SCORM package, when the token is one (None: a learner's
    launch); on the content origin only."""
    if not is_content_request(request):
        raise Http404
    value = services.read_token(token)
    if value is None or not value.get("u") or value.get("e"):
        return None
    preview = _preview_for(value)
    if preview.package.standard == Package.Standard.CMI5:
        raise Http404
    return preview


def _launch_for(request: HttpRequest, token: str) -> _Launch:
    """The launch the token names, on the content origin only; 404 otherwise."""
    if not is_content_request(request):
        raise Http404
    value = services.read_token(token)
    if value is None or not value.get("e"):
        raise Http404
    enrollment = (
        Enrollment.objects.select_related("user", "course__live_version")
        .filter(pk=int(value.get("e", 0)))
        .first()
    )
    if enrollment is None or not enrollment.user.is_active:
        raise Http404
    lesson = learning.published_lesson(enrollment.course, int(value.get("l", 0)))
    if lesson is None or lesson["kind"] != "package" or not lesson["content"].get("scos"):
        raise Http404
    return _Launch(value, enrollment, lesson)


def _ancestors() -> str:
    return f"'self' {settings.SITE_URL}"


def _own_csp(response: HttpResponseBase, policy: str) -> HttpResponseBase:
    response["Content-Security-Policy"] = policy.format(
        ancestors=_ancestors(), lrs=settings.SITE_URL.rstrip("/") + "/xapi/"
    )
    response._csp_exempt = True  # type: ignore[attr-defined]
    response.xframe_options_exempt = True  # type: ignore[attr-defined]
    return response


def _toc(node: dict[str, Any], outcomes: dict[str, runtime.Outcome]) -> dict[str, Any]:
    entry = {
        "id": node["id"],
        "title": node["title"],
        "visible": node.get("visible", True),
        "control": node.get("sequencing", {}).get("control"),
    }
    if node.get("children"):
        entry["children"] = [_toc(child, outcomes) for child in node["children"]]
    else:
        outcome = outcomes.get(node["id"])
        entry["completed"] = bool(outcome and outcome.completed)
        entry["passed"] = outcome.passed if outcome else None
    return entry


@login_not_required
@never_cache
def player(request: HttpRequest, token: str) -> HttpResponseBase:
    """The wrapper page: scorm-again's API object and the SCO's frame, same origin."""
    preview = _scorm_preview(request, token)
    if preview is not None:
        structure = preview.package.structure
        outcomes = {s["id"]: runtime.Outcome() for s in structure["scos"]}
        title, language = preview.package.lesson.title, str(preview.token.get("lang") or "")
    else:
        launch = _launch_for(request, token)
        structure = launch.structure
        if structure["standard"] == "cmi5":  # AUs are launched directly, with no player
            raise Http404
        outcomes = services.sco_states(launch.enrollment, launch.lesson["id"], structure)
        title, language = launch.lesson["title"], str(launch.token.get("lang") or "")
    start = next(
        (s["id"] for s in structure["scos"] if not outcomes[s["id"]].completed),
        structure["scos"][0]["id"],
    )
    base = reverse("scorm:file", args=[token, "x"])[:-1]
    config = {
        "standard": structure["standard"],
        "organization": _toc(structure["organization"], outcomes),
        "scos": [
            {"id": s["id"], "title": s["title"], "url": base + s["launch"], "sco": s["sco"]}
            for s in structure["scos"]
        ],
        "start": start,
        "session_url": reverse("scorm:session", args=[token]),
        "commit_url": reverse("scorm:commit", args=[token]),
        "autocommit_seconds": 30,
    }
    # No cookies here: the player speaks the language of the page that launched it.
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language()
    with translation.override(language):
        response = render(request, "scorm/player.html", {"config": config, "title": title})
    return _own_csp(response, PLAYER_CSP)


@login_not_required
def file(request: HttpRequest, token: str, path: str) -> HttpResponseBase:
    """A file of the package, to the token's holder, on the content origin."""
    value = services.read_token(token) if is_content_request(request) else None
    if value is not None and value.get("u") and not value.get("e"):
        key = str(_preview_for(value).package.key)
    else:
        key = str(_launch_for(request, token).token.get("p", ""))
    if not key or path.startswith("/") or ".." in path.split("/"):
        raise Http404
    response = delivery.serve(request, f"packages/{key}/{path}")
    return _own_csp(response, PACKAGE_CSP)


def _json_body(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body.decode("utf-8") or "null")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise runtime.CommitRefused(_("The body is not JSON.")) from None


def _refused(message: str, status: int) -> JsonResponse:
    return JsonResponse({"result": False, "errorCode": 101, "error": message}, status=status)


@login_not_required
@csrf_exempt  # authorised by the token in the path, and no cookies on this origin
@require_POST
def session(request: HttpRequest, token: str) -> JsonResponse:
    """Start a launch of one SCO (``?sco=ID``): the data it starts from."""
    preview = _scorm_preview(request, token)
    if preview is not None:
        try:
            structure = preview.package.structure
            data = services.preview_session(preview.user, structure, request.GET.get("sco", ""))
        except learning.ProgressRefused as refused:
            return _refused(str(refused), refused.status)
        return JsonResponse(data)
    launch = _launch_for(request, token)
    if launch.structure["standard"] == "cmi5":
        raise Http404
    try:
        data = services.start_session(
            launch.enrollment, launch.lesson["id"], launch.structure, request.GET.get("sco", "")
        )
    except learning.ProgressRefused as refused:
        return _refused(str(refused), refused.status)
    return JsonResponse(data)


@login_not_required
@csrf_exempt  # authorised by the token in the path, and no cookies on this origin
@require_POST
def commit(request: HttpRequest, token: str) -> JsonResponse:
    """One commit of a SCO's data (``?sco=ID``), from scorm-again or a page-hide beacon."""
    preview = _scorm_preview(request, token)
    if preview is not None:  # checked as a learner's would be, then forgotten
        try:
            runtime.read_commit(preview.package.structure["standard"], _json_body(request))
        except runtime.CommitRefused as refused:
            return _refused(str(refused), 400)
        return JsonResponse({"result": True, "errorCode": 0, "applied": False})
    launch = _launch_for(request, token)
    if launch.structure["standard"] == "cmi5":
        raise Http404
    try:
        applied = services.commit(
            launch.enrollment,
            launch.lesson["id"],
            launch.structure,
            request.GET.get("sco", ""),
            _json_body(request),
        )
    except runtime.CommitRefused as refused:
        return _refused(str(refused), 400)
    except learning.ProgressRefused as refused:
        return _refused(str(refused), refused.status)
    return JsonResponse({"result": True, "errorCode": 0, "applied": applied})


def _fetch_error(code: int, text: str, status: int = 200) -> JsonResponse:
    """cmi5 8.2.3: the error JSON (Content-Type application/json); 8.2.2: the status is
    200 for a valid request, including one that generates an error."""
    return JsonResponse({"error-code": str(code), "error-text": text}, status=status)


@login_not_required
@csrf_exempt  # authorised by the token in the path, and no cookies on this origin
@never_cache
def cmi5_fetch(request: HttpRequest, token: str, session: str) -> HttpResponseBase:
    """cmi5 fetch URL (section 8.2): the AU's auth-token, once. Errors (8.2.3.2) answer
    200 with the error JSON: error-code 1 for a second call or an ended session or
    expired launch, 2 for a token or session we do not know. A method other than POST
    (8.2.1: GET is not allowed) is not a valid request: 405 with ``Allow``."""
    if not is_content_request(request):
        raise Http404
    if request.method == "OPTIONS":
        response: HttpResponseBase = HttpResponse(status=204)
    elif request.method != "POST":
        response = _fetch_error(3, "The fetch URL is called with POST (cmi5 8.2.1).", 405)
        response["Allow"] = "POST, OPTIONS"
    else:
        response = _fetch(token, session)
    # External AUs (absolute urls) call it from their own origin.
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
    return response


def _fetch(token: str, session: str) -> JsonResponse:
    value = services.read_token(token)
    if value is None:
        if services.token_expired(token):
            return _fetch_error(1, "The launch has expired: launch the AU again.")
        return _fetch_error(2, "The fetch URL is not valid.")
    try:
        if value.get("e"):
            enrollment = (
                Enrollment.objects.filter(pk=int(value["e"]), user__is_active=True)
                .only("pk")
                .first()
            )
            if enrollment is None:
                raise Http404
            auth = cmi5_services.fetch(session, enrollment_id=enrollment.pk)
        else:
            auth = cmi5_services.fetch(session, previewer_id=_preview_for(value).user.pk)
    except Http404:
        return _fetch_error(2, "The fetch URL is not valid.")
    except cmi5_services.FetchRefused as refused:
        return _fetch_error(refused.code, str(refused))
    return JsonResponse({"auth-token": auth})
