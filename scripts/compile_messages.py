"""Compile lectio/locale/*/LC_MESSAGES/*.po into .mo files with polib (no GNU gettext needed).

The .mo files are build output and not committed; `make run` and `make test` run this.
"""

import sys
from pathlib import Path

import polib

root = Path(__file__).resolve().parent.parent / "lectio" / "locale"
count = 0
for po_path in sorted(root.glob("*/LC_MESSAGES/*.po")):
    catalog = polib.pofile(str(po_path))
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
        catalog.save_as_mofile(str(mo_path))
        count += 1
print(f"Compiled {count} message catalog(s).", file=sys.stderr)
