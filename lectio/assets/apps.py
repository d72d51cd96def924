from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    name = "lectio.assets"
    label = "assets"
    verbose_name = _("Media")

    def ready(self) -> None:
        from lectio.catalog import kinds

        kinds.provide_media_facts(media_facts)


def media_facts(key: str) -> dict[str, Any] | None:
    """What catalog needs to know of an uploaded file: its state, and what learners get."""
    from lectio.assets.models import Asset

    asset = Asset.objects.filter(key=key).prefetch_related("captions").first()
    if asset is None:
        return None
    return {
        "status": asset.status,
        "public": {
            "kind": asset.kind,
            "duration": asset.duration,
            "width": asset.width,
            "height": asset.height,
            "page_count": asset.page_count,
            "captions": [caption.language for caption in asset.captions.all()],
        },
    }
