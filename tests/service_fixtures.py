"""Fixtures for the upload service's tests: a PostgreSQL cluster of its own, and a real
`yaojian serve` process on 127.0.0.1.  Test modules import the fixtures they use."""

from __future__ import annotations

import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


# -- PostgreSQL ------------------------------------------------------------------------------

def pg_bindir() -> Path | None:
    """Debian's PostgreSQL server binaries (the newest installed), if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(re.findall(r"/(\d+)/", p)[0]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresCluster:
    """A throw-away cluster in a temp folder, listening on 127.0.0.1 only."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="yaojian-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root: run it as `postgres`
            import pwd

            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
            os.chmod(self.root, 0o700)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.databases = 0

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([*self.as_user, *args], capture_output=True, text=True, timeout=timeout, check=True)

    def start(self) -> None:
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "yaojian", "--auth=trust",
                  "--encoding=UTF8", "--locale=C", "--no-sync")
        opts = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off "
                "-c max_connections=200 -c shared_buffers=64MB")
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", opts, "-w", "-t", "60",
                  "-l", str(self.root / "log"), "start")

    def create_database(self) -> str:
        self.databases += 1
        name = f"ledger{self.databases}"
        self._run(str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "yaojian", name)
        return f"postgresql://yaojian@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=60)
        except (subprocess.SubprocessError, OSError):
            pass
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_cluster():
    bindir = pg_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries are not installed (scripts/install-test-deps.sh installs them)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.fail("psycopg is not installed: pip install -e '.[test]'")
    cluster = PostgresCluster(bindir)
    try:
        cluster.start()
    except subprocess.CalledProcessError as exc:
        cluster.stop()
        pytest.fail(f"could not start PostgreSQL: {exc.stderr or exc.stdout}")
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_target(request, tmp_path):
    """A fresh, empty ledger location: an SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "ledger.db"), tmp_path / "files"
    cluster = request.getfixturevalue("postgres_cluster")
    return cluster.create_database(), tmp_path / "files"


@pytest.fixture
def ledger(ledger_target):
    from generator.service.ledger import Ledger

    target, files = ledger_target
    led = Ledger.open(target, files)
    yield led
    led.close()


# -- a real server process ---------------------------------------------------------------------

class Server:
    def __init__(self, db: str, files: Path, port: int, extra: list[str]):
        self.db, self.files, self.port, self.extra = db, files, port, extra
        self.proc: subprocess.Popen | None = None
        self.log = Path(tempfile.mkstemp(prefix="yaojian-serve-", suffix=".log")[1])

    @property
    def root(self) -> str:
        """The one address: the built site at /, the service under /filing/."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The service's pages (what the service tests talk to)."""
        return f"http://127.0.0.1:{self.port}/filing"

    def start(self, timeout: float = 60) -> "Server":
        env = dict(os.environ)
        env.pop("YAOJIAN_DEBUG", None)
        env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
        out = open(self.log, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--root", str(REPO), "--host", "127.0.0.1",
             "--port", str(self.port), "--db", self.db, "--files", str(self.files), *self.extra],
            cwd=REPO, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text(errors='replace')}")
            if "正在运行" in self.log.read_text(errors="replace"):
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                        return self
                except OSError:
                    pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.log.read_text(errors='replace')}")

    def kill9(self) -> None:
        """SIGKILL to the server and its validation workers (its whole process group)."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=20)


def add_account(db: str, files: Path, username: str, password: str, *, unit: str | None = None) -> None:
    who = ["--unit", unit] if unit else ["--office"]
    r = subprocess.run(
        [sys.executable, "-m", "generator", "users", "--root", str(REPO), "add", username, *who,
         "--password-stdin", "--db", db, "--files", str(files)],
        input=password + "\n", capture_output=True, text=True, cwd=REPO, timeout=60,
    )
    assert r.returncode == 0, r.stderr


def start_server(tmp_path: Path, *extra: str, db: str | None = None) -> Server:
    db = db or str(tmp_path / "ledger.db")
    return Server(db, tmp_path / "files", free_port(), list(extra)).start()
