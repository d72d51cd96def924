from django.contrib import admin
from django.http import HttpRequest

from lectio.accounts.models import Department, Group, PeopleImport, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    list_display = ["email", "full_name", "department", "is_active", "is_administrator"]
    list_filter = ["is_active", "is_administrator", "is_instructor", "is_manager", "language"]
    search_fields = ["email", "full_name", "employee_id"]
    readonly_fields = ["password", "last_login", "date_joined", "deactivated_at"]
    autocomplete_fields = ["department"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
    list_display = ["name", "code", "path", "manager"]
    search_fields = ["name", "code"]
    readonly_fields = ["path", "depth", "parent"]
    raw_id_fields = ["manager"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the tree editor keeps paths right; create departments there


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin[Group]):
    list_display = ["name"]
    search_fields = ["name"]
    raw_id_fields = ["members"]


@admin.register(PeopleImport)
class PeopleImportAdmin(admin.ModelAdmin[PeopleImport]):
    list_display = ["file_name", "kind", "status", "created_by", "created_at", "applied_at"]
    readonly_fields = [f.name for f in PeopleImport._meta.fields]
