"""`make dev`: a local Argilla (unless ARGILLA_API_URL points at one) and `dagster dev` (UI + daemon)
on 127.0.0.1:3000, each in its own process group; Ctrl-C stops both."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from devtools.services import (
    dagster_dev_command,
    start_process_group,
    stop_process_group,
    wait_for_http,
)
from oceanid_dagster import settings

REPO = Path(__file__).resolve().parents[1]
ARGILLA_PORT = 6900
LOCAL_OWNER_KEY = "oceanid.owner.apikey"


def start_local_argilla(home: Path) -> subprocess.Popen:
    data_dir = home / "argilla"
    data_dir.mkdir(parents=True, exist_ok=True)
    log = home / "argilla.log"
    command = [
        str(REPO / ".venv-argilla/bin/python"),
        str(REPO / "services/argilla/launcher.py"),
        "--host",
        "127.0.0.1",
        "--port",
        str(ARGILLA_PORT),
        "--data-dir",
        str(data_dir),
    ]
    process = start_process_group(command, log)
    wait_for_http(f"http://127.0.0.1:{ARGILLA_PORT}/api/v1/me", 120, process, log)
    print(log.read_text(errors="replace").strip(), flush=True)
    return process


def main() -> int:
    home = settings.oceanid_home()
    services: list[subprocess.Popen] = []
    env = dict(os.environ)
    try:
        if not env.get("ARGILLA_API_URL"):
            services.append(start_local_argilla(home))
            env.update(ARGILLA_API_URL=f"http://127.0.0.1:{ARGILLA_PORT}", ARGILLA_API_KEY=LOCAL_OWNER_KEY)
        print(
            f"Dagster UI: http://127.0.0.1:3000   (OCEANID_HOME={home}, DAGSTER_HOME={env['DAGSTER_HOME']})", flush=True
        )
        print(f"Drop PDFs into {home / 'uploads'}: upload_sensor picks them up.", flush=True)
        dagster = subprocess.Popen(dagster_dev_command("127.0.0.1", 3000), env=env, cwd=REPO, start_new_session=True)
        services.append(dagster)
        return dagster.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for process in reversed(services):
            stop_process_group(process)


if __name__ == "__main__":
    sys.exit(main())
