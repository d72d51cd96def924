"""Question banks: nested categories, tags, questions and their immutable versions, and
the record of each import."""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class QuestionType(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple response")
    TRUE_FALSE = "truefalse", _("True/false")
    SHORT = "short", _("Short answer")
    NUMERIC = "numeric", _("Numeric")
    MATCHING = "matching", _("Matching")
    ORDERING = "ordering", _("Ordering")
    CLOZE = "cloze", _("Fill in the blanks")
    ESSAY = "essay", _("Essay")


class Category(models.Model):
    """A folder of the question bank, stored with a materialised path of primary keys
    (``/1/4/9/``) like departments, so a category and everything below it is one
    indexed prefix query."""

    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=1000, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["path"]
        constraints = [
            # Imports find categories by their chain of names: siblings are unique.
            models.UniqueConstraint("parent", Lower("name"), name="uniq_category_name_in_parent"),
            models.UniqueConstraint(
                Lower("name"), condition=models.Q(parent=None), name="uniq_root_category_name"
            ),
        ]
        indexes = [
            # Subtree queries: path LIKE '/1/4/%' (exports of a category and below).
            models.Index(fields=["path"], name="category_path", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.name

    def subtree(self) -> "models.QuerySet[Category]":
        """This category and every category below it."""
        return Category.objects.filter(path__startswith=self.path)

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/")[:-1]]


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="uniq_tag_name")]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """The stable identity of a question: what statistics and quizzes point at. What it
    says lives in its versions; ``current_version`` is the one new attempts use."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="questions"
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="+")
    # SET_NULL only matters while the question itself is deleted (its versions go with
    # it); attempts will protect the versions they showed, so used questions stay.
    current_version = models.ForeignKey(
        "QuestionVersion",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"#{self.pk}"


class QuestionImage(models.Model):
    """A picture in question text, feedback or choices: the bank's own file (a question
    bank belongs to no course, so course assets do not fit), checked with Pillow and
    re-encoded when stored, delivered only by ``views.image`` to people who may see a
    question showing it. Versions record the pictures they show (``QuestionVersion.images``)
    so that check is one indexed query."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.CharField(max_length=500)  # storage name
    content_type = models.CharField(max_length=32)
    name = models.CharField(_("file name"), max_length=255)
    alt = models.CharField(_("text alternative"), max_length=500, blank=True)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("question image")
        verbose_name_plural = _("question images")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def url(self) -> str:
        return f"/assessments/images/{self.key}/"

    @property
    def html(self) -> str:
        """The tag an author pastes into a question text (plain text, escaped on pages)."""
        from django.utils.html import escape

        alt = escape(self.alt)
        return f'<img src="{self.url}" alt="{alt}" width="{self.width}" height="{self.height}">'


class VersionIsImmutable(Exception):
    """A question version, once saved, is never changed: a new one is made instead."""


class QuestionVersion(models.Model):
    """What a question said at one time. Never updated: attempts keep pointing at the
    version they showed, whatever happens to the question later."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    type = models.CharField(_("type"), max_length=16, choices=QuestionType.choices)
    name = models.CharField(_("name"), max_length=255, blank=True)
    prompt = models.TextField(_("prompt"))  # sanitised HTML
    data: models.JSONField[Any] = models.JSONField(default=dict)  # per type, see types.py
    general_feedback = models.TextField(_("general feedback"), blank=True)  # sanitised HTML
    # {language: {"prompt": …, "feedback": …, "texts": {id: text}}}
    translations: models.JSONField[Any] = models.JSONField(default=dict, blank=True)
    default_mark = models.DecimalField(_("default mark"), max_digits=6, decimal_places=2, default=1)
    # The bank pictures its texts show (set once, when the version is made): who may
    # fetch a picture is decided from the versions showing it.
    images = models.ManyToManyField(QuestionImage, blank=True, related_name="versions")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")
        ordering = ["question", "number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="uniq_question_version")
        ]

    def __str__(self) -> str:
        return f"#{self.question_id} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise VersionIsImmutable(str(self))
        super().save(*args, **kwargs)

    @property
    def first_line(self) -> str:
        from django.utils.html import strip_tags

        text = strip_tags(self.prompt).strip()
        line = text.splitlines()[0] if text else ""
        return line if len(line) <= 120 else line[:119] + "…"


class QuestionImport(models.Model):
    """A GIFT, Aiken, Moodle XML or QTI 2.1 file (a QTI package kept base64-encoded):
    checked and previewed first, applied only when every question in it can be imported.
    Kept as the record of who imported what."""

    class Format(models.TextChoices):
        GIFT = "gift", _("GIFT")
        AIKEN = "aiken", _("Aiken")
        MOODLE_XML = "moodle_xml", _("Moodle XML")
        QTI = "qti", _("IMS QTI 2.1")

    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked")
        APPLIED = "applied", _("Imported")

    format = models.CharField(_("format"), max_length=16, choices=Format.choices)
    file_name = models.CharField(_("file"), max_length=255)
    content = models.TextField()
    category = models.ForeignKey(
        Category,
        verbose_name=_("into category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CHECKED)
    question_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


class Attempt(models.Model):
    """One try at a quiz lesson. The questions (their versions) and the order of their
    choices are drawn when it starts and never change; the deadline is kept here, on
    the server, and what the browser says about time is never trusted."""

    enrollment = models.ForeignKey(
        "learning.Enrollment", on_delete=models.CASCADE, related_name="+"
    )
    lesson_id = models.PositiveIntegerField()  # a catalog Lesson; the outline is the truth
    number = models.PositiveIntegerField()
    # The enrolment's recertification cycle: a new cycle starts with all attempts again.
    cycle = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    auto_submitted = models.BooleanField(default=False)
    needs_grading = models.BooleanField(default=False)
    score = models.FloatField(null=True, blank=True)  # percent, once graded
    passed = models.BooleanField(null=True)
    # The quiz settings the attempt started with (later edits do not move its rules).
    settings: models.JSONField[Any] = models.JSONField(default=dict)

    class Meta:
        ordering = ["enrollment", "lesson_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "lesson_id", "number"], name="uniq_attempt_number"
            ),
            # At most one open attempt per learner and quiz: a second start resumes it.
            models.UniqueConstraint(
                fields=["enrollment", "lesson_id"],
                condition=models.Q(submitted_at=None),
                name="uniq_open_attempt",
            ),
        ]
        indexes = [
            # The expiry task: open attempts whose deadline has passed.
            models.Index(
                fields=["deadline"],
                condition=models.Q(submitted_at=None),
                name="attempt_open_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id}/{self.lesson_id} #{self.number}"

    def is_open(self) -> bool:
        return self.submitted_at is None

    def expired(self, at: Any) -> bool:
        return self.submitted_at is None and self.deadline is not None and at >= self.deadline


class Answer(models.Model):
    """One slot of an attempt: the question version shown there, its choice order, and
    what the learner answered (saved as they go)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    slot = models.PositiveSmallIntegerField()  # 1, 2, … in the order shown
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    # The ids of the choices (or items, prompts) in the order this attempt shows them.
    order: models.JSONField[Any] = models.JSONField(default=list, blank=True)
    response: models.JSONField[Any] = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    fraction = models.FloatField(null=True, blank=True)  # None: not graded (yet)
    feedback: models.JSONField[Any] = models.JSONField(default=list, blank=True)
    manual_fraction = models.FloatField(null=True, blank=True)
    manual_comment = models.TextField(blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "slot"]
        constraints = [models.UniqueConstraint(fields=["attempt", "slot"], name="uniq_answer_slot")]

    def __str__(self) -> str:
        return f"{self.attempt} / {self.slot}"


class AuditEntryIsImmutable(Exception):
    """An audit entry, once written, is never changed."""


class GradeAudit(models.Model):
    """One change to a submitted attempt's grade made after submit: a regrade with a
    corrected answer key (or a fixed grader) or a manual override. Written once, never
    edited: the record of who changed a score, when, from what to what, and why."""

    class Kind(models.TextChoices):
        REGRADE = "regrade", _("Regrade")
        OVERRIDE = "override", _("Manual override")

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="audit")
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="audit")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # Regrades with a new answer key: the version graded before and the one used now.
    from_version = models.ForeignKey(
        QuestionVersion, null=True, on_delete=models.PROTECT, related_name="+"
    )
    to_version = models.ForeignKey(
        QuestionVersion, null=True, on_delete=models.PROTECT, related_name="+"
    )
    old_fraction = models.FloatField(null=True)
    new_fraction = models.FloatField(null=True)
    old_score = models.FloatField(null=True)  # the attempt's percent before and after
    new_score = models.FloatField(null=True)
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["attempt", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.attempt_id}/{self.answer_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditEntryIsImmutable(str(self))
        super().save(*args, **kwargs)
