import importlib
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Load realistic demo data (idempotent). Each app with a demo.py module adds its part, "
        "in INSTALLED_APPS order; the sign-in accounts are printed at the end."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            for config in apps.get_app_configs():
                if not config.name.startswith("lectio."):
                    continue
                try:
                    module = importlib.import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                module.populate(self.stdout)
        password = settings.LECTIO_DEMO_PASSWORD
        self.stdout.write(
            self.style.SUCCESS("Demo data is ready. Sign in at /accounts/sign-in/ as:")
        )
        for role in ("admin", "instructor", "manager", "learner"):
            self.stdout.write(f"  {role + '@example.com':<28} password: {password}")
