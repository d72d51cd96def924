"""A production topology on one machine: nginx in front of N web processes and a task
worker, sharing one PostgreSQL database, one Redis (cache and sessions) and an
S3-compatible object store (moto's server) for media. Each process has its own data
folder, so nothing is shared through the local disk except what ``docs/deploy.md`` says.

Used by ``tests/test_scale_out.py`` (the proof that a learner's session, resume position
and quiz attempt carry across web processes, that media uploaded through one is
transcoded by the worker and delivered through another, and that killing a web process
loses no acknowledged heartbeat or answer), and runnable by hand to look around:

    DATABASE_URL=postgres://lectio:lectio@127.0.0.1:5432/lectio .venv/bin/python bench/cluster.py

Needs the Debian packages ``redis-server`` and ``nginx-light`` (``make system-deps``).
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit, urlunsplit

BIN = Path(sys.executable).parent
LECTIO = str(BIN / "lectio")
BUCKET = "lectio-media"
CREDENTIALS = {"S3_ACCESS_KEY_ID": "lectio", "S3_SECRET_ACCESS_KEY": "lectio-secret"}
DEFAULT_DATABASE = "postgres://lectio:lectio@127.0.0.1:5432/lectio"

NGINX = """
{user}
worker_processes 1;
error_log {root}/nginx-error.log warn;
pid {root}/nginx.pid;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {root}/client-body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    # Uploads arrive in chunks of at most 8 MB.
    client_max_body_size 10m;
    client_body_buffer_size 10m;
    proxy_buffering off;
    upstream lectio {{
        {servers}
        keepalive 16;
    }}
    # A resumable upload's chunks gather in a part file on the web process that started
    # it: the same person's uploads go to the same process (unless LECTIO_UPLOAD_DIR is
    # a shared volume).
    upstream lectio_uploads {{
        hash $cookie_sessionid consistent;
        {servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_read_timeout 120s;
        # Which web process answered (the test checks both do).
        add_header X-Upstream $upstream_addr always;
        location /media/uploads/ {{ proxy_pass http://lectio_uploads; }}
        location / {{ proxy_pass http://lectio; }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - 127.0.0.1
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer in {seconds} s")
        time.sleep(0.2)


class Cluster:
    """Start with ``with Cluster(folder) as cluster:``; everything stops on exit and the
    throw-away database is dropped."""

    def __init__(self, root: Path, *, webs: int = 2, database_url: str = "") -> None:
        self.root = root
        self.webs = webs
        self.base_url = database_url or os.environ.get("DATABASE_URL", "")
        if not self.base_url.startswith(("postgres://", "postgresql://")):
            # The SQLite pass of the test suite: the topology needs PostgreSQL either way,
            # and CI's cluster is running for the PostgreSQL pass.
            self.base_url = DEFAULT_DATABASE
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.ports: dict[str, int] = {}
        self.database = ""
        self.env: dict[str, str] = {}
        self._log_handles: dict[str, object] = {}

    # Lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> "Cluster":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self._database()
        self._redis()
        self._object_store()
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in {"LECTIO_DATA_DIR", "DEBUG"}},
            "DATABASE_URL": self.database,
            "REDIS_URL": f"redis://127.0.0.1:{self.ports['redis']}/0",
            "S3_BUCKET": BUCKET,
            "S3_ENDPOINT_URL": f"http://127.0.0.1:{self.ports['s3']}",
            "S3_REGION": "us-east-1",
            **CREDENTIALS,
            "SECRET_KEY": "cluster-test-secret-key-" + "x" * 30,
            "LOG_LEVEL": "WARNING",
            "DATABASE_POOL_MIN": "1",
            "DATABASE_POOL_MAX": "4",
        }
        shared_static = self.root / "static"
        self.run("migrate", "--noinput", node="web1")
        self.run("collectstatic", "--noinput", node="web1")
        shutil.move(str(self.data_dir("web1") / "static"), shared_static)
        for n in range(1, self.webs + 1):
            name = f"web{n}"
            static = self.data_dir(name) / "static"
            if not static.exists():
                static.symlink_to(shared_static)
            self.start_web(name)
        self.spawn(
            "worker", [LECTIO, "worker", "--interval", "0.3", "--no-scheduler"], node="worker"
        )
        self._nginx()
        for n in range(1, self.webs + 1):
            wait_for(f"{self.url(f'web{n}')}/healthz")
        wait_for(f"{self.url('nginx')}/healthz")

    def stop(self) -> None:
        for name, process in reversed(list(self.processes.items())):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            self._log_handles.pop(name, None)
        self.processes.clear()
        if self.database:
            import psycopg

            with psycopg.connect(self._maintenance(), autocommit=True) as server:
                server.execute(f'DROP DATABASE IF EXISTS "{self._name}" WITH (FORCE)')
            self.database = ""

    # Pieces ------------------------------------------------------------------------------

    def data_dir(self, node: str) -> Path:
        folder = self.root / node
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def node_env(self, node: str) -> dict[str, str]:
        return {**self.env, "LECTIO_DATA_DIR": str(self.data_dir(node))}

    def run(self, *command: str, node: str = "web1") -> str:
        done = subprocess.run(  # noqa: S603
            [LECTIO, *command], env=self.node_env(node), capture_output=True, text=True, check=False
        )
        if done.returncode:
            raise RuntimeError(f"lectio {' '.join(command)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def spawn(self, name: str, command: list[str], *, node: str = "") -> None:
        log = (self.root / f"{name}.log").open("ab")
        self._log_handles[name] = log
        env = self.node_env(node) if node else {**os.environ}
        self.processes[name] = subprocess.Popen(  # noqa: S603
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def start_web(self, name: str) -> None:
        self.ports.setdefault(name, free_port())
        command = [LECTIO, "serve", "--port", str(self.ports[name]), "--workers", "1"]
        self.spawn(name, [*command, "--threads", "4"], node=name)

    def kill(self, name: str) -> None:
        """A crash: SIGKILL to the process and its gunicorn workers, no goodbye."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def log(self, name: str) -> str:
        path = self.root / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _maintenance(self) -> str:
        parts = urlsplit(self.base_url)
        return urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))

    def _database(self) -> None:
        import psycopg

        parts = urlsplit(self.base_url)
        self._name = f"{parts.path.lstrip('/') or 'lectio'}_cluster_{os.getpid()}"
        with psycopg.connect(self._maintenance(), autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{self._name}" WITH (FORCE)')
            server.execute(f'CREATE DATABASE "{self._name}"')
        self.database = urlunsplit(parts._replace(path=f"/{self._name}"))

    def _redis(self) -> None:
        self.ports["redis"] = port = free_port()
        server = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.spawn(
            "redis",
            [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.root)],
        )  # fmt: skip
        import redis

        client = redis.Redis(port=port)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def _object_store(self) -> None:
        self.ports["s3"] = port = free_port()
        self.spawn("s3", [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)])
        import boto3  # type: ignore[import-untyped]  # no stubs installed

        client = boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{port}",
            region_name="us-east-1",
            aws_access_key_id=CREDENTIALS["S3_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["S3_SECRET_ACCESS_KEY"],
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                client.create_bucket(Bucket=BUCKET)
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        self.s3 = client

    def _nginx(self) -> None:
        self.ports["nginx"] = port = free_port()
        folder = self.root / "nginx"
        folder.mkdir(exist_ok=True)
        servers = " ".join(
            f"server 127.0.0.1:{self.ports[f'web{n}']} max_fails=1 fail_timeout=30s;"
            for n in range(1, self.webs + 1)
        )
        config = folder / "nginx.conf"
        # As root, nginx's workers would otherwise run as nobody, who cannot read the folder.
        user = "user root;" if os.geteuid() == 0 else ""
        config.write_text(NGINX.format(user=user, root=folder, port=port, servers=servers))
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.spawn("nginx", [nginx, "-p", str(folder), "-c", str(config), "-g", "daemon off;"])


def main() -> None:
    import tempfile

    with (
        tempfile.TemporaryDirectory(prefix="lectio-cluster-") as folder,
        Cluster(Path(folder)) as cluster,
    ):
        print(f"nginx on {cluster.url('nginx')}; logs in {folder}; Ctrl-C stops")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
