"""Assigning training, following it up, and the team's compliance matrix."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lectio import exports
from lectio.accounts.models import User
from lectio.accounts.permissions import AuthenticatedRequest, is_administrator, requires
from lectio.assignments import permissions, reminders, services
from lectio.assignments.forms import AssignmentForm, DueForm, MatrixFilterForm, ReasonForm
from lectio.assignments.models import Assignment, AssignmentEvent, Obligation
from lectio.catalog.models import Course
from lectio.learning.models import Enrollment

PER_PAGE = 50
MATRIX_COURSES = 20  # columns of the matrix: the most assigned mandatory courses
MATRIX_COLUMNS_SECONDS = 3600
assigners_only = requires(permissions.can_assign)


def _query(request: AuthenticatedRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@assigners_only
def assignment_list(request: AuthenticatedRequest) -> HttpResponse:
    assignments = (
        Assignment.objects.select_related("course", "created_by")
        .annotate(
            reached=Count("obligations", distinct=True),
            done=Count(
                "obligations",
                filter=Q(obligations__status=Obligation.Status.COMPLETED),
                distinct=True,
            ),
            late=Count(
                "obligations",
                filter=Q(obligations__status=Obligation.Status.OVERDUE),
                distinct=True,
            ),
        )
        .order_by("-created_at", "-pk")
    )
    if not request.user.is_administrator:
        assignments = assignments.filter(created_by=request.user)
    page = Paginator(assignments, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "assignments/list.html", {"page": page})


@assigners_only
def assignment_new(request: AuthenticatedRequest) -> HttpResponse:
    form = AssignmentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment, reached = services.create_assignment(
                data["course"],
                path=data.get("path"),
                by=request.user,
                people=data["emails"],
                departments=data["departments"],
                groups=data.get("groups") or [],
                rule=form.rule(),
                due=data["due"],
                due_on=data["due_on"],
                due_days=data["due_days"],
                mandatory=data["mandatory"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if reached:
                messages.success(request, _("Assigned to %(count)s people.") % {"count": reached})
            elif assignment.is_dynamic:
                messages.warning(
                    request,
                    _("This assignment reaches nobody yet; people who join later will get it."),
                )
            else:
                messages.warning(request, _("Everyone listed already has this obligation."))
            return redirect("assignments:detail", pk=assignment.pk)
    return render(request, "assignments/new.html", {"form": form})


def _assignment_for(request: AuthenticatedRequest, pk: int) -> Assignment:
    assignment = get_object_or_404(
        Assignment.objects.select_related(
            "course__live_version", "path__live_version", "created_by"
        ),
        pk=pk,
    )
    if not permissions.can_see_assignment(request.user, assignment):
        raise Http404
    return assignment


def _status_filter(request: AuthenticatedRequest) -> str:
    status = request.GET.get("status", "")
    return status if status in Obligation.Status.values else ""


@assigners_only
def assignment_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assignment = _assignment_for(request, pk)
    obligations = assignment.obligations.select_related("user__department").order_by(
        "user__full_name"
    )
    status = _status_filter(request)
    if status:
        obligations = obligations.filter(status=status)
    page = Paginator(obligations, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "assignment": assignment,
        "page": page,
        "status": status,
        "statuses": Obligation.Status.choices,
        "query": _query(request),
        "people": assignment.people.order_by("full_name")[:50],
        "departments": assignment.departments.order_by("path"),
        "groups": assignment.groups.order_by("name"),
        "rule": _rule_text(assignment.rule),
        "end_form": ReasonForm(),
    }
    return render(request, "assignments/detail.html", context)


def _rule_text(rule: dict[str, Any]) -> list[str]:
    from lectio.accounts.models import Department

    parts = []
    if rule.get("department"):
        department = Department.objects.filter(pk=rule["department"]).first()
        parts.append(
            _("in %(department)s") % {"department": department.name if department else "—"}
        )
    if rule.get("location"):
        parts.append(_("located in %(location)s") % {"location": rule["location"]})
    if rule.get("job_title"):
        parts.append(_("job title %(title)s") % {"title": rule["job_title"]})
    if rule.get("hired_after"):
        parts.append(_("hired after %(date)s") % {"date": rule["hired_after"]})
    return parts


@assigners_only
@require_POST
def assignment_end(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assignment = _assignment_for(request, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        services.end_assignment(assignment, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The assignment is ended; existing obligations stay."))
    else:
        messages.error(request, _("Say why the assignment ends."))
    return redirect("assignments:detail", pk=assignment.pk)


def _obligation_for(request: AuthenticatedRequest, pk: int) -> Obligation:
    obligation = get_object_or_404(
        Obligation.objects.select_related("user__department", "course__live_version", "enrollment"),
        pk=pk,
    )
    if not permissions.can_manage_obligation(request.user, obligation):
        raise Http404
    return obligation


@assigners_only
def obligation_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    obligation = _obligation_for(request, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    reason_form = ReasonForm(request.POST if action in {"exempt", "lift"} else None)
    due_form = DueForm(request.POST if action == "due" else None)
    if action in {"exempt", "lift"} and reason_form.is_valid():
        act = services.exempt if action == "exempt" else services.lift_exemption
        act(obligation, by=request.user, reason=reason_form.cleaned_data["reason"])
        messages.success(request, _("Saved."))
        return redirect("assignments:obligation", pk=obligation.pk)
    if action == "remind" and obligation.is_pending():
        reminders.remind_now(obligation, by=request.user)
        messages.success(request, _("A reminder is on its way."))
        return redirect("assignments:obligation", pk=obligation.pk)
    if action == "due" and due_form.is_valid():
        try:
            services.change_due(
                obligation,
                due_on=due_form.cleaned_data["due_on"],
                by=request.user,
                reason=due_form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            due_form.add_error(None, exc)
        else:
            messages.success(request, _("The due date is changed."))
            return redirect("assignments:obligation", pk=obligation.pk)
    events = AssignmentEvent.objects.filter(obligation=obligation).select_related("actor")
    context = {
        "obligation": obligation,
        "status": obligation.status_at(),
        "reason_form": reason_form,
        "due_form": due_form,
        "events": events,
        "assignments": obligation.assignments.select_related("created_by"),
        "history": Obligation.objects.filter(user=obligation.user, course=obligation.course)
        .exclude(pk=obligation.pk)
        .order_by("-cycle"),
    }
    return render(request, "assignments/obligation.html", context)


@dataclass
class MatrixRow:
    person: User
    cells: list[Obligation | None]


def _team(request: AuthenticatedRequest, form: MatrixFilterForm) -> QuerySet[User]:
    people = User.objects.visible_to(request.user).filter(is_active=True)
    if not request.user.is_administrator:
        people = people.exclude(pk=request.user.pk)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            people = people.filter(
                Q(full_name__icontains=data["q"]) | Q(email__icontains=data["q"])
            )
        if data["department"]:
            people = people.filter(department__path__startswith=data["department"].path)
        if data["status"]:
            # Joins obligations: a person with two such obligations would appear twice.
            people = people.filter(
                obligations__status=data["status"], obligations__superseded_at__isnull=True
            ).distinct()
    # No DISTINCT otherwise: over every column of a 10,000-person team it made counting
    # and the page sort the whole team (docs/performance.md).
    team: QuerySet[User] = people.select_related("department").order_by("full_name", "pk")
    return team


@assigners_only
def team_matrix(request: AuthenticatedRequest) -> HttpResponse:
    """People (the viewer's team) by their mandatory courses, one status per cell.

    A fixed number of queries whatever the team's size: the page of people, their current
    obligations, and the columns (the most assigned mandatory courses in the team)."""
    form = MatrixFilterForm(request.GET or None, user=request.user)
    people = _team(request, form)
    page = Paginator(people, PER_PAGE).get_page(request.GET.get("page"))
    team_obligations = Obligation.objects.current().filter(
        mandatory=True, user__in=people.values("pk")
    )

    def most_assigned() -> list[int]:
        rows = (
            team_obligations.values("course")
            .annotate(n=Count("pk"))
            .order_by("-n", "course")[:MATRIX_COURSES]
        )
        return [row["course"] for row in rows]

    # Choosing the columns groups all the team's obligations (the costly part for a large
    # team); it is kept per viewer and filter until a new obligation appears.
    generation = services.obligations_generation()
    key = f"lectio:matrix-columns:{generation}:{request.user.pk}:{_query(request)}"
    column_ids: list[int] = cache.get_or_set(key, most_assigned, MATRIX_COLUMNS_SECONDS) or []
    courses = list(
        Course.objects.filter(pk__in=column_ids)
        .select_related("live_version")
        .defer("live_version__outline", "live_version__search_text")
        .order_by("title")
    )
    cells: dict[tuple[int, int], Obligation] = {
        (o.user_id, o.course_id): o
        for o in Obligation.objects.current().filter(
            mandatory=True,
            user__in=[p.pk for p in page.object_list],
            course__in=[c.pk for c in courses],
        )
    }
    rows = [
        MatrixRow(person, [cells.get((person.pk, course.pk)) for course in courses])
        for person in page.object_list
    ]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "courses": courses,
        "query": _query(request),
        "now": timezone.now(),
    }
    return render(request, "assignments/team.html", context)


@assigners_only
def person_obligations(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One person's obligations and learning record (the matrix's drill-down)."""
    person = get_object_or_404(User.objects.select_related("department"), pk=pk)
    if not permissions.can_see_person(request.user, person):
        raise Http404
    obligations = (
        Obligation.objects.filter(user=person)
        .select_related("course__live_version")
        .defer("course__live_version__outline", "course__live_version__search_text")
        .order_by("course__title", "-cycle")
    )
    enrollments = (
        Enrollment.objects.filter(user=person)
        .select_related("course__live_version")
        .defer("course__live_version__outline", "course__live_version__search_text")
        .order_by("-enrolled_at")
    )
    return render(
        request,
        "assignments/person.html",
        {"person": person, "obligations": obligations, "enrollments": enrollments},
    )


@requires(is_administrator)
def audit(request: AuthenticatedRequest) -> HttpResponse | StreamingHttpResponse:
    """Every assignment event (assigned, exempted, due date changed, reminded, completed,
    ended), newest first, with who and why; CSV for auditors."""
    events = AssignmentEvent.objects.select_related(
        "actor", "assignment__course", "assignment__path", "obligation__user", "obligation__course"
    ).order_by("-at", "-pk")
    action = request.GET.get("action", "")
    if action in AssignmentEvent.Action.values:
        events = events.filter(action=action)
    if request.GET.get("format") == "csv":
        rows = (
            (
                event.at,
                event.get_action_display(),
                event.actor.email if event.actor else "",
                event.obligation.user.email if event.obligation else "",
                event.obligation.course.title
                if event.obligation
                else (event.assignment.title if event.assignment else ""),
                event.reason,
            )
            for event in events.iterator(chunk_size=1000)
        )
        header = ("at", "action", "by", "person", "course", "reason")
        return exports.csv_response(header, rows, "assignment-audit.csv")
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "assignments/audit.html",
        {
            "page": page,
            "action": action,
            "actions": AssignmentEvent.Action.choices,
            "query": _query(request),
        },
    )
