"""A throwaway PostgreSQL server for the tests, the benchmarks and `.ci/run`: a cluster made by
`initdb` in a temporary folder, listening on 127.0.0.1 on a free port (and on a socket in its
folder), with `trust` authentication, stopped and deleted at the end. PostgreSQL refuses to run
as root, so as root the server runs as the `postgres` user (Debian's package makes it).

    python -m tests.pgserver start DIR   # prints `export DAILYPAPERS_TEST_DATABASE_URL=...`
    python -m tests.pgserver stop DIR
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import uuid
from pathlib import Path

URL_VARIABLE = "DAILYPAPERS_TEST_DATABASE_URL"  # a server given to the tests (its superuser's database)
SERVER_USER = "postgres"  # who runs the server when we are root


def bin_dir() -> Path | None:
    """The folder of initdb, pg_ctl and postgres: on the PATH, else Debian's newest
    /usr/lib/postgresql/N/bin; None when PostgreSQL is not installed."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                      key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    return Path(versions[-1]).parent if versions else None


def why_not() -> str | None:
    """Why this machine cannot start a throwaway server, or None when it can."""
    if bin_dir() is None:
        return "PostgreSQL is not installed (no initdb; apt-get install postgresql)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return f"running as root and there is no {SERVER_USER!r} user to run PostgreSQL as"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """A PostgreSQL cluster in `folder` (made when missing), on `port` (a free one by default)."""

    def __init__(self, folder: Path, port: int | None = None, settings: dict[str, str] | None = None) -> None:
        self.folder = Path(folder)
        self.data = self.folder / "data"
        self.port = port or free_port()
        self.bin = bin_dir()
        assert self.bin is not None, why_not()
        # Throwaway: no fsync (the tests kill and restart the server, never the machine).
        self.settings = {"fsync": "off", "full_page_writes": "off", "max_connections": "300",
                         "listen_addresses": "127.0.0.1", "unix_socket_directories": str(self.folder),
                         **(settings or {})}

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")

    def init(self) -> None:
        """Make the cluster (its superuser is `postgres`, every local connection trusted)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            account = pwd.getpwnam(SERVER_USER)
            os.chown(self.folder, account.pw_uid, account.pw_gid)
        self.folder.chmod(0o755)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")

    def start(self) -> Cluster:
        """Start the server (making the cluster first if needed) and wait until it answers."""
        if not (self.data / "PG_VERSION").exists():
            self.init()
        options = " ".join(f"-c {k}={v}" for k, v in self.settings.items())
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w", "-t", "60",
                  "-o", f"-p {self.port} {options}", "start")
        return self

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (`immediate`: as a crash would)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"


def create_database(admin_url: str, name: str | None = None, template: str | None = None) -> str:
    """A new database on the server of `admin_url`, empty or a copy of `template` (a database
    nobody is connected to); returns its URL. FILE_COPY: a small database is copied in a quarter
    of the time the default strategy takes."""
    import psycopg

    name = name or f"t_{uuid.uuid4().hex[:16]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"{copy} STRATEGY FILE_COPY')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_database(admin_url: str, url: str) -> None:
    """Drop the database of `url` (its connections are ended first)."""
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("start", "stop"):
        print(__doc__, file=sys.stderr)
        return 2
    folder = Path(argv[1])
    if argv[0] == "start":
        reason = why_not()
        if reason:
            print(f"cannot start PostgreSQL: {reason}", file=sys.stderr)
            return 1
        cluster = Cluster(folder).start()
        (folder / "port").write_text(str(cluster.port))
        print(f"export {URL_VARIABLE}={cluster.url()}")
        return 0
    Cluster(folder, int((folder / "port").read_text())).stop()
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
