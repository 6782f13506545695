"""A local PostgreSQL 15 (+ PostGIS) for `make dev` and the tests: data under a folder of ours,
listening on 127.0.0.1 only, trust authentication on loopback only.

The server refuses to run as root, so as root every server command runs as a dedicated system user
(``oceanid-postgres``, created on first use) that owns the data folder. The bootstrap superuser is
``postgres``; the project connects as ``oceanid``, owner of the ``oceanid`` database, in which the
extensions that need a superuser (PostGIS) are created here, so migrations can run as ``oceanid``.

    python -m devtools.postgres start|stop|status|url  [--data-dir D] [--port P]
"""

from __future__ import annotations

import argparse
import glob
import os
import pwd
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

SYSTEM_USER = "oceanid-postgres"
SUPERUSER = "postgres"
DEFAULT_PORT = 5433
# Created by the bootstrap superuser: PostGIS is not a trusted extension.
SUPERUSER_EXTENSIONS = ("postgis", "pgcrypto", "btree_gist")
# Dagster's own run, event-log and schedule storage (dagster-postgres), beside the curated store
DAGSTER_DATABASE = "dagster"
HBA = """# Loopback only, trust: a development server. Everything else is rejected.
local all all trust
host  all all 127.0.0.1/32 trust
host  all all ::1/128 trust
"""


class PostgresNotInstalled(RuntimeError):
    """No PostgreSQL server binaries (Debian's postgresql-15) on this machine."""


def server_bin_dir() -> Path:
    """The folder of ``initdb``/``pg_ctl``/``postgres``: Debian's versioned folder, newest first."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    found = candidates[0] if candidates else shutil.which("initdb")
    if not found:
        raise PostgresNotInstalled("no PostgreSQL server found: run `make install` (apt postgresql-15)")
    return Path(found).parent


@dataclass(frozen=True)
class LocalPostgres:
    data_dir: Path
    port: int = DEFAULT_PORT
    host: str = "127.0.0.1"
    database: str = "oceanid"
    user: str = "oceanid"

    @property
    def cluster_dir(self) -> Path:
        return self.data_dir / "cluster"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "postgres.log"

    def url(self, database: str | None = None, user: str | None = None) -> str:
        return f"postgresql://{user or self.user}@{self.host}:{self.port}/{database or self.database}"

    def dagster_storage_url(self) -> str:
        return self.url(DAGSTER_DATABASE)

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self, timeout_s: float = 60) -> str:
        """Initialise on first use, start unless running, create role, database and extensions."""
        self._prepare_folder()
        if not (self.cluster_dir / "PG_VERSION").exists():
            self._as_server_user(
                [str(server_bin_dir() / "initdb"), "-D", str(self.cluster_dir), "-U", SUPERUSER, "-E", "UTF8"],
                "--auth=trust",
                "--no-instructions",
            )
            (self.cluster_dir / "pg_hba.conf").write_text(HBA)
        if self.pid() is None:
            options = (
                f"-p {self.port} -c listen_addresses={self.host} -c unix_socket_directories={self.data_dir} "
                "-c fsync=off -c full_page_writes=off"  # a development server: speed over crash safety
            )
            self._as_server_user(
                [str(server_bin_dir() / "pg_ctl"), "-D", str(self.cluster_dir), "-l", str(self.log_path)],
                "-o",
                options,
                "-w",
                "-t",
                str(int(timeout_s)),
                "start",
            )
        self._bootstrap()
        return self.url()

    def pid(self) -> int | None:
        """The postmaster's PID when it is running, from its ``postmaster.pid``."""
        pid_file = self.cluster_dir / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().split()[0])
            os.kill(pid, 0)
            return pid
        except (FileNotFoundError, IndexError, ValueError, ProcessLookupError):
            return None
        except PermissionError:  # running, as another user
            return pid

    def stop(self, timeout_s: float = 30) -> None:
        """Fast shutdown by PID (SIGINT), then SIGKILL if it does not go."""
        pid = self.pid()
        if pid is None:
            return
        for sig, wait in ((signal.SIGINT, timeout_s), (signal.SIGKILL, 10)):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                return
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                if self.pid() is None:
                    return
                time.sleep(0.1)

    # --- internals ---------------------------------------------------------------------------

    def _prepare_folder(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() != 0:
            return
        _ensure_system_user()
        account = pwd.getpwnam(SYSTEM_USER)
        os.chown(self.data_dir, account.pw_uid, account.pw_gid)
        os.chmod(self.data_dir, 0o700)
        _check_reachable(self.data_dir)

    def _as_server_user(self, command: list[str], *options: str) -> None:
        full = [*command, *options]
        if os.geteuid() == 0:
            full = ["runuser", "-u", SYSTEM_USER, "--", *full]
        result = subprocess.run(full, capture_output=True, text=True, cwd="/")
        if result.returncode != 0:
            log = self.log_path.read_text(errors="replace")[-2000:] if self.log_path.exists() else ""
            raise RuntimeError(f"{' '.join(command[:1])} failed ({result.returncode}): {result.stderr.strip()}\n{log}")

    def _bootstrap(self) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres", SUPERUSER), autocommit=True) as connection:
            if not connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [self.user]).fetchone():
                connection.execute(f'CREATE ROLE "{self.user}" LOGIN')
            for database in (self.database, DAGSTER_DATABASE):
                if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
                    connection.execute(f'CREATE DATABASE "{database}" OWNER "{self.user}"')
        with psycopg.connect(self.url(self.database, SUPERUSER), autocommit=True) as connection:
            for extension in SUPERUSER_EXTENSIONS:
                connection.execute(f"CREATE EXTENSION IF NOT EXISTS {extension}")


def _ensure_system_user() -> None:
    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SYSTEM_USER], check=True
        )


def _check_reachable(data_dir: Path) -> None:
    """The server user must be able to walk down to its folder: name the folder that stops it."""
    for parent in reversed(data_dir.resolve().parents):
        if not os.stat(parent).st_mode & 0o001:
            raise PermissionError(
                f"{parent} is not traversable by {SYSTEM_USER} (mode {oct(os.stat(parent).st_mode & 0o777)}): "
                f"put the PostgreSQL data folder elsewhere or `chmod o+x {parent}`"
            )


def default_data_dir() -> Path:
    from oceanid_dagster import settings

    return settings.oceanid_home() / "postgres"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["start", "stop", "status", "url"])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--port", type=int, default=int(os.environ.get("OCEANID_POSTGRES_PORT", DEFAULT_PORT)))
    args = parser.parse_args(argv)
    server = LocalPostgres(args.data_dir or default_data_dir(), port=args.port)
    if args.action == "start":
        print(f"PostgreSQL: {server.start()}  (data in {server.data_dir})", flush=True)
    elif args.action == "stop":
        server.stop()
    elif args.action == "status":
        pid = server.pid()
        print(f"running, pid {pid}: {server.url()}" if pid else f"not running ({server.data_dir})")
        return 0 if pid else 3
    else:
        print(server.url())
    return 0


if __name__ == "__main__":
    sys.exit(main())
