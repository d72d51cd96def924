"""English and Turkish are complete: every string in the code has a Turkish translation."""

import re
import shutil
from pathlib import Path

import polib
from django.core.management import call_command

LECTIO = Path(__file__).resolve().parent.parent / "lectio"
CATALOG = LECTIO / "locale" / "tr" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def test_every_turkish_entry_is_translated_with_the_same_placeholders():
    catalog = polib.pofile(str(CATALOG))
    assert len(catalog) > 100
    for entry in catalog:
        assert "fuzzy" not in entry.flags, entry.msgid
        if entry.msgid_plural:
            forms = list(entry.msgstr_plural.values())
            source = entry.msgid_plural
        else:
            forms = [entry.msgstr]
            source = entry.msgid
        for form in forms:
            assert form, f"untranslated: {entry.msgid!r}"
            assert set(PLACEHOLDER.findall(form)) == set(PLACEHOLDER.findall(source)), entry.msgid


def test_the_catalog_holds_every_string_of_the_code(tmp_path, settings, monkeypatch):
    assert shutil.which("xgettext"), "makemessages needs xgettext: install Debian's gettext"
    copy = tmp_path / "lectio"
    shutil.copytree(LECTIO, copy, ignore=shutil.ignore_patterns("vendor", "__pycache__", "*.mo"))
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["tr"], no_obsolete=True, no_location=True, verbosity=0)
    fresh = {e.msgid for e in polib.pofile(str(copy / "locale/tr/LC_MESSAGES/django.po"))}
    known = {e.msgid for e in polib.pofile(str(CATALOG))}
    assert fresh - known == set(), "run `make messages` and translate the new strings"
