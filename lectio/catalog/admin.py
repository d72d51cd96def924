from django.contrib import admin
from django.http import HttpRequest

from lectio.catalog.models import Category, Course, CourseVersion, Tag


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin[Course]):
    """For support: courses are built and published in the authoring area."""

    list_display = ["title", "status", "language", "visibility", "updated_at"]
    list_filter = ["status", "language", "visibility"]
    search_fields = ["title", "slug"]
    readonly_fields = ["key", "live_version", "status", "created_by", "created_at", "updated_at"]
    filter_horizontal = ["instructors", "tags", "prerequisites"]


@admin.register(CourseVersion)
class CourseVersionAdmin(admin.ModelAdmin[CourseVersion]):
    list_display = ["course", "number", "major", "published_by", "published_at"]
    readonly_fields = [f.name for f in CourseVersion._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # versions are made by publishing


admin.site.register(Category)
admin.site.register(Tag)
