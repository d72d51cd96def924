"""The settings read the environment; each case runs in a fresh interpreter."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

PRINT = (
    "import json; from django.conf import settings as s; "
    "print(json.dumps({'key': s.SECRET_KEY, 'debug': s.DEBUG, "
    "'db': s.DATABASES['default']['ENGINE'], "
    "'pool': s.DATABASES['default'].get('OPTIONS', {}).get('pool'), "
    "'cache': s.CACHES['default']['BACKEND'], 'email': s.EMAIL_BACKEND, "
    "'hosts': s.ALLOWED_HOSTS, 'secure': s.SESSION_COOKIE_SECURE, "
    "'storage': s.STORAGES['default']['BACKEND'], "
    "'journal': s.DATABASES['default'].get('OPTIONS', {}).get('init_command', '')}))"
)


def read_settings(tmp_path: Path, **env: str) -> dict:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "REDIS_URL"}
    }
    clean.update(
        {"DJANGO_SETTINGS_MODULE": "lectio.settings", "LECTIO_DATA_DIR": str(tmp_path / "data")}
    )
    clean.update(env)
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PRINT}"],
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_safe_defaults(tmp_path):
    values = read_settings(tmp_path)
    assert values["debug"] is False
    assert values["db"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in values["journal"]
    assert values["cache"].endswith("LocMemCache")
    assert values["email"].endswith("console.EmailBackend")
    assert values["hosts"] == ["localhost", "127.0.0.1", "[::1]"]
    assert values["secure"] is False
    assert values["storage"].endswith("FileSystemStorage")


def test_the_secret_key_is_generated_once_into_the_data_folder(tmp_path):
    first = read_settings(tmp_path)["key"]
    key_file = tmp_path / "data" / "secret_key"
    assert key_file.read_text() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert read_settings(tmp_path)["key"] == first
    assert len(first) >= 50


def test_the_environment_selects_postgresql_redis_smtp_and_https(tmp_path):
    values = read_settings(
        tmp_path,
        SECRET_KEY="from-env",
        DATABASE_URL="postgres://u:p@db.internal:5432/lectio",
        REDIS_URL="redis://cache:6379/0",
        EMAIL_HOST="smtp.internal",
        ALLOWED_HOSTS="learn.example.com",
        HTTPS="true",
        S3_BUCKET="lectio-media",
    )
    assert values["key"] == "from-env"
    assert values["db"] == "django.db.backends.postgresql"
    assert values["pool"]["max_size"] == 10
    assert values["cache"].endswith("RedisCache")
    assert values["email"].endswith("smtp.EmailBackend")
    assert values["hosts"] == ["learn.example.com"]
    assert values["secure"] is True
    assert values["storage"] == "storages.backends.s3.S3Storage"


def test_secrets_can_come_from_files(tmp_path):
    secret = tmp_path / "key.txt"
    secret.write_text("from-a-file\n")
    assert read_settings(tmp_path, SECRET_KEY_FILE=str(secret))["key"] == "from-a-file"


def test_the_lectio_command_runs_django_commands(tmp_path):
    env = {**os.environ, "LECTIO_DATA_DIR": str(tmp_path / "data")}
    env.pop("DATABASE_URL", None)
    out = subprocess.run(
        [sys.executable, "-m", "lectio", "help"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    for command in ("serve", "worker", "demo", "migrate"):
        assert command in out.stdout
