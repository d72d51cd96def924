import os
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Lectio with gunicorn (production-grade), static files through WhiteNoise."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_WORKERS", "2")),
            help="Processes; each runs --threads threads.",
        )
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))

    def handle(
        self, *args: Any, host: str, port: int, workers: int, threads: int, **_: Any
    ) -> None:
        from gunicorn.app.base import BaseApplication

        from lectio.wsgi import application

        options = {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "timeout": 60,
            "graceful_timeout": 20,
            "accesslog": "-",
            "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        }

        class Server(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                for key, value in options.items():
                    self.cfg.set(key, value)

            def load(self) -> Any:
                return application

        self.stdout.write(f"Lectio is serving on http://{host}:{port}/")
        Server().run()
