"""``lectio hr_sync FILE [--dry-run]``: apply one HR file now, as the drop folder would."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lectio.accounts import hr_sync
from lectio.accounts.models import HrSyncRun


class Command(BaseCommand):
    help = (
        "Apply an HR file (people*.csv or departments*.csv in the import format): upsert, "
        "deactivate leavers after a full people file, and print what changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would change; change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        run = hr_sync.sync_text(path.name, path.read_bytes(), dry_run=options["dry_run"])
        self.stdout.write(hr_sync.summary(run), ending="")
        if run.status == HrSyncRun.Status.FAILED:
            raise CommandError(f"{path.name}: nothing was changed ({run.error_count} errors)")
