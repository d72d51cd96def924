"""Courses → modules → lessons, as authors edit them (the draft), and the versions
learners are served (immutable snapshots built at publish time).

A lesson keeps its primary key and ``key`` (UUID) for life: progress, statements and
statistics hang on it whatever is republished. Removing a lesson from the draft stamps
``removed_at``; the row stays so nothing that refers to it is lost.
"""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class CourseQuerySet(models.QuerySet["Course"]):
    def live(self) -> "CourseQuerySet":
        """Courses learners can see: published and not archived."""
        return self.filter(status=Course.Status.PUBLISHED, live_version__isnull=False)


class Course(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class Visibility(models.TextChoices):
        OPEN = "open", _("Open catalogue: anyone may enrol")
        ASSIGNED = "assigned", _("Assigned only")

    class Access(models.TextChoices):
        UNLIMITED = "unlimited", _("No end date")
        RELATIVE = "relative", _("A number of days from enrolment")
        FIXED = "fixed", _("Fixed dates")

    class Completion(models.TextChoices):
        REQUIRED_LESSONS = "required_lessons", _("Every required lesson is complete")

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80, unique=True, allow_unicode=False)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Basic HTML: headings, lists, links, emphasis.")
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.SET_NULL
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True)
    estimated_minutes = models.PositiveIntegerField(_("estimated minutes"), null=True, blank=True)
    # Storage name of the cover picture (set by the assets app, which checks and resizes it).
    cover = models.CharField(max_length=500, blank=True, editable=False)
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("instructors"), related_name="taught_courses"
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.OPEN
    )
    access = models.CharField(
        _("access period"), max_length=16, choices=Access.choices, default=Access.RELATIVE
    )
    access_days = models.PositiveIntegerField(
        _("days of access"), null=True, blank=True, default=90
    )
    access_starts_at = models.DateTimeField(_("access starts"), null=True, blank=True)
    access_ends_at = models.DateTimeField(_("access ends"), null=True, blank=True)
    completion = models.CharField(
        _("completion"),
        max_length=32,
        choices=Completion.choices,
        default=Completion.REQUIRED_LESSONS,
    )
    sequential = models.BooleanField(
        _("linear order"),
        default=False,
        help_text=_("Each lesson opens when the previous required lesson is complete."),
    )
    valid_months = models.PositiveSmallIntegerField(
        _("completion valid for (months)"),
        null=True,
        blank=True,
        help_text=_(
            "For training that must be renewed, e.g. 12 for yearly. Certificates show the "
            "expiry and people are re-assigned before it. Leave empty if it never expires."
        ),
    )
    prerequisites = models.ManyToManyField(
        "self", verbose_name=_("prerequisites"), symmetrical=False, blank=True, related_name="+"
    )
    # Other languages: {"tr": {"title": ..., "summary": ...}}; the fields above are in
    # ``language``, the course's default.
    variants: Any = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    live_version = models.ForeignKey(
        "CourseVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title"]
        indexes = [
            # The catalogue: live courses (their published visibility is on the version).
            models.Index(fields=["status"], name="course_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(access="relative") | Q(access_days__gte=1),
                name="course_relative_access_has_days",
            ),
            models.CheckConstraint(
                condition=~Q(access="fixed")
                | Q(access_ends_at__isnull=True)
                | Q(access_starts_at__isnull=True)
                | Q(access_ends_at__gt=models.F("access_starts_at")),
                name="course_fixed_access_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.live_version_id is not None


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveIntegerField(default=0)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["course", "position"], name="module_course_position")]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    class Kind(models.TextChoices):
        VIDEO = "video", _("Video")
        DOCUMENT = "document", _("Document")
        PRESENTATION = "presentation", _("Presentation")
        PAGE = "page", _("Page")
        QUIZ = "quiz", _("Quiz")
        PACKAGE = "package", _("SCORM or cmi5 package")
        ATTESTATION = "attestation", _("Attestation")

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    position = models.PositiveIntegerField(default=0)
    required = models.BooleanField(
        _("required"), default=True, help_text=_("Required lessons count towards completion.")
    )
    estimated_minutes = models.PositiveIntegerField(_("estimated minutes"), null=True, blank=True)
    opens_after_days = models.PositiveIntegerField(
        _("opens after (days from enrolment)"), null=True, blank=True
    )
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    # What the lesson shows; its shape belongs to the kind (catalog/kinds/<kind>.py).
    content: Any = models.JSONField(default=dict, blank=True)
    # The same lesson in other languages: {"tr": {"title": ..., "content": {...}}}. Learners
    # get their language, else the course's; progress stays on this one lesson.
    variants: Any = models.JSONField(default=dict, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["module", "position"], name="lesson_module_position")]

    def __str__(self) -> str:
        return self.title


class CourseVersion(models.Model):
    """A published state of a course: what learners see until the next publish.

    ``outline`` is the whole course as learners get it — course settings, modules,
    lessons and their content — so a learner page reads one row. The columns beside it
    are what the catalogue filters and lists on."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    major = models.BooleanField(
        _("major revision"),
        default=False,
        help_text=_(
            "The content changed in substance (e.g. a new policy): assigned training may ask "
            "people who completed an earlier version to complete this one."
        ),
    )
    notes = models.TextField(_("what changed"), blank=True)
    changes: Any = models.JSONField(default=dict)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    language = models.CharField(max_length=8)
    visibility = models.CharField(max_length=16, choices=Course.Visibility.choices)
    cover = models.CharField(max_length=500, blank=True)
    # Titles and summaries in other languages, for the catalogue: {"tr": {"title": ...}}.
    variants: Any = models.JSONField(default=dict, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="+")
    search_text = models.TextField(blank=True)
    outline: Any = models.JSONField()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="uniq_course_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    @property
    def lesson_count(self) -> int:
        return sum(len(m["lessons"]) for m in self.outline["modules"])

    def title_in(self, language: str) -> str:
        return str(self.variants.get(language, {}).get("title") or self.title)

    def summary_in(self, language: str) -> str:
        return str(self.variants.get(language, {}).get("summary") or self.summary)


# ---- Learning paths (programmes) -----------------------------------------------------------


class LearningPathQuerySet(models.QuerySet["LearningPath"]):
    def live(self) -> "LearningPathQuerySet":
        """Paths learners can see: published and not archived."""
        return self.filter(status=LearningPath.Status.PUBLISHED, live_version__isnull=False)


class LearningPath(models.Model):
    """A programme: an ordered set of steps, each a required course or a group of electives
    ("any 2 of these 4"). Authors edit the steps; ``publish_path`` freezes them into a
    PathVersion, which is what learners follow."""

    Status = Course.Status
    Visibility = Course.Visibility

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80, unique=True, allow_unicode=False)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    # Other languages: {"tr": {"title": ..., "summary": ...}}, as for courses.
    variants: Any = models.JSONField(default=dict, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Course.Visibility.choices, default="open"
    )
    status = models.CharField(max_length=16, choices=Course.Status.choices, default="draft")
    live_version = models.ForeignKey(
        "PathVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = LearningPathQuerySet.as_manager()

    class Meta:
        verbose_name = _("learning path")
        verbose_name_plural = _("learning paths")
        ordering = ["title"]
        indexes = [
            # The catalogue's programmes: live paths.
            models.Index(fields=["status"], name="path_status"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        return self.status == Course.Status.PUBLISHED and self.live_version_id is not None


class PathStep(models.Model):
    """One step of a path's draft: a required course, or electives of which ``pick`` must
    be completed."""

    class Kind(models.TextChoices):
        COURSE = "course", _("Required course")
        ELECTIVE = "elective", _("Electives")

    path = models.ForeignKey(LearningPath, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    courses = models.ManyToManyField(Course, blank=True, related_name="+")
    pick = models.PositiveSmallIntegerField(_("courses to complete"), default=1)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["path", "position"], name="pathstep_path_position")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="elective") | Q(course__isnull=False),
                name="pathstep_course_has_course",
            ),
            models.CheckConstraint(condition=Q(pick__gte=1), name="pathstep_pick_at_least_one"),
        ]

    def __str__(self) -> str:
        return f"{self.path_id}#{self.position} {self.kind}"


class PathVersion(models.Model):
    """A published state of a path. ``outline`` holds the path's texts and its steps
    (course ids, and for electives how many to complete), so a learner page and the
    progress computation read one row."""

    path = models.ForeignKey(LearningPath, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    language = models.CharField(max_length=8)
    visibility = models.CharField(max_length=16, choices=Course.Visibility.choices)
    variants: Any = models.JSONField(default=dict, blank=True)
    outline: Any = models.JSONField()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["path", "number"], name="uniq_path_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    def title_in(self, language: str) -> str:
        return str(self.variants.get(language, {}).get("title") or self.title)

    def summary_in(self, language: str) -> str:
        return str(self.variants.get(language, {}).get("summary") or self.summary)
