#!/usr/bin/env bash
# Create (or complete) the Argilla server's own virtual environment. Idempotent.
#   services/argilla/install.sh [VENV_DIR]      default: .venv-argilla at the repository root
# argilla-server pins pydantic 2.9, httpx 0.27, urllib3 1.26 and typer 0.9, which clash with the
# project's environment, so the server never shares it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${1:-$root/.venv-argilla}"
python="${ARGILLA_PYTHON:-python3.11}"
requirements="$here/requirements.txt"
stamp="$venv/.requirements.sha256"

if [[ ! -x "$venv/bin/python" ]]; then
    "$python" -m venv "$venv"
fi
wanted="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
    echo "Argilla server environment up to date: $venv"
    exit 0
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -r "$requirements"
"$venv/bin/python" -c "import argilla_server, fakeredis, rq" 
echo "$wanted" > "$stamp"
echo "Argilla server environment ready: $venv"
