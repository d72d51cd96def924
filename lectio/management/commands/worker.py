import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from lectio import schedule


class Command(BaseCommand):
    help = "Run background tasks (django-tasks, database backend) and the periodic scheduler."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument(
            "--no-scheduler", action="store_true", help="Only run tasks; enqueue no periodic jobs."
        )

    def handle(self, *args: Any, interval: float, no_scheduler: bool, **_: Any) -> None:
        if not no_scheduler:
            stop = threading.Event()
            threading.Thread(
                target=schedule.run_forever, args=(stop,), name="scheduler", daemon=True
            ).start()
        call_command("db_worker", queue_name="*", interval=interval)
