"""People, the department tree, groups and roles."""

import zoneinfo
from functools import cache

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@cache
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(
            _("“%(value)s” is not a known time zone (for example Europe/Istanbul)."),
            code="time_zone",
            params={"value": value},
        )


def validate_language(value: str) -> None:
    if value not in dict(settings.LANGUAGES):
        raise ValidationError(
            _("“%(value)s” is not a supported language (use one of: %(choices)s)."),
            code="language",
            params={"value": value, "choices": ", ".join(dict(settings.LANGUAGES))},
        )


class Role(models.TextChoices):
    """What a person may do. Everyone is a learner; the other roles add to that."""

    ADMINISTRATOR = "administrator", _("Administrator")
    INSTRUCTOR = "instructor", _("Instructor")
    MANAGER = "manager", _("Manager")
    LEARNER = "learner", _("Learner")


# The role flags on User, by role. LEARNER has no flag: it is every active person.
ROLE_FIELDS = {
    Role.ADMINISTRATOR: "is_administrator",
    Role.INSTRUCTOR: "is_instructor",
    Role.MANAGER: "is_manager",
}


class Department(models.Model):
    """A node of the organisation's tree, stored with a materialised path.

    ``path`` is the chain of primary keys from the root, e.g. ``/1/4/9/``, so a whole
    subtree is one indexed prefix query (``path__startswith``) at any depth.
    """

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(
        _("code"),
        max_length=64,
        unique=True,
        help_text=_("A short, unique key used in imports and exports, e.g. IST-SALES."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=1000, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    location = models.CharField(_("location"), max_length=200, blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_departments",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["path"]
        indexes = [
            # Subtree queries: path LIKE '/1/4/%'. The operator class lets PostgreSQL use
            # the index for LIKE whatever the database collation; SQLite ignores it.
            models.Index(
                fields=["path"], name="department_path", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def subtree(self) -> "models.QuerySet[Department]":
        """This department and every department below it."""
        return Department.objects.filter(path__startswith=self.path)

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/")[:-1]]


class UserQuerySet(models.QuerySet["User"]):
    def in_departments(self, departments: "models.QuerySet[Department]") -> "UserQuerySet":
        """People in any of these departments or below them."""
        prefixes = Q()
        for path in departments.values_list("path", flat=True):
            prefixes |= Q(department__path__startswith=path)
        return self.filter(prefixes) if prefixes else self.none()

    def with_role(self, role: str) -> "UserQuerySet":
        if role == Role.LEARNER:
            return self.filter(is_administrator=False, is_instructor=False, is_manager=False)
        return self.filter(**{ROLE_FIELDS[Role(role)]: True})

    def visible_to(self, viewer: "User") -> "UserQuerySet":
        """Whom ``viewer`` may see: everyone (administrator), the people in the departments
        they manage and below (manager), else only themselves."""
        if not viewer.is_authenticated or not viewer.is_active:
            return self.none()
        if viewer.is_administrator:
            return self.all()
        if viewer.is_manager:
            team = self.in_departments(Department.objects.filter(manager=viewer))
            return team | self.filter(pk=viewer.pk)
        return self.filter(pk=viewer.pk)


# mypy cannot follow a base class made by from_queryset(); the stubs type it as Any.
class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> "User":
        user: User = self.get(email__iexact=username or "")
        return user

    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        user: User = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.setdefault("is_administrator", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser):
    """A person. The e-mail address is the sign-in name; history is never deleted, people
    are deactivated instead."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        validators=[validate_language],
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    employee_id = models.CharField(_("employee ID"), max_length=64, blank=True)
    external_id = models.CharField(
        _("external ID"),
        max_length=255,
        blank=True,
        help_text=_("The person's key in another system, such as HR or single sign-on."),
    )
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_administrator = models.BooleanField(_("administrator"), default=False)
    is_instructor = models.BooleanField(_("instructor"), default=False)
    is_manager = models.BooleanField(_("manager"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    deactivated_at = models.DateTimeField(_("deactivated"), null=True, blank=True)
    # Set when an HR sync file last listed the person: a full file that no longer lists
    # them deactivates them (people added by hand are never touched by the sync).
    hr_synced_at = models.DateTimeField(_("last in an HR file"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name", "email"]
        constraints = [
            # Sign-in is case-insensitive, so addresses must be unique case-insensitively.
            models.UniqueConstraint(Lower("email"), name="uniq_user_email_ci"),
            models.UniqueConstraint(
                fields=["employee_id"], condition=~Q(employee_id=""), name="uniq_user_employee_id"
            ),
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="uniq_user_external_id"
            ),
        ]
        indexes = [
            # The people list: filter by department and active, ordered by name.
            models.Index(fields=["department", "is_active"], name="user_department_active"),
            models.Index(fields=["full_name"], name="user_full_name"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def roles(self) -> list[Role]:
        """The person's roles, learner last."""
        held = [role for role, field in ROLE_FIELDS.items() if getattr(self, field)]
        return [*held, Role.LEARNER]

    @property
    def role_labels(self) -> list[str]:
        return [str(role.label) for role in self.roles]

    # Django admin access follows the administrator role; there are no per-model grants.
    @property
    def is_staff(self) -> bool:
        return self.is_active and self.is_administrator

    @property
    def is_superuser(self) -> bool:
        return self.is_staff

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return self.is_staff

    def has_perms(self, perm_list: object, obj: object = None) -> bool:
        return self.is_staff

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_staff


class Group(models.Model):
    """An ad-hoc cohort of people across departments, e.g. "Forklift drivers"."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        User, verbose_name=_("members"), related_name="cohorts", blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PeopleImport(models.Model):
    """A CSV file of people or departments: checked first, applied only when clean.

    Kept afterwards as the record of who imported what and when."""

    class Kind(models.TextChoices):
        PEOPLE = "people", _("People")
        DEPARTMENTS = "departments", _("Departments")

    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked")
        APPLIED = "applied", _("Imported")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    file_name = models.CharField(_("file"), max_length=255)
    content = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CHECKED)
    row_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


class SsoIdentity(models.Model):
    """A person's account at an identity provider: (provider key, subject) → person.

    The subject is the OIDC ``sub`` claim or the SAML NameID, which the provider keeps
    stable even when the e-mail address changes."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sso_identities")
    provider = models.CharField(max_length=64)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)
    last_sign_in_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # Sign-in looks the person up by (provider, subject).
            models.UniqueConstraint(fields=["provider", "subject"], name="uniq_sso_identity"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.subject}"


class HrSyncRun(models.Model):
    """One HR file processed (from the drop folder or `lectio hr_sync`) and what it changed.

    ``report`` holds the lists shown on the run's page: created, updated (field → old,
    new), moved, deactivated and errors with line numbers."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        DRY_RUN = "dry_run", _("Dry run")
        FAILED = "failed", _("Failed")

    file_name = models.CharField(_("file"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=PeopleImport.Kind.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    moved = models.PositiveIntegerField(default=0)
    deactivated = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [
            # The administrators' list of runs, newest first.
            models.Index(fields=["-started_at"], name="hr_sync_run_started"),
        ]

    def __str__(self) -> str:
        return self.file_name
