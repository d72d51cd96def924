"""Shared query filters: a date range."""

from datetime import UTC, datetime
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils import timezone
from ninja import Field, Schema

M = TypeVar("M", bound=Model)


def _aware(moment: datetime) -> datetime:
    """A moment without a zone is taken as UTC."""
    return timezone.make_aware(moment, UTC) if timezone.is_naive(moment) else moment


class Since(Schema):
    since: datetime | None = Field(
        None, description="From this moment (ISO 8601; UTC when no offset is given)"
    )
    until: datetime | None = Field(None, description="Before this moment (ISO 8601)")

    def apply(self, queryset: "QuerySet[M]", field: str) -> "QuerySet[M]":
        filters: dict[str, Any] = {}
        if self.since is not None:
            filters[f"{field}__gte"] = _aware(self.since)
        if self.until is not None:
            filters[f"{field}__lt"] = _aware(self.until)
        return queryset.filter(**filters) if filters else queryset
