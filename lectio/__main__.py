"""The ``lectio`` command: everything ``manage.py`` does, plus serve, worker and demo."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lectio.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line([os.path.basename(sys.argv[0]) or "lectio", *sys.argv[1:]])


if __name__ == "__main__":
    main()
