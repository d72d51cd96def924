"""Sign-in, profile and language; administration of people, departments, groups, imports."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from lectio.accounts import imports, permissions, services, sso
from lectio.accounts.forms import (
    AddMembersForm,
    DepartmentForm,
    GroupForm,
    ImportForm,
    InvitationPasswordResetForm,
    PeopleFilterForm,
    PersonForm,
    PreferencesForm,
)
from lectio.accounts.models import (
    Department,
    Group,
    PeopleImport,
    Role,
    User,
)
from lectio.accounts.permissions import AuthenticatedRequest
from lectio.trees import in_tree_order

PEOPLE_PER_PAGE = 50


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# ---- Language, profile ----------------------------------------------------------------


@login_not_required
@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """The language switcher: remembered in a cookie, and on the profile when signed in."""
    language = request.POST.get("language", "")
    response = HttpResponseRedirect(_safe_next(request, reverse("home")))
    if language not in dict(settings.LANGUAGES):
        messages.error(request, _("That language is not available."))
        return response
    if request.user.is_authenticated:
        services.set_preferences(request.user, language=language, time_zone=request.user.time_zone)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
    )
    return response


def profile(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    preferences = PreferencesForm(initial={"language": user.language, "time_zone": user.time_zone})
    password_form = PasswordChangeForm(user)
    if request.method == "POST" and request.POST.get("form") == "preferences":
        preferences = PreferencesForm(request.POST)
        if preferences.is_valid():
            services.set_preferences(user, **preferences.cleaned_data)
            messages.success(request, _("Your preferences are saved."))
            return redirect("accounts:profile")
    elif request.method == "POST" and request.POST.get("form") == "password":
        password_form = PasswordChangeForm(user, request.POST)
        if password_form.is_valid():
            password_form.save()
            update_session_auth_hash(request, password_form.user)
            messages.success(request, _("Your password is changed."))
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {"preferences": preferences, "password_form": password_form, "now": timezone.now()},
    )


# ---- People ---------------------------------------------------------------------------


def _filtered_people(request: AuthenticatedRequest) -> tuple[PeopleFilterForm, Any]:
    form = PeopleFilterForm(request.GET)
    form.is_valid()  # a bad value drops that one filter; the others still apply
    data = form.cleaned_data
    people = User.objects.visible_to(request.user).select_related("department")
    if q := data.get("q", "").strip():
        people = people.filter(
            Q(full_name__icontains=q)
            | Q(email__icontains=q)
            | Q(employee_id__iexact=q)
            | Q(job_title__icontains=q)
        )
    if department := data.get("department"):
        people = people.filter(department__path__startswith=department.path)
    if role := data.get("role"):
        people = people.with_role(role)
    status = data.get("status") or "active"
    if status == "active":
        people = people.filter(is_active=True)
    elif status == "inactive":
        people = people.filter(is_active=False)
    return form, people.order_by("full_name", "email")


@permissions.requires(permissions.can_view_people)
@require_safe
def people_list(request: AuthenticatedRequest) -> HttpResponse:
    form, people = _filtered_people(request)
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_manage": permissions.can_manage_people(request.user),
    }
    template = "accounts/people_list.html"
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "people-results":
        template += "#results"
    return render(request, template, context)


@permissions.requires(permissions.can_view_people)
@require_safe
def people_export(request: AuthenticatedRequest) -> StreamingHttpResponse:
    _form, people = _filtered_people(request)
    response = StreamingHttpResponse(
        imports.people_csv_rows(people.iterator(chunk_size=1000)),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="people-{stamp}.csv"'
    return response


def _person_for(request: AuthenticatedRequest, pk: int) -> User:
    """The person, if the signed-in user may see them; else 404 (their existence is private).

    Views that change a person declare ``@requires(can_manage_people)`` as well."""
    person: User = get_object_or_404(User.objects.select_related("department"), pk=pk)
    if not permissions.can_view_person(request.user, person):
        raise Http404
    return person


@require_safe
def person_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk)
    groups = list(person.cohorts.order_by("name"))
    labels = {provider.key: provider.label for provider in sso.providers()}
    sso_accounts = [
        labels.get(identity.provider, identity.provider)
        for identity in person.sso_identities.order_by("provider")
    ]
    return render(
        request,
        "accounts/person_detail.html",
        {
            "person": person,
            "groups": groups,
            "sso_accounts": sso_accounts,
            "can_manage": permissions.can_manage_people(request.user),
        },
    )


@permissions.requires(permissions.can_manage_people)
def person_create(request: AuthenticatedRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        invite = data.pop("send_invitation")
        try:
            person = services.create_person(**data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if invite:
                _send_invitation(request, person)
            messages.success(request, _("%(name)s is added.") % {"name": person.full_name})
            return redirect("accounts:person", pk=person.pk)
    return render(request, "accounts/person_form.html", {"form": form})


@permissions.requires(permissions.can_manage_people)
def person_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        roles = data.pop("roles")
        person.refresh_from_db()  # the form wrote its values onto the instance
        if person.pk == request.user.pk and Role.ADMINISTRATOR not in roles:
            form.add_error("roles", _("You cannot remove your own administrator role."))
            return render(request, "accounts/person_form.html", {"form": form, "person": person})
        try:
            services.update_person(person, roles=roles, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("accounts:person", pk=person.pk)
    return render(request, "accounts/person_form.html", {"form": form, "person": person})


@permissions.requires(permissions.can_manage_people)
@require_POST
def person_deactivate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk)
    if person.pk == request.user.pk:
        messages.error(request, _("You cannot deactivate yourself."))
    else:
        services.deactivate_person(person)
        messages.success(
            request,
            _("%(name)s is deactivated and can no longer sign in; their records are kept.")
            % {"name": person.full_name},
        )
    return redirect("accounts:person", pk=person.pk)


@permissions.requires(permissions.can_manage_people)
@require_POST
def person_reactivate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk)
    services.reactivate_person(person)
    messages.success(request, _("%(name)s is active again.") % {"name": person.full_name})
    return redirect("accounts:person", pk=person.pk)


@permissions.requires(permissions.can_manage_people)
@require_POST
def person_invite(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk)
    if not person.is_active:
        messages.error(request, _("A deactivated person cannot be invited."))
    elif sso.is_sso_only(person.email):
        messages.error(
            request,
            _("%(email)s signs in through single sign-on: there is no password to set.")
            % {"email": person.email},
        )
    else:
        _send_invitation(request, person)
        messages.success(
            request,
            _("An e-mail to set a password is on its way to %(email)s.") % {"email": person.email},
        )
    return redirect("accounts:person", pk=person.pk)


def _send_invitation(request: AuthenticatedRequest, person: User) -> None:
    form = InvitationPasswordResetForm({"email": person.email})
    if form.is_valid():
        form.save(
            request=request,
            use_https=request.is_secure(),
            subject_template_name="accounts/email/invitation_subject.txt",
            email_template_name="accounts/email/invitation.txt",
        )


# ---- Departments ----------------------------------------------------------------------


@permissions.requires(permissions.can_view_people)
@require_safe
def department_list(request: AuthenticatedRequest) -> HttpResponse:
    departments = in_tree_order(
        Department.objects.select_related("manager").annotate(
            people=Count("members", filter=Q(members__is_active=True))
        )
    )
    return render(
        request,
        "accounts/department_list.html",
        {"departments": departments, "can_manage": permissions.can_manage_people(request.user)},
    )


@permissions.requires(permissions.can_manage_people)
def department_edit(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    department = get_object_or_404(Department, pk=pk) if pk else None
    initial = {"parent": request.GET.get("parent")} if department is None else None
    form = DepartmentForm(request.POST or None, instance=department, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if department is None:
                department = services.create_department(
                    name=data["name"],
                    code=data["code"],
                    parent=data["parent"],
                    manager=data["manager"],
                    location=data["location"],
                )
            else:
                department.refresh_from_db()
                services.update_department(
                    department, name=data["name"], code=data["code"], location=data["location"]
                )
                services.move_department(department, data["parent"])
                department.refresh_from_db()
                if department.manager != data["manager"]:
                    services.set_department_manager(department, data["manager"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": department.name})
            return redirect("accounts:departments")
    return render(
        request, "accounts/department_form.html", {"form": form, "department": department}
    )


@permissions.requires(permissions.can_manage_people)
@require_POST
def department_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(Department, pk=pk)
    try:
        services.delete_department(department)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("“%(name)s” is deleted.") % {"name": department.name})
    return redirect("accounts:departments")


@permissions.requires(permissions.can_view_people)
@require_safe
def department_export(request: AuthenticatedRequest) -> StreamingHttpResponse:
    departments = Department.objects.select_related("parent", "manager").order_by("path")
    response = StreamingHttpResponse(
        imports.departments_csv_rows(departments.iterator(chunk_size=1000)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="departments.csv"'
    return response


# ---- Groups ---------------------------------------------------------------------------


@permissions.requires(permissions.can_manage_people)
@require_safe
def group_list(request: AuthenticatedRequest) -> HttpResponse:
    groups = Group.objects.annotate(size=Count("members")).order_by("name")
    return render(request, "accounts/group_list.html", {"groups": groups})


@permissions.requires(permissions.can_manage_people)
def group_edit(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    group = get_object_or_404(Group, pk=pk) if pk else None
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        saved = services.save_group(group and Group.objects.get(pk=group.pk), **form.cleaned_data)
        messages.success(request, _("“%(name)s” is saved.") % {"name": saved.name})
        return redirect("accounts:group", pk=saved.pk)
    return render(request, "accounts/group_form.html", {"form": form, "group": group})


@permissions.requires(permissions.can_manage_people)
def group_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(Group, pk=pk)
    form = AddMembersForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_group_members(group, form.cleaned_data["emails"])
        messages.success(request, _("The people are added to the group."))
        return redirect("accounts:group", pk=group.pk)
    members = group.members.select_related("department").order_by("full_name")
    page = Paginator(members, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "accounts/group_detail.html", {"group": group, "form": form, "page": page}
    )


@permissions.requires(permissions.can_manage_people)
@require_POST
def group_remove_member(request: AuthenticatedRequest, pk: int, user_pk: int) -> HttpResponse:
    group = get_object_or_404(Group, pk=pk)
    person = get_object_or_404(User, pk=user_pk)
    services.remove_group_members(group, [person])
    messages.success(request, _("%(name)s is removed from the group.") % {"name": person.full_name})
    return redirect("accounts:group", pk=group.pk)


# ---- Import ---------------------------------------------------------------------------


@permissions.requires(permissions.can_manage_people)
def import_upload(request: AuthenticatedRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    problem = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = imports.decode(upload.read())
        except imports.FileProblem as exc:
            problem = str(exc)
        else:
            batch = PeopleImport.objects.create(
                kind=form.cleaned_data["kind"],
                file_name=upload.name[:255],
                content=text,
                created_by=request.user,
            )
            return redirect("accounts:import_preview", pk=batch.pk)
    recent = PeopleImport.objects.select_related("created_by")[:10]
    return render(
        request, "accounts/import_upload.html", {"form": form, "problem": problem, "recent": recent}
    )


def _checker(batch: PeopleImport) -> tuple[Any, Any]:
    if batch.kind == PeopleImport.Kind.DEPARTMENTS:
        return imports.check_departments, imports.apply_departments
    return imports.check_people, imports.apply_people


@permissions.requires(permissions.can_manage_people)
def import_preview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Show what the file would do; import it on confirmation when every row is clean."""
    batch = get_object_or_404(PeopleImport, pk=pk)
    check, apply = _checker(batch)
    if batch.status == PeopleImport.Status.APPLIED:
        return render(request, "accounts/import_preview.html", {"batch": batch, "report": None})
    try:
        if request.method == "POST":
            report = apply(batch.content)
            if report.ok:
                batch.status = PeopleImport.Status.APPLIED
                batch.applied_at = timezone.now()
                batch.row_count = report.rows
                batch.save(update_fields=["status", "applied_at", "row_count"])
                messages.success(
                    request,
                    _("Imported: %(created)s added, %(updated)s updated.")
                    % {"created": report.created, "updated": report.updated},
                )
                return redirect("accounts:import")
        else:
            report = check(batch.content)
    except imports.FileProblem as exc:
        return render(
            request,
            "accounts/import_preview.html",
            {"batch": batch, "report": None, "problem": str(exc)},
        )
    return render(request, "accounts/import_preview.html", {"batch": batch, "report": report})
