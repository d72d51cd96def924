"""Dependencies between the apps flow one way (DESIGN.md): a lower app never imports a
higher one. Higher apps announce through hooks instead (e.g. assets.permissions.register)."""

import ast
from pathlib import Path

LECTIO = Path(__file__).resolve().parent.parent / "lectio"
# Each app and the apps it may import.
ALLOWED = {
    "accounts": set(),
    "catalog": {"accounts"},
    "assets": {"accounts", "catalog"},
    "learning": {"accounts", "catalog", "assets", "xapi"},
    "assessments": {"accounts", "catalog", "assets", "learning"},
    "notifications": {"accounts"},
    "certificates": {"accounts", "catalog", "assets", "learning"},
    "assignments": {"accounts", "catalog", "assets", "learning", "notifications"},
    "reports": {"accounts", "catalog", "assets", "learning", "assignments", "notifications"},
    "scorm": {"accounts", "catalog", "assets", "learning", "xapi"},
    "xapi": {"accounts"},
    "api": {
        "accounts",
        "catalog",
        "assets",
        "learning",
        "assessments",
        "assignments",
        "certificates",
        "notifications",
        "reports",
    },
}


def imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "lectio" and len(parts) > 1 and parts[1] in ALLOWED:
                found.add(parts[1])
    return found


def test_every_app_is_known():
    apps = {p.parent.name for p in LECTIO.glob("*/apps.py")}
    assert apps == set(ALLOWED)


def test_apps_only_import_the_apps_below_them():
    wrong = []
    for app, allowed in ALLOWED.items():
        for path in (LECTIO / app).rglob("*.py"):
            for other in imported_apps(path) - allowed - {app}:
                wrong.append(f"{path.relative_to(LECTIO)} imports lectio.{other}")
    assert wrong == []
