"""The production static-files build (collectstatic with hashed, compressed files) works:
every file a script or stylesheet refers to exists."""

from django.core.management import call_command


def test_collectstatic_builds_the_manifest(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    for name in (
        "css/lectio.css",
        "js/player.js",
        "vendor/hls/hls.min.js",
        "vendor/pdfjs/pdf.min.mjs",
        "js/scorm-player.js",
        "vendor/scorm-again/scorm-again.min.js",
    ):
        assert f'"{name}"' in manifest, name
