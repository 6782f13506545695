"""`make dev`: a local PostgreSQL migrated to head (unless DATABASE_URL points at one) that also holds
Dagster's own storage (unless DAGSTER_POSTGRES_URL points elsewhere or OCEANID_DAGSTER_STORAGE=sqlite), a local
Argilla (unless ARGILLA_API_URL points at one) and `dagster dev` (UI + daemon) on 127.0.0.1, each in
its own process group. Ctrl-C, SIGTERM and SIGHUP (a closed terminal, a
supervisor) all stop both.

The local Argilla's secrets (``ARGILLA_LOCAL_*``, else the launcher's development defaults) are
printed here, to the terminal, and nowhere else: the server's own log holds no secret."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
from pathlib import Path

import yaml

from devtools.postgres import DEFAULT_PORT, LocalPostgres
from devtools.services import dagster_dev_command, start_process_group, stop_process_group, wait_for_http
from oceanid_dagster import settings
from oceanid_dagster.migrations.runner import redact_url

REPO = Path(__file__).resolve().parents[1]
LAUNCHER = REPO / "services/argilla/launcher.py"


class Stop(Exception):
    """A signal asked the whole stack to stop."""


def _raise_stop(signum: int, _frame) -> None:
    raise Stop(signal.Signals(signum).name)


def default_argilla_secrets() -> dict[str, str]:
    """``ARGILLA_LOCAL_*`` variable → the launcher's public development default."""
    spec = importlib.util.spec_from_file_location("argilla_launcher", LAUNCHER)
    launcher = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = launcher  # its dataclasses look their module up
    spec.loader.exec_module(launcher)  # its top level is the standard library only
    return dict(launcher.DEFAULT_SECRETS.values())


def local_argilla_secrets() -> dict[str, str]:
    """``ARGILLA_LOCAL_*`` variable → value: the environment's, else the launcher's default."""
    return {variable: os.environ.get(variable, default) for variable, default in default_argilla_secrets().items()}


def shown_secret(variable: str, value: str) -> str:
    """A login secret as the console may show it: the public development default, or only where it was set."""
    return value if default_argilla_secrets().get(variable) == value else f"(as set in {variable})"


def start_local_argilla(home: Path, port: int, secrets: dict[str, str]) -> subprocess.Popen:
    data_dir = home / "argilla"
    data_dir.mkdir(parents=True, exist_ok=True)
    log = home / "argilla.log"
    command = [str(REPO / ".venv-argilla/bin/python"), str(LAUNCHER), "--host", "127.0.0.1", "--port", str(port)]
    command += ["--data-dir", str(data_dir)]
    process = start_process_group(command, log, env={**os.environ, **secrets})
    wait_for_http(f"http://127.0.0.1:{port}/api/v1/me", 120, process, log)
    print(log.read_text(errors="replace").strip(), flush=True)
    owner = os.environ.get("ARGILLA_LOCAL_OWNER", "argilla")
    annotator = os.environ.get("ARGILLA_LOCAL_ANNOTATOR", "annotator")
    shown = {variable: shown_secret(variable, value) for variable, value in secrets.items()}
    owner_secrets = f"{shown['ARGILLA_LOCAL_OWNER_PASSWORD']} (API key {shown['ARGILLA_LOCAL_OWNER_API_KEY']})"
    print(f"  owner {owner} / {owner_secrets}")
    print(f"  annotator {annotator} / {shown['ARGILLA_LOCAL_ANNOTATOR_PASSWORD']}", flush=True)
    return process


def start_local_postgres(home: Path, port: int) -> LocalPostgres:
    from oceanid_dagster.migrations.runner import upgrade

    server = LocalPostgres(home / "postgres", port=port)
    url = server.start()
    revision = upgrade(url)
    print(
        f"PostgreSQL: {url}  (migrated to {revision}; data in {server.data_dir}; `make db-psql` opens it)", flush=True
    )
    return server


STORAGE_COMMENT = {
    "postgres": "# Added by `make dev`: Dagster's runs, event log and schedules in the local PostgreSQL (its\n"
    "# `dagster` database). Remove this block, or start with OCEANID_DAGSTER_STORAGE=sqlite, for sqlite.\n",
    "sqlite": "# Added by `make dev` (OCEANID_DAGSTER_STORAGE=sqlite): Dagster's runs, event log and schedules in\n"
    "# sqlite files under DAGSTER_HOME. Remove this block to keep them in the local PostgreSQL.\n",
}


def storage_block(kind: str) -> str:
    """Dagster's own storage classes, writing a run's batches of asset events in one statement
    (oceanid_dagster/dagster_storage.py)."""
    storage = settings.postgres_instance_storage() if kind == "postgres" else settings.sqlite_instance_storage()
    return STORAGE_COMMENT[kind] + yaml.safe_dump({"storage": storage}, sort_keys=False)


def ensure_instance_storage(dagster_home: Path) -> bool:
    """Give an instance whose dagster.yaml configures no storage (the shipped one) PostgreSQL
    storage, or sqlite files with OCEANID_DAGSTER_STORAGE=sqlite; a storage block of your own is
    left as it is. True when the instance keeps its runs in PostgreSQL."""
    config = dagster_home / "dagster.yaml"
    text = config.read_text(encoding="utf-8") if config.exists() else ""
    kind = "sqlite" if os.environ.get("OCEANID_DAGSTER_STORAGE", "postgres") == "sqlite" else "postgres"
    if not any(line.startswith("storage:") for line in text.splitlines()):
        config.write_text(text.rstrip("\n") + "\n\n" + storage_block(kind), encoding="utf-8")
    return settings.instance_uses_postgres(dagster_home)


def main() -> int:
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _raise_stop)
    home = settings.oceanid_home()
    dagster_port = int(os.environ.get("OCEANID_DAGSTER_PORT", "3000"))
    argilla_port = int(os.environ.get("OCEANID_ARGILLA_PORT", "6900"))
    postgres_port = int(os.environ.get("OCEANID_POSTGRES_PORT", str(DEFAULT_PORT)))
    services: list[subprocess.Popen] = []
    postgres: LocalPostgres | None = None
    env = {**os.environ, **settings.dagster_process_env()}
    dagster_storage = settings.DAGSTER_POSTGRES_URL_ENV
    dagster_in_postgres = ensure_instance_storage(Path(env["DAGSTER_HOME"]))
    try:
        if not env.get("DATABASE_URL") or (dagster_in_postgres and not env.get(dagster_storage)):
            postgres = start_local_postgres(home, postgres_port)
            env.setdefault("DATABASE_URL", postgres.url())
            if dagster_in_postgres:
                env.setdefault(dagster_storage, postgres.dagster_storage_url())
        if dagster_in_postgres:
            env[dagster_storage] = settings.dagster_postgres_url(env[dagster_storage])
            print(f"Dagster storage: {redact_url(env[dagster_storage])}", flush=True)
        if not env.get("ARGILLA_API_URL"):
            secrets = local_argilla_secrets()
            services.append(start_local_argilla(home, argilla_port, secrets))
            env.update(
                ARGILLA_API_URL=f"http://127.0.0.1:{argilla_port}",
                ARGILLA_API_KEY=secrets["ARGILLA_LOCAL_OWNER_API_KEY"],
            )
        print(
            f"Dagster UI: http://127.0.0.1:{dagster_port}   (OCEANID_HOME={home}, DAGSTER_HOME={env['DAGSTER_HOME']})"
        )
        print(f"Drop PDFs into {home / 'uploads'}: upload_sensor picks them up.", flush=True)
        dagster = subprocess.Popen(
            dagster_dev_command("127.0.0.1", dagster_port), env=env, cwd=REPO, start_new_session=True
        )
        services.append(dagster)
        return dagster.wait()
    except (KeyboardInterrupt, Stop):
        return 0
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # a second signal must not cut the clean-up
            signal.signal(sig, signal.SIG_IGN)
        for process in reversed(services):
            stop_process_group(process)
        if postgres is not None:
            postgres.stop()


if __name__ == "__main__":
    sys.exit(main())
