"""Every write to people, departments and groups: one function per use case.

Views, the CSV import, the demo data and later the API all go through these functions,
so the invariants (lower-case e-mail, department paths, manager role) hold everywhere.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from lectio.accounts import hooks
from lectio.accounts.models import (
    ROLE_FIELDS,
    Department,
    Group,
    Role,
    User,
    validate_language,
    validate_time_zone,
)

# The fields of a person an administrator may set; everything else is managed here.
PERSON_FIELDS = (
    "email",
    "full_name",
    "department",
    "job_title",
    "location",
    "employee_id",
    "external_id",
    "hire_date",
    "language",
    "time_zone",
)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _apply_roles(user: User, roles: Iterable[str]) -> list[str]:
    wanted = {Role(role) for role in roles}
    changed = []
    for role, field in ROLE_FIELDS.items():
        if getattr(user, field) != (role in wanted):
            setattr(user, field, role in wanted)
            changed.append(field)
    return changed


@transaction.atomic
def create_person(
    *,
    email: str,
    full_name: str,
    password: str | None = None,
    department: Department | None = None,
    job_title: str = "",
    location: str = "",
    employee_id: str = "",
    external_id: str = "",
    hire_date: date | None = None,
    language: str = "en",
    time_zone: str = "UTC",
    roles: Iterable[str] = (),
) -> User:
    """A new, active person. Without a password they set one from the invitation e-mail."""
    user = User(
        email=normalize_email(email),
        full_name=full_name.strip(),
        department=department,
        job_title=job_title.strip(),
        location=location.strip(),
        employee_id=employee_id.strip(),
        external_id=external_id.strip(),
        hire_date=hire_date,
        language=language,
        time_zone=time_zone,
    )
    _apply_roles(user, roles)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    hooks.people_changed([user.pk])
    hooks.person_created(user.pk)
    return user


# A change to any of these may change which assignments apply to the person.
AUDIENCE_FIELDS = {"department", "job_title", "location", "hire_date", "is_active"}


@transaction.atomic
def update_person(user: User, *, roles: Iterable[str] | None = None, **fields: object) -> User:
    """Change a person's details (any of PERSON_FIELDS) and, when given, their roles."""
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"update_person() got unexpected fields: {sorted(unknown)}")
    if "email" in fields:
        fields["email"] = normalize_email(str(fields["email"]))
    changed = [name for name, value in fields.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, fields[name])
    if roles is not None:
        changed += _apply_roles(user, roles)
    if changed:
        user.full_clean()
        user.save(update_fields=changed)
        if AUDIENCE_FIELDS & set(changed):
            hooks.people_changed([user.pk])
    return user


@transaction.atomic
def deactivate_person(user: User) -> None:
    """The person can no longer sign in; everything they did is kept."""
    if not user.is_active:
        return
    user.is_active = False
    user.deactivated_at = timezone.now()
    user.save(update_fields=["is_active", "deactivated_at"])


@transaction.atomic
def reactivate_person(user: User) -> None:
    if user.is_active:
        return
    user.is_active = True
    user.deactivated_at = None
    user.save(update_fields=["is_active", "deactivated_at"])
    hooks.people_changed([user.pk])


def set_preferences(user: User, *, language: str, time_zone: str) -> None:
    """A person's own language and time zone (profile page, language switcher)."""
    errors = {}
    for field, value, validate in (
        ("language", language, validate_language),
        ("time_zone", time_zone, validate_time_zone),
    ):
        try:
            validate(value)
        except ValidationError as exc:
            errors[field] = exc.error_list
    if errors:
        raise ValidationError(errors)
    user.language, user.time_zone = language, time_zone
    user.save(update_fields=["language", "time_zone"])


@transaction.atomic
def create_department(
    *,
    name: str,
    code: str,
    parent: Department | None = None,
    manager: User | None = None,
    location: str = "",
) -> Department:
    department = Department(
        name=name.strip(), code=code.strip(), parent=parent, location=location.strip()
    )
    department.path = "/"  # placeholder until the primary key is known
    department.full_clean(exclude=["path"])
    department.save()
    department.path = f"{parent.path if parent else '/'}{department.pk}/"
    department.depth = parent.depth + 1 if parent else 0
    department.save(update_fields=["path", "depth"])
    if manager is not None:
        set_department_manager(department, manager)
    return department


@transaction.atomic
def update_department(
    department: Department, *, name: str, code: str, location: str = ""
) -> Department:
    department.name, department.code, department.location = (
        name.strip(),
        code.strip(),
        location.strip(),
    )
    department.full_clean(exclude=["path", "parent", "manager"])
    department.save(update_fields=["name", "code", "location"])
    return department


@transaction.atomic
def move_department(department: Department, new_parent: Department | None) -> None:
    """Re-hang a department (and everything below it) under another parent."""
    department = Department.objects.select_for_update().get(pk=department.pk)
    if new_parent is not None:
        new_parent = Department.objects.get(pk=new_parent.pk)
        if new_parent.path.startswith(department.path):
            raise ValidationError(
                _("A department cannot be moved under itself or one of its own sub-departments."),
                code="cycle",
            )
    if department.parent_id == (new_parent.pk if new_parent else None):
        return
    old_path = department.path
    new_path = f"{new_parent.path if new_parent else '/'}{department.pk}/"
    depth_change = (new_parent.depth + 1 if new_parent else 0) - department.depth
    # One UPDATE re-roots the whole subtree: swap the old prefix for the new one.
    Department.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1, Length("path"))),
        depth=F("depth") + depth_change,
    )
    Department.objects.filter(pk=department.pk).update(parent=new_parent)
    hooks.people_changed(
        User.objects.filter(department__path__startswith=new_path).values_list("pk", flat=True)
    )


@transaction.atomic
def set_department_manager(department: Department, manager: User | None) -> None:
    """The department's manager sees and manages everyone in its subtree."""
    department.manager = manager
    department.save(update_fields=["manager"])
    if manager is not None and not manager.is_manager:
        manager.is_manager = True
        manager.save(update_fields=["is_manager"])


@transaction.atomic
def delete_department(department: Department) -> None:
    """Only an empty department goes: people and sub-departments must be moved first."""
    if department.children.exists():
        raise ValidationError(
            _("“%(name)s” still has sub-departments; move or delete them first."),
            params={"name": department.name},
            code="has_children",
        )
    if department.members.exists():
        raise ValidationError(
            _("“%(name)s” still has people in it; move them to another department first."),
            params={"name": department.name},
            code="has_members",
        )
    department.delete()


@transaction.atomic
def save_group(group: Group | None, *, name: str, description: str = "") -> Group:
    group = group or Group()
    group.name, group.description = name.strip(), description.strip()
    group.full_clean()
    group.save()
    return group


def add_group_members(group: Group, people: Iterable[User]) -> None:
    people = list(people)
    group.members.add(*people)
    hooks.people_changed(person.pk for person in people)


def remove_group_members(group: Group, people: Iterable[User]) -> None:
    group.members.remove(*people)
