#!/usr/bin/env bash
# Create (or update) the venv that runs the local Triton server: .venv-triton at the repository root.
# Idempotent: an up-to-date venv is left alone (the requirements' hash is recorded inside it).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${OCEANID_TRITON_VENV:-$ROOT/.venv-triton}"
REQUIREMENTS="$ROOT/services/triton/requirements.txt"
PYTHON="${PYTHON:-python3}"
STAMP="$VENV/.requirements.sha256"

wanted="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$wanted" ]]; then
    echo "triton venv up to date: $VENV"
    exit 0
fi

"$PYTHON" -m venv "$VENV"
"$VENV/bin/pip" install --quiet --upgrade pip
"$VENV/bin/pip" install --quiet -r "$REQUIREMENTS"
"$VENV/bin/python" -c "import pytriton, onnxruntime, pypdfium2"
echo "$wanted" > "$STAMP"
echo "triton venv ready: $VENV"
