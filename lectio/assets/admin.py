from django.contrib import admin

from lectio.assets.models import Asset, Caption


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin[Asset]):
    """For support: see what processing did; files are managed on the lesson pages."""

    list_display = ["original_name", "kind", "status", "progress", "course", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["original_name", "key"]
    readonly_fields = [f.name for f in Asset._meta.fields]


admin.site.register(Caption)
