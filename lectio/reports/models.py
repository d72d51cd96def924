"""Scheduled report e-mails: a person asks for the compliance report, with their filters,
every week or every month."""

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lectio.accounts.models import Department, User
from lectio.catalog.models import Course


class Subscription(models.Model):
    class Every(models.TextChoices):
        WEEK = "week", _("Every week")
        MONTH = "month", _("Every month")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="report_subscriptions")
    every = models.CharField(_("how often"), max_length=8, choices=Every.choices)
    course = models.ForeignKey(Course, null=True, blank=True, on_delete=models.CASCADE)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.CASCADE)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.every}"

    def filters(self) -> dict[str, Any]:
        return {
            key: value
            for key, value in (("course", self.course_id), ("department", self.department_id))
            if value
        }
