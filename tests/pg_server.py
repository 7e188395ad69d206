"""A PostgreSQL server for the tests that concern headquarters.

Either the server named by `RCDESK_TEST_PG_URL` (a user allowed to CREATE DATABASE, e.g.
`postgresql://postgres@127.0.0.1:5432/postgres`), or a throw-away cluster this module starts on
127.0.0.1 with the distribution's `initdb`/`pg_ctl` (Debian: the `postgresql` package,
/usr/lib/postgresql/<version>/bin; `RCDESK_PG_BINDIR` names another folder). `initdb` refuses to
run as root, so as root the cluster runs as the `postgres` user through `runuser`.

Each pytest process (each xdist worker) has its own cluster on its own free port and temporary
folder, so workers share nothing and need no lock; it is stopped when the session ends. The schema
is migrated once into a template database; every test gets `CREATE DATABASE … TEMPLATE` of it
(a file copy: ~0.1 s, against ~1 s of migrations).

No server and no binaries is a failure with instructions, never a skip: the headquarters tests
must run wherever the suite runs.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ENV_URL = "RCDESK_TEST_PG_URL"
ENV_BINDIR = "RCDESK_PG_BINDIR"

MISSING = (
    "The headquarters tests need PostgreSQL: install the server package (Debian: apt-get install postgresql; "
    f"its initdb/pg_ctl are found under /usr/lib/postgresql/*/bin or {ENV_BINDIR}) or name a server in "
    f"{ENV_URL}=postgresql://user@host:port/postgres (a user allowed to CREATE DATABASE)."
)


def bindir() -> Path | None:
    if os.environ.get(ENV_BINDIR):
        return Path(os.environ[ENV_BINDIR])
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name), reverse=True
    )
    if found:
        return Path(found[0]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """A server the tests may create databases on; `url(name)` gives a database's URL."""

    def __init__(self, base_url: str, stop=None) -> None:
        from sqlalchemy.engine import make_url

        self._base = make_url(base_url.replace("postgresql://", "postgresql+psycopg://", 1))
        self._stop = stop
        self._names = itertools.count(1)
        self.prefix = f"rcdesk_t{os.getpid()}_"
        self._created: list[str] = []

    def url(self, database: str) -> str:
        return self._base.set(database=database).render_as_string(hide_password=False)

    def admin(self, *statements: str) -> None:
        import psycopg

        u = self._base
        with psycopg.connect(
            host=u.host, port=u.port, user=u.username, password=u.password, dbname=u.database, autocommit=True
        ) as conn:
            for sql in statements:
                conn.execute(sql)

    def new_name(self) -> str:
        name = f"{self.prefix}{next(self._names)}"
        self._created.append(name)
        return name

    def close(self) -> None:
        if self._stop is not None:
            self._stop()
            return
        with contextlib.suppress(Exception):
            self.admin(*(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in reversed(self._created)))


def start_cluster(root: Path, *, durable: bool = False) -> PgServer:
    """initdb + pg_ctl start into `root` (see the module docstring); the server stops on `close()`.

    `durable`: fsync and synchronous commits on, as a real server (benchmarks); off for the tests."""
    bins = bindir()
    if bins is None or not (bins / "initdb").exists():
        raise RuntimeError(MISSING)
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    run_as: list[str] = ["runuser", "-u", "postgres", "--"] if as_root else []
    root.mkdir(parents=True, exist_ok=True)
    if as_root:
        import pwd

        pw = pwd.getpwnam("postgres")
        os.chown(root, pw.pw_uid, pw.pw_gid)
    data, log = root / "data", root / "server.log"
    subprocess.run(
        [*run_as, str(bins / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8"]
        + ["--locale=C.UTF-8", "--no-sync", "--no-instructions"],
        check=True,
        capture_output=True,
    )
    port = _free_port()
    # durability is worthless for a throw-away cluster: no fsync, no full pages, commits not waited for
    opts = f"-h 127.0.0.1 -p {port} -k {root} -c max_connections=60 " + (
        "-c shared_buffers=128MB"
        if durable
        else "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=32MB"
    )
    subprocess.run(
        [*run_as, str(bins / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(log), "-w", "-t", "60", "start"],
        check=True,
        capture_output=True,
    )

    def stop() -> None:
        subprocess.run(
            [*run_as, str(bins / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], capture_output=True
        )
        shutil.rmtree(root, ignore_errors=True)

    return PgServer(f"postgresql://postgres@127.0.0.1:{port}/postgres", stop)


OWNER = "owner.pid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def sweep_orphans() -> list[Path]:
    """Stop and delete the clusters of test processes that died without stopping theirs (a worker killed by a
    timeout or Ctrl+C never reaches the session's teardown): each would keep a postgres running and ~80 MB on disk."""
    bins = bindir()
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    run_as: list[str] = ["runuser", "-u", "postgres", "--"] if as_root else []
    swept = []
    for root in Path(tempfile.gettempdir()).glob("rcdesk-pg-*"):
        owner = root / OWNER
        try:
            pid = int(owner.read_text())
        except (OSError, ValueError):
            continue  # not started by server(): a benchmark's, or a template folder (no cluster inside)
        if _alive(pid):
            continue
        if bins is not None and (root / "data" / "postmaster.pid").exists():
            subprocess.run(
                [*run_as, str(bins / "pg_ctl"), "-D", str(root / "data"), "-m", "immediate", "-w", "stop"],
                capture_output=True,
            )
        shutil.rmtree(root, ignore_errors=True)
        swept.append(root)
    return swept


def server() -> PgServer:
    """The server of this test process: the one named by the environment, or a new cluster."""
    if os.environ.get(ENV_URL):
        return PgServer(os.environ[ENV_URL])
    sweep_orphans()
    root = Path(tempfile.mkdtemp(prefix="rcdesk-pg-"))
    (root / OWNER).write_text(str(os.getpid()))
    try:
        return start_cluster(root)
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode(errors="replace")[-2000:]
        raise RuntimeError(f"could not start a PostgreSQL test cluster in {root}: {detail}") from exc


def wait_closed(srv: PgServer, database: str, timeout: float = 5.0) -> None:
    """Wait until no session uses `database` (a template must have none)."""
    import psycopg

    u = srv._base
    deadline = time.monotonic() + timeout
    with psycopg.connect(host=u.host, port=u.port, user=u.username, password=u.password, dbname=u.database) as c:
        while time.monotonic() < deadline:
            row = c.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (database,)).fetchone()
            if not row or row[0] == 0:
                return
            time.sleep(0.02)
