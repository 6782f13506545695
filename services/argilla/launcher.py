"""Start a self-contained Argilla server: SQLite in ``--data-dir``, in-process Redis, database-backed search.

Run with the server's own interpreter (``.venv-argilla/bin/python services/argilla/launcher.py``):
``argilla-server`` pins libraries that clash with the project's environment.

    launcher.py --host 127.0.0.1 --port 6900 --data-dir data/argilla

It migrates the database, creates the workspace, an owner and an annotator with the configured
secrets (an existing user gets the configured password and API key: a changed secret takes effect at
the next start), writes ``argilla.pid`` in the data dir, prints the URL and the usernames (never a
password or key: its output goes to a log file) and serves until SIGTERM/SIGINT.

The built-in default secrets are for a server on loopback only: with ``--host`` elsewhere, every
secret must be set (``ARGILLA_LOCAL_OWNER_PASSWORD`` ... or the flags), or the launcher refuses.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENGINE_NAME = "oceanid-database"
# The local development secrets: good for 127.0.0.1, never for a server others can reach.
DEFAULT_SECRETS = {
    "owner_password": ("ARGILLA_LOCAL_OWNER_PASSWORD", "12345678"),
    "owner_api_key": ("ARGILLA_LOCAL_OWNER_API_KEY", "oceanid.owner.apikey"),
    "annotator_password": ("ARGILLA_LOCAL_ANNOTATOR_PASSWORD", "annotator123"),
    "annotator_api_key": ("ARGILLA_LOCAL_ANNOTATOR_API_KEY", "oceanid.annotator.apikey"),
}


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    api_key: str
    role: str


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=6900)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--workspace", default=env("ARGILLA_LOCAL_WORKSPACE", "oceanid"))
    parser.add_argument("--owner-username", default=env("ARGILLA_LOCAL_OWNER", "argilla"))
    parser.add_argument("--annotator-username", default=env("ARGILLA_LOCAL_ANNOTATOR", "annotator"))
    for name, (variable, default) in DEFAULT_SECRETS.items():
        parser.add_argument("--" + name.replace("_", "-"), default=env(variable, default))
    parser.add_argument("--log-level", default="warning")
    return parser.parse_args(argv)


def is_loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


def refuse_default_secrets_off_loopback(args: argparse.Namespace) -> None:
    defaults = [variable for name, (variable, default) in DEFAULT_SECRETS.items() if getattr(args, name) == default]
    if defaults and not is_loopback(args.host):
        sys.exit(
            f"refusing to serve Argilla on {args.host} with the built-in development secrets: "
            f"set {', '.join(defaults)} (or the matching flags), or serve on 127.0.0.1"
        )


def configure_environment(data_dir: Path) -> None:
    """argilla-server reads its settings from the environment when first imported: set them before."""
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["ARGILLA_HOME_PATH"] = str(data_dir)
    os.environ["ARGILLA_DATABASE_URL"] = f"sqlite+aiosqlite:///{data_dir / 'argilla.db'}?check_same_thread=False"
    os.environ["ARGILLA_SEARCH_ENGINE"] = ENGINE_NAME
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"


def use_in_process_redis() -> None:
    """Every Redis client argilla-server and rq create talks to one in-memory fakeredis server.

    Must run before ``argilla_server.jobs.queues`` is imported: it connects at import time.
    """
    import fakeredis
    import redis

    server = fakeredis.FakeServer()

    def from_url(url, **kwargs):
        return fakeredis.FakeStrictRedis(server=server, **kwargs)

    redis.from_url = from_url
    redis.Redis.from_url = classmethod(lambda cls, url, **kwargs: from_url(url, **kwargs))


def use_write_ahead_log() -> None:
    """WAL lets the search engine read while a request writes, instead of waiting on SQLite's lock."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "connect")
    def _wal(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def migrate_database() -> None:
    from alembic import command
    from alembic.config import Config
    from argilla_server.database import ALEMBIC_CONFIG_FILE

    command.upgrade(Config(ALEMBIC_CONFIG_FILE), "head")


async def _ensure_account(db, account: Account, workspace) -> None:
    from argilla_server.contexts import accounts
    from argilla_server.models import User, WorkspaceUser

    user = await accounts.get_user_by_username(db, account.username)
    secrets = {"password_hash": accounts.hash_password(account.password), "api_key": account.api_key}
    if user is None:
        user = await User.create(
            db, first_name=account.username, username=account.username, role=account.role, **secrets, autocommit=False
        )
    elif user.api_key != account.api_key or not accounts.verify_password(account.password, user.password_hash):
        await user.update(db, **secrets, autocommit=False)  # the configured secrets win over earlier ones
    if await WorkspaceUser.get_by(db, workspace_id=workspace.id, user_id=user.id) is None:
        await WorkspaceUser.create(db, workspace_id=workspace.id, user_id=user.id, autocommit=False)


async def _ensure_accounts(workspace_name: str, accounts_: list[Account]) -> None:
    from argilla_server.database import AsyncSessionLocal
    from argilla_server.models import Workspace

    async with AsyncSessionLocal() as db:
        workspace = await Workspace.get_by(db, name=workspace_name)
        if workspace is None:
            workspace = await Workspace.create(db, name=workspace_name, autocommit=False)
            await db.flush()
        for account in accounts_:
            await _ensure_account(db, account, workspace)
        await db.commit()


def ensure_accounts(workspace_name: str, accounts_: list[Account]) -> None:
    asyncio.run(_ensure_accounts(workspace_name, accounts_))


def start_job_worker() -> None:
    """rq jobs (webhooks, record status after a distribution change) run in a thread of this process,
    because the queue lives in this process's memory."""
    from argilla_server.jobs.queues import DEFAULT_QUEUE, HIGH_QUEUE, REDIS_CONNECTION
    from rq import SimpleWorker
    from rq.timeouts import TimerDeathPenalty

    class ThreadWorker(SimpleWorker):
        death_penalty_class = TimerDeathPenalty  # SIGALRM only works in the main thread

        def _install_signal_handlers(self):  # so does signal.signal; uvicorn owns the signals
            pass

    worker = ThreadWorker([HIGH_QUEUE, DEFAULT_QUEUE], connection=REDIS_CONNECTION)
    threading.Thread(target=worker.work, kwargs={"logging_level": "WARNING"}, name="rq-worker", daemon=True).start()


def serve(host: str, port: int, log_level: str) -> None:
    import uvicorn

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self):
            # uvicorn re-raises SIGTERM after shutting down, which would skip our clean-up.
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, self.handle_exit)
            yield

    Server(uvicorn.Config("argilla_server:app", host=host, port=port, log_level=log_level)).run()


def print_banner(url: str, owner: Account, annotator: Account, workspace: str, pid_file: Path) -> None:
    """What the log may hold: where, who; never a password or key."""
    print(f"Argilla URL: {url}")
    print(f"Workspace: {workspace}")
    print(f"Owner: {owner.username}; annotator: {annotator.username} (secrets as configured, not logged)")
    print(f"PID file: {pid_file}", flush=True)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    refuse_default_secrets_off_loopback(args)
    data_dir = args.data_dir.resolve()
    configure_environment(data_dir)
    use_in_process_redis()
    use_write_ahead_log()
    sys.path.insert(0, str(HERE))
    import search_engine

    search_engine.register()
    migrate_database()

    owner = Account(args.owner_username, args.owner_password, args.owner_api_key, "owner")
    annotator = Account(args.annotator_username, args.annotator_password, args.annotator_api_key, "annotator")
    ensure_accounts(args.workspace, [owner, annotator])
    start_job_worker()

    pid_file = data_dir / "argilla.pid"
    pid_file.write_text(f"{os.getpid()}\n")
    print_banner(f"http://{args.host}:{args.port}", owner, annotator, args.workspace, pid_file)
    try:
        serve(args.host, args.port, args.log_level)
    finally:
        pid_file.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
